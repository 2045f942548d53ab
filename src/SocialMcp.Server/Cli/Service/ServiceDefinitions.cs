using System.Security;
using System.Text;

namespace SocialMcp.Server.Cli.Service;

/// <summary>The command line the service runs: this executable's <c>service run</c> on a fixed database and settings file.</summary>
public sealed record ServiceInvocation(IReadOnlyList<string> Executable, string DatabasePath, string SettingsPath)
{
    /// <summary>Program and arguments, unquoted: the executable (or dotnet and the entry assembly), then <c>service run …</c>.</summary>
    public IReadOnlyList<string> CommandLine =>
        [.. Executable, "service", "run", "--db", DatabasePath, "--settings", SettingsPath];
}

/// <summary>What the OS says about the installed service.</summary>
public sealed record ServiceState(bool Installed, bool Running, string Detail);

/// <summary>One operating system's way to run the background runner at login or boot and keep it running.</summary>
public interface IServiceDefinition
{
    /// <summary>E.g. "systemd user unit".</summary>
    string Kind { get; }

    /// <summary>The file that defines the service, or the service's name where there is no file (Windows).</summary>
    string Location { get; }

    /// <summary>Writes the definition and starts it. Null on success, else what failed.</summary>
    Task<string?> InstallAsync(ServiceInvocation invocation, CancellationToken cancellationToken);

    /// <summary>Stops and removes it. Null on success (also when it was not installed), else what failed.</summary>
    Task<string?> UninstallAsync(CancellationToken cancellationToken);

    Task<ServiceState> QueryAsync(CancellationToken cancellationToken);
}

/// <summary>Linux: a systemd user unit, started at login (and at boot with lingering enabled).</summary>
public sealed class SystemdUserUnit(IServiceSystem system) : IServiceDefinition
{
    public const string UnitName = "socialmcp.service";

    public string Kind => "systemd user unit";

    /// <summary>$XDG_CONFIG_HOME/systemd/user/socialmcp.service, or ~/.config/… without it.</summary>
    public string Location => Path.Combine(
        system.Environment.TryGetValue("XDG_CONFIG_HOME", out var config) && Path.IsPathRooted(config) ? config : Path.Combine(system.HomeDirectory, ".config"),
        "systemd", "user", UnitName);

    public static string Render(ServiceInvocation invocation) =>
        $"""
        [Unit]
        Description=SocialMcp background runner (fires scheduled posts)
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=simple
        ExecStart={string.Join(' ', invocation.CommandLine.Select(Quote))}
        Restart=on-failure
        RestartSec=10

        [Install]
        WantedBy=default.target

        """;

    // systemd's own quoting: double quotes, with \ and " escaped; % (specifiers) and $ (variables) doubled.
    private static string Quote(string argument) =>
        "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("%", "%%").Replace("$", "$$") + "\"";

    public async Task<string?> InstallAsync(ServiceInvocation invocation, CancellationToken cancellationToken)
    {
        ServiceFiles.WriteOwnerOnly(Location, Render(invocation));
        return await RunAllAsync(cancellationToken,
            ["--user", "daemon-reload"],
            ["--user", "enable", "--now", UnitName],
            // A reinstall changes the command line of a unit that may already run: restart it onto the new one.
            ["--user", "restart", UnitName]);
    }

    public async Task<string?> UninstallAsync(CancellationToken cancellationToken)
    {
        // Not installed or already stopped is fine: the end state is the same.
        await system.RunAsync("systemctl", ["--user", "disable", "--now", UnitName], cancellationToken);
        if (File.Exists(Location))
            File.Delete(Location);
        return await RunAllAsync(cancellationToken, ["--user", "daemon-reload"]);
    }

    public async Task<ServiceState> QueryAsync(CancellationToken cancellationToken)
    {
        var installed = File.Exists(Location);
        var active = await system.RunAsync("systemctl", ["--user", "is-active", UnitName], cancellationToken);
        var state = active.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "unknown";
        return new ServiceState(installed, active.ExitCode == 0 && state == "active", $"systemctl --user is-active: {state}");
    }

    private async Task<string?> RunAllAsync(CancellationToken cancellationToken, params string[][] commands)
    {
        foreach (var arguments in commands)
        {
            var result = await system.RunAsync("systemctl", arguments, cancellationToken);
            if (result.ExitCode != 0)
                return $"systemctl {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Output}";
        }
        return null;
    }
}

/// <summary>macOS: a launchd agent in the user's GUI domain, loaded at login and kept alive.</summary>
public sealed class LaunchdAgent(IServiceSystem system) : IServiceDefinition
{
    public const string Label = "io.socialmcp.runner";

    public string Kind => "launchd agent";

    public string Location => Path.Combine(system.HomeDirectory, "Library", "LaunchAgents", Label + ".plist");

    public static string Render(ServiceInvocation invocation, string logPath)
    {
        var arguments = new StringBuilder();
        foreach (var argument in invocation.CommandLine)
            arguments.Append("        <string>").Append(SecurityElement.Escape(argument)).Append("</string>\n");
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
                <key>Label</key>
                <string>{Label}</string>
                <key>ProgramArguments</key>
                <array>
            {arguments}    </array>
                <key>RunAtLoad</key>
                <true/>
                <key>KeepAlive</key>
                <dict>
                    <key>SuccessfulExit</key>
                    <false/>
                </dict>
                <key>StandardErrorPath</key>
                <string>{SecurityElement.Escape(logPath)}</string>
            </dict>
            </plist>

            """;
    }

    public async Task<string?> InstallAsync(ServiceInvocation invocation, CancellationToken cancellationToken)
    {
        var domain = await DomainAsync(cancellationToken);
        if (domain is null)
            return "Could not read the user id (id -u).";
        ServiceFiles.WriteOwnerOnly(Location, Render(invocation, Path.Combine(system.HomeDirectory, "Library", "Logs", "socialmcp-runner.log")));
        // A loaded older version must go first: bootstrap refuses a label that is already loaded.
        await system.RunAsync("launchctl", ["bootout", $"{domain}/{Label}"], cancellationToken);
        var bootstrap = await system.RunAsync("launchctl", ["bootstrap", domain, Location], cancellationToken);
        return bootstrap.ExitCode == 0 ? null : $"launchctl bootstrap {domain} failed ({bootstrap.ExitCode}): {bootstrap.Output}";
    }

    public async Task<string?> UninstallAsync(CancellationToken cancellationToken)
    {
        if (await DomainAsync(cancellationToken) is { } domain)
            await system.RunAsync("launchctl", ["bootout", $"{domain}/{Label}"], cancellationToken);
        if (File.Exists(Location))
            File.Delete(Location);
        return null;
    }

    public async Task<ServiceState> QueryAsync(CancellationToken cancellationToken)
    {
        var installed = File.Exists(Location);
        if (await DomainAsync(cancellationToken) is not { } domain)
            return new ServiceState(installed, false, "could not read the user id (id -u)");
        var print = await system.RunAsync("launchctl", ["print", $"{domain}/{Label}"], cancellationToken);
        var running = print.ExitCode == 0 && print.Output.Contains("state = running", StringComparison.Ordinal);
        return new ServiceState(installed, running, print.ExitCode == 0 ? (running ? "launchctl: running" : "launchctl: loaded, not running") : "launchctl: not loaded");
    }

    private async Task<string?> DomainAsync(CancellationToken cancellationToken)
    {
        var id = await system.RunAsync("id", ["-u"], cancellationToken);
        return id.ExitCode == 0 && uint.TryParse(id.Output.Trim(), out var uid) ? $"gui/{uid}" : null;
    }
}

/// <summary>Windows: a service started automatically at boot (installing one needs an elevated prompt).</summary>
public sealed class WindowsServiceDefinition(IServiceSystem system) : IServiceDefinition
{
    public const string ServiceName = "socialmcp";

    public string Kind => "Windows service";

    public string Location => ServiceName;

    /// <summary>sc.exe's binPath: the command line, each part quoted as Windows programs parse it.</summary>
    public static string BinPath(ServiceInvocation invocation) => string.Join(' ', invocation.CommandLine.Select(Quote));

    private static string Quote(string argument) => "\"" + argument.Replace("\"", "\\\"") + "\"";

    public async Task<string?> InstallAsync(ServiceInvocation invocation, CancellationToken cancellationToken)
    {
        // A reinstall replaces the old definition (its command line may have changed).
        await UninstallAsync(cancellationToken);
        foreach (var arguments in new[]
        {
            new[] { "create", ServiceName, "binPath=", BinPath(invocation), "start=", "auto", "DisplayName=", "SocialMcp runner" },
            ["description", ServiceName, "SocialMcp background runner: fires scheduled posts when no agent is connected."],
            ["start", ServiceName],
        })
        {
            var result = await system.RunAsync("sc.exe", arguments, cancellationToken);
            if (result.ExitCode != 0)
                return $"sc.exe {arguments[0]} failed ({result.ExitCode}): {result.Output}" + (result.ExitCode == 5 ? " Run it from an elevated (administrator) prompt." : "");
        }
        return null;
    }

    public async Task<string?> UninstallAsync(CancellationToken cancellationToken)
    {
        await system.RunAsync("sc.exe", ["stop", ServiceName], cancellationToken);
        var delete = await system.RunAsync("sc.exe", ["delete", ServiceName], cancellationToken);
        // 1060: the service does not exist, which is what uninstall wants.
        return delete.ExitCode is 0 or 1060 ? null : $"sc.exe delete failed ({delete.ExitCode}): {delete.Output}";
    }

    public async Task<ServiceState> QueryAsync(CancellationToken cancellationToken)
    {
        var query = await system.RunAsync("sc.exe", ["query", ServiceName], cancellationToken);
        var installed = query.ExitCode == 0;
        var running = installed && query.Output.Contains("RUNNING", StringComparison.Ordinal);
        return new ServiceState(installed, running, installed ? (running ? "sc.exe: RUNNING" : "sc.exe: installed, not running") : "sc.exe: not installed");
    }
}

internal static class ServiceFiles
{
    /// <summary>Writes the file readable by its owner only (it names the database and settings file the runner uses).</summary>
    public static void WriteOwnerOnly(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}
