using SocialMcp.Storage.Migrations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;
using SocialMcp.Core;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Tokens.KeyRing;
using SocialMcp.Server.Hosting.Telemetry;
using SocialMcp.Server.Media;
using SocialMcp.Server.OAuth;
using SocialMcp.Storage;
using SocialMcp.Storage.Postgres;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Server.Hosting;

/// <summary>
/// Builds the host every command shares: configuration, stderr logging, domain, storage and publishers. The stdio
/// server runs on a plain host, the HTTP server on a web application; both get exactly the same set-up.
/// </summary>
public static class SocialMcpHost
{
    public const string EnvironmentPrefix = "SOCIALMCP_";

    /// <summary>The project's UserSecretsId (SocialMcp.Server.csproj), so <c>dotnet user-secrets set</c> and the server agree.</summary>
    public const string UserSecretsId = "socialmcp-0b6f3d1e-5c2a-4e0f-9a57-8d1f2c6e4b90";

    /// <summary>Where Kestrel listens unless <c>Http:Urls</c> (or <c>--urls</c>) says otherwise: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The stdio server's host.</summary>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "socialmcp",
        });
        builder.AddSocialMcpHost(overrides);
        return builder;
    }

    /// <summary>
    /// The HTTP server's host: Kestrel and routing only (no default configuration sources, so the same three apply
    /// as for stdio), listening on <c>Http:Urls</c>, semicolon-separated.
    /// </summary>
    public static WebApplicationBuilder CreateWebBuilder(IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "socialmcp",
        });
        builder.AddSocialMcpHost(overrides);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls(builder.Configuration["Http:Urls"] is { Length: > 0 } urls ? urls : DefaultUrls);
        builder.Services.AddRoutingCore();
        return builder;
    }

    /// <summary>
    /// Configuration, lowest to highest precedence: appsettings.json beside the executable, user secrets, environment variables
    /// prefixed SOCIALMCP_ (SOCIALMCP_Scheduling__MinLeadTime), then the command line (<paramref name="overrides"/>).
    /// Then stderr logging, the domain, the store and the publishers.
    /// </summary>
    public static IHostApplicationBuilder AddSocialMcpHost(this IHostApplicationBuilder builder, IReadOnlyDictionary<string, string?> overrides)
    {
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            // App credentials (Platforms:{p}:ClientSecret) belong in user secrets or the environment, never in appsettings.json.
            .AddUserSecrets(UserSecretsId, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(overrides);

        // stdout carries JSON-RPC only in stdio mode: every log line goes to stderr, in both modes.
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // The hosting layer's request lines carry the query string (an OAuth callback's is a code and a state), and
        // routing's debug lines the path (a signed connect link is a bearer capability): keep them out of the log even
        // when someone turns Microsoft's logging up. Warning, not Information: a rule names the level a category logs
        // from, so Information here put routing's "Executing endpoint" pair on every request (issue 18's HTTP profile).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);

        // Traces and metrics over OTLP when configured; nothing at all otherwise (docs/telemetry.md).
        builder.AddSocialMcpTelemetry();

        builder.Services.AddSocialCore();
        builder.Services.AddHostedService<StartupGarbageRelease>();
        builder.Services.AddSocialStorage();
        builder.Services.AddPlatformPublishers();
        builder.Services.AddOAuthConnect();
        builder.Services.AddMediaDelivery();
        builder.Services.AddSingleton<Accounts.AccountTokenReport>();
        if (string.Equals(builder.Configuration["Storage:Provider"], StorageOptions.PostgresProvider, StringComparison.OrdinalIgnoreCase))
        {
            // Several instances may share the database: their changes, rate limits and token keys are shared through it too.
            builder.Services.AddPostgresCluster();
            builder.Services.AddSharedKeyRing(provider => provider.GetRequiredService<PostgresDataSource>().DataSource.OpenConnection);
        }
        // Token encryption keys live beside the database unless Tokens:KeysDirectory says otherwise, so moving or
        // backing up the data folder keeps connected accounts usable. The directory is owner-only (KeyRingProtection).
        builder.Services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .PostConfigure<Microsoft.Extensions.Options.IOptions<StorageOptions>, ILoggerFactory>((keys, storage, loggerFactory) =>
                KeyRingProtection.UseKeyDirectoryUnlessConfigured(keys,
                    Path.Combine(storage.Value.DataDirectory, "keys"), loggerFactory));
        return builder;
    }

    /// <summary>
    /// What <c>serve</c> does before it starts the host: initializes the store while the MCP server's tools, resources and
    /// prompts are built on another thread. Building them is reflection and JIT work of a few hundred milliseconds of CPU
    /// that the first request needs and the store's start does not, so on two cores the two overlap (issue 18: cold start).
    /// </summary>
    public static async Task PrepareToServeAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var mcpServerOptions = Task.Run(() => services.GetService<IOptions<McpServerOptions>>()?.Value, cancellationToken);
        await services.InitializeStoreAsync(cancellationToken);
        await mcpServerOptions;
    }

    /// <summary>Applies migrations and creates the local workspace on first run. Runs before any request is served.</summary>
    public static async Task InitializeStoreAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IStoreMigrator>().ApplyAsync(cancellationToken);
        // The shared key ring's first key, created by one instance only (PostgreSQL; nothing to do otherwise).
        services.GetService<SharedKeyRing>()?.EnsureKey();
        await services.GetRequiredService<LocalWorkspace>().EnsureCreatedAsync(cancellationToken);
        // The authorization server's database is not opened here: it is created on its first use (AuthorizationDatabase),
        // which a /mcp call with an API key never needs; building its EF Core model cost about a second of start-up.
    }
}
