using System.Text.Json;
using SocialMcp.Core.Storage;
using SocialMcp.Server.Hosting;

namespace SocialMcp.Server.Cli.Service;

/// <summary>
/// <c>socialmcp service install|uninstall|status</c>, written to <paramref name="output"/> and <paramref name="error"/>.
/// install writes the runner's settings (the database path, and the SOCIALMCP_ environment of the install call as
/// configuration keys) beside the database, then the OS's service definition, and starts it; the service then runs
/// <c>service run</c> of the same executable on the same database with the same configuration.
/// </summary>
public sealed class ServiceManager(IServiceSystem system, TextWriter output, TextWriter error)
{
    public const string SettingsFileName = "service-settings.json";

    public IServiceDefinition Definition { get; } = system.Os switch
    {
        ServiceOs.Windows => new WindowsServiceDefinition(system),
        ServiceOs.MacOs => new LaunchdAgent(system),
        _ => new SystemdUserUnit(system),
    };

    /// <summary>Where the runner's settings live: beside its database, like the token keys.</summary>
    public static string SettingsPathFor(string databasePath) => Path.Combine(Path.GetDirectoryName(databasePath) ?? ".", SettingsFileName);

    /// <summary>The configuration the install call has from its environment (SOCIALMCP_Scheduling__MaxLateness → Scheduling:MaxLateness).</summary>
    public IReadOnlyDictionary<string, string> CapturedSettings() => system.Environment
        .Where(e => e.Key.StartsWith(SocialMcpHost.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && e.Key.Length > SocialMcpHost.EnvironmentPrefix.Length)
        .OrderBy(e => e.Key, StringComparer.Ordinal)
        .ToDictionary(e => e.Key[SocialMcpHost.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), e => e.Value, StringComparer.OrdinalIgnoreCase);

    public async Task<int> InstallAsync(IReadOnlyList<string> executable, string databasePath, CancellationToken cancellationToken)
    {
        var database = Path.GetFullPath(databasePath);
        var invocation = new ServiceInvocation(executable, database, SettingsPathFor(database));
        var settings = CapturedSettings();
        // Owner-only: the environment may carry app credentials (Platforms:{p}:ClientSecret); never printed, only counted.
        ServiceFiles.WriteOwnerOnly(invocation.SettingsPath, JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
        var failure = await Definition.InstallAsync(invocation, cancellationToken);
        if (failure is not null)
        {
            await error.WriteLineAsync($"socialmcp service install: {failure}");
            return 1;
        }
        await output.WriteLineAsync($"Installed and started the SocialMcp background runner ({Definition.Kind}: {Definition.Location}).");
        await output.WriteLineAsync($"It runs: {string.Join(' ', invocation.CommandLine)}");
        await output.WriteLineAsync($"Settings: {invocation.SettingsPath} ({settings.Count} from SOCIALMCP_ environment variables).");
        if (system.Os == ServiceOs.Linux)
            await output.WriteLineAsync("A user unit runs while you are logged in; for it to run after a reboot without a login too: loginctl enable-linger");
        await output.WriteLineAsync("Check it with: socialmcp service status");
        return 0;
    }

    public async Task<int> UninstallAsync(string databasePath, CancellationToken cancellationToken)
    {
        var failure = await Definition.UninstallAsync(cancellationToken);
        var settings = SettingsPathFor(Path.GetFullPath(databasePath));
        if (File.Exists(settings))
            File.Delete(settings);
        if (failure is not null)
        {
            await error.WriteLineAsync($"socialmcp service uninstall: {failure}");
            return 1;
        }
        await output.WriteLineAsync($"Stopped and removed the SocialMcp background runner ({Definition.Kind}: {Definition.Location}). Scheduled posts now fire only while a SocialMcp server runs.");
        return 0;
    }

    /// <summary>Installed? Running, as the OS says? And when the runner last wrote its heartbeat to the database.</summary>
    public async Task<int> StatusAsync(RunnerRecord? lastService, DateTimeOffset now, TimeSpan aliveWindow, CancellationToken cancellationToken)
    {
        var state = await Definition.QueryAsync(cancellationToken);
        await output.WriteLineAsync($"installed: {(state.Installed ? "yes" : "no")} ({Definition.Kind}: {Definition.Location})");
        await output.WriteLineAsync($"running:   {(state.Running ? "yes" : "no")} ({state.Detail})");
        var alive = lastService is not null && now - lastService.LastSeenAt <= aliveWindow;
        await output.WriteLineAsync(lastService is null
            ? "heartbeat: never seen on this database"
            : $"heartbeat: last seen {lastService.LastSeenAt:O} ({(long)(now - lastService.LastSeenAt).TotalSeconds} s ago, {(alive ? "alive" : "not alive")})");
        if (!state.Installed)
            await output.WriteLineAsync("Scheduled posts fire only while a SocialMcp server runs. Install the runner with: socialmcp service install");
        // 0 only when the runner does its job: installed, running and heartbeating.
        return state.Installed && state.Running && alive ? 0 : 3;
    }

    /// <summary>How the service should start this program: the executable itself, or dotnet and the entry assembly.</summary>
    public static IReadOnlyList<string> CurrentExecutable()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this executable is unknown.");
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(entry)
            ? [process, entry]
            : [process];
    }
}
