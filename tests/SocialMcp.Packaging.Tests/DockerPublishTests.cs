using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SocialMcp.Packaging.Tests.Support;

namespace SocialMcp.Packaging.Tests;

/// <summary>
/// Runs the Dockerfile's build-stage publish (no Docker engine needed) into a temp folder standing in for the
/// image's <c>/app</c>.
/// </summary>
public sealed class DockerPublishFixture : IAsyncLifetime
{
    /// <summary>The Dockerfile's build stage runs exactly this; <see cref="DockerPublishTests"/> checks it does.</summary>
    public const string PublishCommand = "dotnet publish src/SocialMcp.Server -c Release -o /app";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "socialmcp-publish-" + Guid.NewGuid().ToString("N"));
    public string App => Path.Combine(Directory, "app");
    public string Data => Path.Combine(Directory, "data");

    public async Task InitializeAsync()
    {
        var arguments = PublishCommand.Split(' ')[1..];
        arguments[^1] = App;
        var publish = await Cli.DotnetAsync(arguments, TimeSpan.FromMinutes(5));
        Assert.True(publish.ExitCode == 0, publish.ToString());
        System.IO.Directory.CreateDirectory(Data);
    }

    /// <summary>An argument of the image, as it applies to this folder: /app and /data here, port 8080 on loopback.</summary>
    public string Localize(string argument, int port) => argument
        .Replace("/app/", App + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        .Replace("/data/", Data + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        .Replace("0.0.0.0:8080", $"127.0.0.1:{port}", StringComparison.Ordinal)
        .Replace("127.0.0.1:8080", $"127.0.0.1:{port}", StringComparison.Ordinal);

    public Task DisposeAsync()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}

public sealed class DockerPublishTests(DockerPublishFixture published) : IClassFixture<DockerPublishFixture>
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Fact]
    public void Dockerfile_BuildStage_RunsThePublishCommandTheseTestsRun()
    {
        Assert.Contains(DockerPublishFixture.PublishCommand, _dockerfile.RunCommands);
        Assert.Contains("COPY --from=build /app .", _dockerfile.Instructions);
        Assert.Equal(["dotnet", "/app/socialmcp.dll"], _dockerfile.Entrypoint);
        Assert.Contains("USER $APP_UID", _dockerfile.Instructions);
    }

    [Fact]
    public void Dockerfile_BuildStage_CopiesEveryBuildInputOutsideSrc()
    {
        // Files at the root that a build of src/ reads; the tests publish from the whole clone, the image from its COPYs.
        string[] rootInputs = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "llm.txt"];
        var present = Directory.EnumerateFiles(Repo.Root).Select(Path.GetFileName)
            .Where(f => rootInputs.Contains(f, StringComparer.OrdinalIgnoreCase));
        var copies = _dockerfile.Instructions.Where(i => i.StartsWith("COPY ", StringComparison.Ordinal) && !i.Contains("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();

        Assert.Contains("src/", copies);
        foreach (var input in present)
            Assert.Contains(input, copies);
    }

    [Fact]
    public async Task PublishedServer_Version_PrintsTheProjectVersion()
    {
        var command = _dockerfile.Entrypoint.Select(a => published.Localize(a, 0)).ToArray();

        var result = await Cli.RunAsync(command[0], [.. command[1..], "--version"], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Repo.ServerVersion, result.StandardOutput.Trim().Split('+')[0]);
    }

    [Fact]
    public async Task PublishedServer_ImageCommandAndHealthCheck_HealthyOnceServing()
    {
        var port = FreeLoopbackPort();
        var serve = _dockerfile.Entrypoint.Concat(_dockerfile.Cmd).Select(a => published.Localize(a, port)).ToArray();
        var healthCheck = _dockerfile.HealthCheck.Select(a => published.Localize(a, port)).ToArray();
        var environment = _dockerfile.Environment.ToDictionary(e => e.Key, e => published.Localize(e.Value, port));
        Assert.Contains("--http", serve);
        Assert.Contains($"http://127.0.0.1:{port}/healthz", healthCheck);
        var beforeServing = await Cli.RunAsync(healthCheck[0], healthCheck[1..], TimeSpan.FromMinutes(1));

        using var server = RunningProcess.Start(serve[0], serve[1..], environment);
        var whenServing = await RunUntilHealthyAsync(healthCheck, server);

        Assert.NotEqual(0, beforeServing.ExitCode);
        Assert.True(whenServing.ExitCode == 0, $"{whenServing}\n=== server ===\n{await server.StopAsync()}");
        Assert.True(File.Exists(environment["SOCIALMCP_Storage__Path"]), "The server did not create its database at Storage:Path.");
    }

    /// <summary>Runs the health check as Docker would until it passes, the server exits, or a minute has gone by.</summary>
    private static async Task<CliResult> RunUntilHealthyAsync(string[] healthCheck, RunningProcess server)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await Cli.RunAsync(healthCheck[0], healthCheck[1..], TimeSpan.FromMinutes(1));
            if (result.ExitCode == 0 || server.HasExited || clock.Elapsed > TimeSpan.FromMinutes(1))
                return result;
            await Task.Delay(200);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
