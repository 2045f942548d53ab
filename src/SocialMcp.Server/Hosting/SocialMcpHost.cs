using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocialMcp.Core;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Storage;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Server.Hosting;

/// <summary>Builds the host every command shares: configuration, stderr logging, domain, storage and publishers.</summary>
public static class SocialMcpHost
{
    public const string EnvironmentPrefix = "SOCIALMCP_";

    /// <summary>
    /// Configuration, lowest to highest precedence: appsettings.json beside the executable, environment variables
    /// prefixed SOCIALMCP_ (SOCIALMCP_Scheduling__MinLeadTime), then the command line (<paramref name="overrides"/>).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "socialmcp",
        });
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(overrides);

        // stdout carries JSON-RPC only: every log line goes to stderr.
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.Services.AddSocialCore();
        builder.Services.AddSocialStorage();
        builder.Services.AddPlatformPublishers();
        return builder;
    }

    /// <summary>Applies migrations and creates the local workspace on first run. Runs before any request is served.</summary>
    public static async Task InitializeStoreAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
        await services.GetRequiredService<LocalWorkspace>().EnsureCreatedAsync(cancellationToken);
    }
}
