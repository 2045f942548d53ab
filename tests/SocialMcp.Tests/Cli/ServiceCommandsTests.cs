using System.Text.Json;
using SocialMcp.Core.Storage;
using SocialMcp.Server.Cli.Service;

namespace SocialMcp.Tests.Cli;

/// <summary>
/// <c>socialmcp service install|uninstall|status</c> on each OS, against a fake OS: the files written (in a temporary home)
/// and the commands issued, never a real systemctl, launchctl or sc.exe.
/// </summary>
public sealed class ServiceCommandsTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly IReadOnlyList<string> Executable = ["/opt/social mcp/socialmcp"];

    private readonly string _home = Path.Combine(Path.GetTempPath(), "socialmcp-service-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private string Database => Path.Combine(_home, "data", "social.db");

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    private sealed class FakeSystem(ServiceOs os, string home, Dictionary<string, string>? environment = null) : IServiceSystem
    {
        public List<string> Issued { get; } = [];
        public Dictionary<string, CommandResult> Answers { get; } = [];

        public ServiceOs Os => os;
        public string HomeDirectory => home;
        public IReadOnlyDictionary<string, string> Environment { get; } = environment ?? [];

        public Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        {
            var line = string.Join(' ', [fileName, .. arguments]);
            Issued.Add(line);
            return Task.FromResult(Answers.TryGetValue(line, out var answer) ? answer : new CommandResult(0, fileName == "id" ? "501" : ""));
        }
    }

    private ServiceManager Manager(FakeSystem system) => new(system, _output, _error);

    [Fact]
    public async Task Linux_Install_WritesAUserUnitRunningServiceRunOnTheSameDatabase_ThenReloadsAndEnablesIt()
    {
        var system = new FakeSystem(ServiceOs.Linux, _home, new()
        {
            ["XDG_CONFIG_HOME"] = Path.Combine(_home, "xdg"),
            ["SOCIALMCP_Scheduling__MaxLateness"] = "02:00:00",
            ["SOCIALMCP_Platforms__x__ClientSecret"] = "s3cr3t-value",
            ["PATH"] = "/usr/bin",
        });

        var exit = await Manager(system).InstallAsync(Executable, Database, Ct);

        Assert.Equal(0, exit);
        var unitPath = Path.Combine(_home, "xdg", "systemd", "user", "socialmcp.service");
        var unit = await File.ReadAllTextAsync(unitPath);
        var settingsPath = Path.Combine(_home, "data", ServiceManager.SettingsFileName);
        Assert.Contains($"ExecStart=\"/opt/social mcp/socialmcp\" \"service\" \"run\" \"--db\" \"{Database}\" \"--settings\" \"{settingsPath}\"", unit);
        Assert.Contains("WantedBy=default.target", unit);
        Assert.Contains("Restart=on-failure", unit);
        Assert.Equal(
            ["systemctl --user daemon-reload", "systemctl --user enable --now socialmcp.service", "systemctl --user restart socialmcp.service"],
            system.Issued);
        // The install call's SOCIALMCP_ environment becomes the runner's configuration, owner-only, and is never printed.
        var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(settingsPath))!;
        Assert.Equal("02:00:00", settings["Scheduling:MaxLateness"]);
        Assert.Equal("s3cr3t-value", settings["Platforms:x:ClientSecret"]);
        Assert.False(settings.ContainsKey("PATH"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(settingsPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(unitPath));
        }
        Assert.DoesNotContain("s3cr3t", _output.ToString());
        Assert.Contains("2 from SOCIALMCP_ environment variables", _output.ToString());
        Assert.Contains("loginctl enable-linger", _output.ToString());
    }

    [Fact]
    public async Task Linux_WithoutXdgConfigHome_UsesDotConfig_AndAPathWithSpecialCharactersIsQuotedForSystemd()
    {
        var system = new FakeSystem(ServiceOs.Linux, _home);
        var database = Path.Combine(_home, "100% \"data\" $HOME", "social.db");

        await Manager(system).InstallAsync(Executable, database, Ct);

        var unit = await File.ReadAllTextAsync(Path.Combine(_home, ".config", "systemd", "user", "socialmcp.service"));
        Assert.Contains($"\"--db\" \"{Path.Combine(_home, "100%% \\\"data\\\" $$HOME", "social.db")}\"", unit);
    }

    [Fact]
    public async Task Linux_FailingSystemctl_ExitsOneWithItsOutput()
    {
        var system = new FakeSystem(ServiceOs.Linux, _home);
        system.Answers["systemctl --user daemon-reload"] = new CommandResult(1, "Failed to connect to bus: No medium found");

        var exit = await Manager(system).InstallAsync(Executable, Database, Ct);

        Assert.Equal(1, exit);
        Assert.Contains("Failed to connect to bus", _error.ToString());
        Assert.Equal(["systemctl --user daemon-reload"], system.Issued);
    }

    [Fact]
    public async Task Linux_Uninstall_StopsDisablesAndRemovesTheUnitAndSettings()
    {
        var system = new FakeSystem(ServiceOs.Linux, _home);
        var manager = Manager(system);
        await manager.InstallAsync(Executable, Database, Ct);
        system.Issued.Clear();

        var exit = await manager.UninstallAsync(Database, Ct);

        Assert.Equal(0, exit);
        Assert.False(File.Exists(manager.Definition.Location));
        Assert.False(File.Exists(ServiceManager.SettingsPathFor(Database)));
        Assert.Equal(["systemctl --user disable --now socialmcp.service", "systemctl --user daemon-reload"], system.Issued);
    }

    [Fact]
    public async Task Status_SaysInstalledRunningAndHeartbeat_AndExitsZeroOnlyWhenAllHold()
    {
        var system = new FakeSystem(ServiceOs.Linux, _home);
        var manager = Manager(system);
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        var window = TimeSpan.FromSeconds(90);
        system.Answers["systemctl --user is-active socialmcp.service"] = new CommandResult(3, "inactive");

        Assert.Equal(3, await manager.StatusAsync(null, now, window, Ct));
        Assert.Contains("installed: no", _output.ToString());
        Assert.Contains("heartbeat: never seen", _output.ToString());
        Assert.Contains("socialmcp service install", _output.ToString());

        await manager.InstallAsync(Executable, Database, Ct);
        system.Answers["systemctl --user is-active socialmcp.service"] = new CommandResult(0, "active");
        _output.GetStringBuilder().Clear();
        var beat = new RunnerRecord("host/1/a", RunnerKinds.Service, now.AddHours(-1), now.AddSeconds(-20));

        Assert.Equal(0, await manager.StatusAsync(beat, now, window, Ct));
        Assert.Contains("installed: yes", _output.ToString());
        Assert.Contains("running:   yes (systemctl --user is-active: active)", _output.ToString());
        Assert.Contains("20 s ago, alive", _output.ToString());

        Assert.Equal(3, await manager.StatusAsync(beat with { LastSeenAt = now.AddMinutes(-5) }, now, window, Ct));
        Assert.Contains("not alive", _output.ToString());
    }

    [Fact]
    public async Task MacOs_Install_WritesALaunchAgentAndBootstrapsItInTheUsersGuiDomain()
    {
        var system = new FakeSystem(ServiceOs.MacOs, _home);
        var manager = Manager(system);

        Assert.Equal(0, await manager.InstallAsync(Executable, Database, Ct));

        var plistPath = Path.Combine(_home, "Library", "LaunchAgents", "io.socialmcp.runner.plist");
        Assert.Equal(plistPath, manager.Definition.Location);
        var plist = System.Xml.Linq.XDocument.Load(plistPath);
        var arguments = plist.Descendants("array").Single().Elements("string").Select(e => e.Value).ToList();
        Assert.Equal([.. Executable, "service", "run", "--db", Database, "--settings", ServiceManager.SettingsPathFor(Database)], arguments);
        Assert.Contains("<key>RunAtLoad</key>", await File.ReadAllTextAsync(plistPath));
        Assert.Equal(["id -u", "launchctl bootout gui/501/io.socialmcp.runner", $"launchctl bootstrap gui/501 {plistPath}"], system.Issued);

        system.Issued.Clear();
        system.Answers["launchctl print gui/501/io.socialmcp.runner"] = new CommandResult(0, "io.socialmcp.runner = {\n\tstate = running\n}");
        await manager.StatusAsync(null, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(90), Ct);
        Assert.Contains("running:   yes (launchctl: running)", _output.ToString());

        system.Issued.Clear();
        Assert.Equal(0, await manager.UninstallAsync(Database, Ct));
        Assert.Equal(["id -u", "launchctl bootout gui/501/io.socialmcp.runner"], system.Issued);
        Assert.False(File.Exists(plistPath));
    }

    [Fact]
    public async Task Windows_Install_CreatesAnAutoStartServiceWithTheCommandLineAndStartsIt()
    {
        var system = new FakeSystem(ServiceOs.Windows, _home);
        system.Answers["sc.exe delete socialmcp"] = new CommandResult(1060, "The specified service does not exist as an installed service.");
        var database = @"C:\Users\me\socialmcp\social.db";
        IReadOnlyList<string> exe = [@"C:\tools\socialmcp.exe"];

        Assert.Equal(0, await Manager(system).InstallAsync(exe, database, Ct));

        var binPath = $"\"C:\\tools\\socialmcp.exe\" \"service\" \"run\" \"--db\" \"{Path.GetFullPath(database)}\" \"--settings\" \"{ServiceManager.SettingsPathFor(Path.GetFullPath(database))}\"";
        Assert.Equal(
        [
            "sc.exe stop socialmcp",
            "sc.exe delete socialmcp",
            $"sc.exe create socialmcp binPath= {binPath} start= auto DisplayName= SocialMcp runner",
            "sc.exe description socialmcp SocialMcp background runner: fires scheduled posts when no agent is connected.",
            "sc.exe start socialmcp",
        ], system.Issued);
    }

    [Fact]
    public async Task Windows_WithoutElevation_ExplainsIt()
    {
        var system = new FakeSystem(ServiceOs.Windows, _home);
        var database = Path.Combine(_home, "social.db");
        var binPath = WindowsServiceDefinition.BinPath(new ServiceInvocation(Executable, database, ServiceManager.SettingsPathFor(database)));
        system.Answers[$"sc.exe create socialmcp binPath= {binPath} start= auto DisplayName= SocialMcp runner"] =
            new CommandResult(5, "[SC] OpenSCManager FAILED 5: Access is denied.");

        Assert.Equal(1, await Manager(system).InstallAsync(Executable, database, Ct));
        Assert.Contains("elevated", _error.ToString());
    }
}
