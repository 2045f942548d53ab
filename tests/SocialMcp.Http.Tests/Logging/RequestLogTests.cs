using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests.Logging;

/// <summary>
/// At the shipped log levels (appsettings.json: Microsoft at Warning) a tool call over HTTP writes no log line of its
/// own: routing's "Executing endpoint" pair once came out on every request, a console write per line under load.
/// </summary>
public sealed class RequestLogTests
{
    [Fact]
    public async Task ToolCall_AtTheShippedLogLevels_LogsNoRoutingLines()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        }, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));

        using var response = await server.SendAsync(server.Post(JsonRpc.Request(1, "tools/call", """{"name":"list_platform_sets","arguments":{}}""")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(logs.Lines, line => line.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal));
    }
}
