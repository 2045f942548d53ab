// The floor: the smallest MCP server the C# SDK's README shows, with the reference server's echo tool and nothing
// else (no storage, no auth, no audit, no options). bench/run measures it beside SocialMcp and the reference in the
// same rounds: whatever this server cannot beat is the cost of .NET and the SDK, not of SocialMcp.
//
//   mcp-floor stdio                                  (the generic host, stdio transport)
//   mcp-floor http --urls http://127.0.0.1:PORT      (ASP.NET Core, stateless streamable HTTP at /mcp)
using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

if (args.Length > 0 && args[0] == "http")
{
    var web = WebApplication.CreateBuilder(args[1..]);
    web.Logging.SetMinimumLevel(LogLevel.Warning);
    web.Services.AddMcpServer()
        .WithHttpTransport(o => o.Stateless = true)
        .WithTools<EchoTool>();
    var app = web.Build();
    app.MapMcp("/mcp");
    await app.RunAsync();
}
else if (args.Length > 0 && args[0] == "stdio")
{
    var host = Host.CreateApplicationBuilder(args[1..]);
    // stdout carries the protocol: every log line goes to stderr, and only warnings and worse.
    host.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    host.Logging.SetMinimumLevel(LogLevel.Warning);
    host.Services.AddMcpServer()
        .WithStdioServerTransport()
        .WithTools<EchoTool>();
    await host.Build().RunAsync();
}
else
{
    Console.Error.WriteLine("usage: mcp-floor stdio | mcp-floor http --urls http://127.0.0.1:PORT");
    return 2;
}
return 0;

/// <summary>The reference server's echo: same name, same argument, same answer.</summary>
[McpServerToolType]
public sealed class EchoTool
{
    [McpServerTool(Name = "echo", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [Description("Echoes back the input string")]
    public static string Echo([Description("Message to echo")] string message) => $"Echo: {message}";
}
