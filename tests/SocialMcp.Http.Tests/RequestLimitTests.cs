using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>Requests other than tools/call, and calls of unknown tools, count against the key's limits over HTTP.</summary>
public sealed class RequestLimitTests
{
    private static async Task<string> KeyAsync(TestServer server)
    {
        var (_, plaintext) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(LocalWorkspace.Id, "test", [], CancellationToken.None);
        return plaintext;
    }

    private static async Task<JsonElement> SendAsync(TestServer server, string key, string body)
    {
        using var response = await server.SendAsync(server.Post(body, key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonRpc.ReadSseMessageAsync(response);
    }

    [Fact]
    public async Task InitializeResourcesReadAndPing_OverTheRequestLimit_AreJsonRpcError32029WithRetryAfter()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:RequestsPerWindow"] = "3",
            ["RateLimits:Window"] = "00:10:00",
        }, apiKeys: true);
        var key = await KeyAsync(server);

        Assert.True((await SendAsync(server, key, JsonRpc.Initialize(1))).TryGetProperty("result", out _));
        var read = await SendAsync(server, key, JsonRpc.Request(2, "resources/read", $$"""{"uri": "socialmcp://posts/{{Guid.NewGuid()}}"}"""));
        Assert.NotEqual(-32029, read.TryGetProperty("error", out var readError) ? readError.GetProperty("code").GetInt32() : 0);
        Assert.True((await SendAsync(server, key, JsonRpc.Request(3, "ping"))).TryGetProperty("result", out _));

        var limited = await SendAsync(server, key, JsonRpc.Initialize(4));

        var error = limited.GetProperty("error");
        Assert.Equal(4, limited.GetProperty("id").GetInt32());
        Assert.Equal(-32029, error.GetProperty("code").GetInt32());
        Assert.Equal("RATE_LIMITED", error.GetProperty("data").GetProperty("code").GetString());
        Assert.InRange(error.GetProperty("data").GetProperty("retryAfterSeconds").GetInt32(), 1, 600);
        // Another key has its own budget.
        Assert.True((await SendAsync(server, await KeyAsync(server), JsonRpc.Request(5, "ping"))).TryGetProperty("result", out _));
    }

    [Fact]
    public async Task UnknownTool_OverTheReadLimit_IsRateLimitedToolError()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:ReadPerWindow"] = "1",
            ["RateLimits:Window"] = "00:10:00",
        }, apiKeys: true);
        var key = await KeyAsync(server);
        var call = JsonRpc.Request(1, "tools/call", """{"name": "no_such_tool", "arguments": {}}""");

        var first = await SendAsync(server, key, call);
        var second = await SendAsync(server, key, call);

        Assert.Equal("UNKNOWN_TOOL", first.GetProperty("result").GetProperty("structuredContent").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("RATE_LIMITED", second.GetProperty("result").GetProperty("structuredContent").GetProperty("error").GetProperty("code").GetString());
    }
}
