using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Cli;

/// <summary>
/// The <c>socialmcp</c> command line. <c>serve</c> (also the default) runs the stdio MCP server; later commands
/// (serve --http, keys, workspaces) hang off the same root.
/// </summary>
public static class SocialMcpCommandLine
{
    public static RootCommand Build()
    {
        var db = new Option<string?>("--db")
        {
            Description = "SQLite database file (sets Storage:Path). Default: ~/.local/share/socialmcp/socialmcp.db, created on first run.",
            Recursive = true,
        };

        var serve = new Command("serve", "Run the MCP server over stdio (the default command).");
        serve.SetAction((result, cancellationToken) => ServeStdioAsync(result.GetValue(db), cancellationToken));

        var root = new RootCommand("SocialMcp: an MCP server through which AI agents draft, schedule, publish and withdraw social media posts.")
        {
            db,
            serve,
        };
        root.SetAction((result, cancellationToken) => ServeStdioAsync(result.GetValue(db), cancellationToken));
        return root;
    }

    private static async Task<int> ServeStdioAsync(string? dbPath, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>();
        if (dbPath is not null)
            overrides["Storage:Path"] = dbPath;

        try
        {
            var builder = SocialMcpHost.CreateBuilder(overrides);
            builder.Services.AddSingleton<IWorkspaceContext, LocalWorkspaceContext>();
            builder.Services.AddSocialMcpServer().WithStdioServerTransport();
            using var host = builder.Build();
            await host.Services.InitializeStoreAsync(cancellationToken);
            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"socialmcp: invalid configuration:\n  - {string.Join("\n  - ", ex.Failures)}");
            return 2;
        }
    }
}
