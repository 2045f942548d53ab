using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Server.Cli.Service;
using SocialMcp.Server.Hosting;
using SocialMcp.Storage;

namespace SocialMcp.Server.Cli;

/// <summary>
/// <c>socialmcp service install|uninstall|status|run</c>: the background runner of a local install. A stdio server lives only
/// while the agent's app is open; the runner (a systemd user unit, a launchd agent or a Windows service) runs the scheduler
/// on the same database all the time, so scheduled posts fire with no agent connected. <c>run</c> is what the OS starts.
/// </summary>
public static class ServiceCommands
{
    /// <param name="system">The OS the commands act on; tests pass their own.</param>
    public static Command Create(Option<string?> db, IServiceSystem? system = null)
    {
        var install = new Command("install",
            "Install and start the background runner (systemd user unit, launchd agent or Windows service) on this database and configuration.");
        install.SetAction((result, ct) => AdminCommands.RunAsync(result.GetValue(db), services =>
            Manager(system).InstallAsync(ServiceManager.CurrentExecutable(), DatabasePath(services), ct), ct));

        var uninstall = new Command("uninstall", "Stop and remove the background runner.");
        uninstall.SetAction((result, ct) => AdminCommands.RunAsync(result.GetValue(db), services =>
            Manager(system).UninstallAsync(DatabasePath(services), ct), ct));

        var status = new Command("status", "Is the runner installed, does the OS say it runs, and when was its heartbeat last seen? Exit 0 only when all three hold.");
        status.SetAction((result, ct) => AdminCommands.RunAsync(result.GetValue(db), async services =>
        {
            var last = await services.GetRequiredService<IStore>().ReadAsync(
                session => session.Runners.GetLatestAsync(RunnerKinds.Service, ct), ct);
            var window = services.GetRequiredService<IOptions<SchedulingOptions>>().Value.RunnerAliveWindow;
            return await Manager(system).StatusAsync(last, services.GetRequiredService<TimeProvider>().GetUtcNow(), window, ct);
        }, ct));

        var settings = new Option<string?>("--settings")
        {
            Description = "A JSON file of configuration keys (written by service install) applied over the other configuration.",
        };
        var run = new Command("run", "Run only the scheduler (and the token refresher) on the database, with no MCP transport: what the installed service starts.")
        {
            settings,
        };
        run.SetAction((result, ct) => RunAsync(result.GetValue(db), result.GetValue(settings), ct));

        return new Command("service", "The background runner that fires scheduled posts when no agent is connected.") { install, uninstall, status, run };
    }

    private static ServiceManager Manager(IServiceSystem? system) => new(system ?? new OperatingSystemServiceSystem(), Console.Out, Console.Error);

    private static string DatabasePath(IServiceProvider services) => services.GetRequiredService<IOptions<StorageOptions>>().Value.ResolvedPath;

    private static async Task<int> RunAsync(string? dbPath, string? settingsPath, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (settingsPath is not null)
        {
            if (!File.Exists(settingsPath))
            {
                await Console.Error.WriteLineAsync($"socialmcp service run: the settings file {settingsPath} does not exist; reinstall with socialmcp service install.");
                return 2;
            }
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(settingsPath, cancellationToken)) ?? [])
                overrides[key] = value;
        }
        if (dbPath is not null)
            overrides["Storage:Path"] = dbPath;

        try
        {
            var builder = SocialMcpHost.CreateBuilder(overrides);
            // Answers the Windows service control manager when started by it; does nothing anywhere else.
            builder.Services.AddWindowsService(options => options.ServiceName = WindowsServiceDefinition.ServiceName);
            builder.Services.AddSocialScheduler(SchedulerRole.Service);
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
