using SocialMcp.Packaging.Tests.Support;

namespace SocialMcp.Packaging.Tests;

/// <summary>
/// Publishes the server precompiled (ReadyToRun, the start-up option bench/README.md measures) into a temp folder.
/// Precompiled code runs paths the JIT-only tests never do (a ReadyToRun image that does not load aborts the process
/// before it prints anything), so the build the benchmarks recommend is started here too.
/// </summary>
public sealed class ReadyToRunPublishFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "socialmcp-r2r-" + Guid.NewGuid().ToString("N"));
    public string App => Path.Combine(Directory, "app");

    public async Task InitializeAsync()
    {
        var publish = await Cli.DotnetAsync(
            ["publish", "src/SocialMcp.Server", "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
             "-p:PublishReadyToRun=true", "-o", App],
            TimeSpan.FromMinutes(8));
        Assert.True(publish.ExitCode == 0, publish.ToString());
    }

    public Task DisposeAsync()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}

public sealed class ReadyToRunPublishTests(ReadyToRunPublishFixture published) : IClassFixture<ReadyToRunPublishFixture>
{
    private Task<CliResult> RunAsync(params string[] arguments) =>
        Cli.DotnetAsync([Path.Combine(published.App, "socialmcp.dll"), .. arguments], TimeSpan.FromMinutes(1));

    [Fact]
    public async Task ReadyToRunServer_Version_PrintsTheProjectVersion()
    {
        var result = await RunAsync("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Repo.ServerVersion, result.StandardOutput.Trim().Split('+')[0]);
    }

    [Fact]
    public async Task ReadyToRunServer_CreatesAKey_OnANewDatabase()
    {
        // Migrations, the local workspace and a durable write: the store's whole start, precompiled.
        var database = Path.Combine(published.Directory, "data", "socialmcp.db");

        var result = await RunAsync("keys", "create", "--workspace", "local", "--name", "r2r", "--db", database);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("smcp_live_", result.StandardOutput.Trim());
    }
}
