using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Scheduling;
using SocialMcp.Server.Access;
using SocialMcp.Server.Authorization;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Http;
using SocialMcp.Server.Mcp;
using SocialMcp.Server.Mcp.BadInput;

namespace SocialMcp.Server.Cli;

/// <summary>
/// The <c>socialmcp</c> command line. <c>serve</c> (also the default) runs the stdio MCP server, <c>serve --http</c>
/// the streamable HTTP one; later commands (keys, workspaces) hang off the same root.
/// </summary>
public static class SocialMcpCommandLine
{
    /// <param name="configureServer">
    /// Adds to the MCP server that <c>serve</c> composes, over stdio and HTTP alike (after the product's tools, filters and
    /// resources). The product passes nothing; a test host adds fixtures through it (tests/SocialMcp.ConformanceHost).
    /// </param>
    public static RootCommand Build(Action<IMcpServerBuilder>? configureServer = null)
    {
        var db = new Option<string?>("--db")
        {
            Description = "SQLite database file (sets Storage:Path). Default: ~/.local/share/socialmcp/socialmcp.db, created on first run.",
            Recursive = true,
        };

        var http = new Option<bool>("--http")
        {
            Description = "Serve MCP over streamable HTTP at /mcp (Kestrel) instead of stdio.",
        };
        var urls = new Option<string?>("--urls")
        {
            Description = $"With --http: where to listen, semicolon-separated (sets Http:Urls). Default: {SocialMcpHost.DefaultUrls} (loopback only).",
        };

        var serve = new Command("serve", "Run the MCP server over stdio (the default command), or over HTTP with --http.")
        {
            http,
            urls,
        };
        serve.SetAction((result, cancellationToken) => result.GetValue(http)
            ? ServeHttpAsync(result.GetValue(db), result.GetValue(urls), configureServer, cancellationToken)
            : ServeStdioAsync(result.GetValue(db), configureServer, cancellationToken));

        var root = new RootCommand("SocialMcp: an MCP server through which AI agents draft, schedule, publish and withdraw social media posts.")
        {
            db,
            serve,
        };
        root.SetAction((result, cancellationToken) => ServeStdioAsync(result.GetValue(db), configureServer, cancellationToken));
        AdminCommands.AddTo(root, db);
        AuthorizationCommands.AddTo(root, db);
        root.Subcommands.Add(HealthCheckCommand.Create());
        root.Subcommands.Add(MigrateStoreCommand.Create());
        root.Subcommands.Add(ServiceCommands.Create(db));
        root.Subcommands.Add(WebhookCommands.Create(db));
        return root;
    }

    private static async Task<int> ServeStdioAsync(string? dbPath, Action<IMcpServerBuilder>? configureServer, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>();
        if (dbPath is not null)
            overrides["Storage:Path"] = dbPath;

        try
        {
            var builder = SocialMcpHost.CreateBuilder(overrides);
            var server = builder.Services.AddSocialMcpServer().WithGuardedStdioTransport();
            configureServer?.Invoke(server);
            // Lives only while the agent's app is open: leaves due posts to a live background runner (socialmcp service).
            builder.Services.AddSocialScheduler(SchedulerRole.StdioServer);
            using var host = builder.Build();
            await host.Services.PrepareToServeAsync(cancellationToken);
            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            return await InvalidConfigurationAsync(ex);
        }
    }

    private static async Task<int> ServeHttpAsync(string? dbPath, string? urls, Action<IMcpServerBuilder>? configureServer, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>();
        if (dbPath is not null)
            overrides["Storage:Path"] = dbPath;
        if (urls is not null)
            overrides["Http:Urls"] = urls;

        try
        {
            var builder = SocialMcpHost.CreateWebBuilder(overrides);
            builder.Services.AddApiKeyAccess();
            builder.AddSocialMcpAuthorization();
            var server = builder.Services.AddSocialMcpServer();
            configureServer?.Invoke(server);
            builder.Services.AddSocialMcpHttp();
            // A long-lived server: fires what is due whether or not a background runner is alive too (leases keep them apart).
            builder.Services.AddSocialScheduler(SchedulerRole.LongLivedServer);
            await using var app = builder.Build();
            app.MapSocialMcp();
            await app.Services.PrepareToServeAsync(cancellationToken);
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            return await InvalidConfigurationAsync(ex);
        }
    }

    private static async Task<int> InvalidConfigurationAsync(OptionsValidationException ex)
    {
        await Console.Error.WriteLineAsync($"socialmcp: invalid configuration:\n  - {string.Join("\n  - ", ex.Failures)}");
        return 2;
    }
}
