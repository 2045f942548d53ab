using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Emulator;

namespace SocialMcp.EndToEnd.Tests.OAuth;

/// <summary>
/// One emulator (all eight platforms, demo clients) in the test process and one real <c>serve --http</c> server pointed
/// at it, with <c>OAuth:PublicBaseUrl</c> its own loopback address and an API key from <c>keys create</c>: the link
/// and the tool ways in run against it. Collects the server's stderr for the leak check.
/// </summary>
public sealed class HttpConnectFixture : IAsyncLifetime
{
    private readonly List<string> _stderr = [];
    private Process? _process;

    public PlatformEmulator Emulator { get; private set; } = null!;
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "socialmcp-e2e-oauth-" + Guid.NewGuid().ToString("N"));
    public string DatabasePath => Path.Combine(Directory, "http.db");
    public Uri BaseAddress { get; private set; } = null!;
    public string ApiKey { get; private set; } = "";
    public Dictionary<string, string?> Environment { get; private set; } = null!;
    public McpClient Client { get; private set; } = null!;

    /// <summary>Everything a person or an agent saw (pages, tool results, command output), for the leak check.</summary>
    public List<(string Where, string Text)> Evidence { get; } = [];

    public IReadOnlyList<(string, string)> EvidenceWithLogs()
    {
        lock (_stderr)
            lock (Evidence)
                return [.. Evidence, ("the HTTP server's log", string.Join('\n', _stderr))];
    }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // A fixture that fails to start leaves no server, emulator or directory behind.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Emulator = await PlatformEmulator.StartAsync(platforms: OAuthE2E.All);
        var port = OAuthE2E.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Environment = OAuthE2E.Environment(Emulator, BaseAddress.AbsoluteUri.TrimEnd('/'));

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(Environment, "keys", "create", "--workspace", "local", "--name", "e2e-oauth", "--db", DatabasePath);
        Assert.True(exitCode == 0, stderr);
        ApiKey = stdout.Trim();

        var info = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--http", "--urls", BaseAddress.AbsoluteUri.TrimEnd('/'), "--db", DatabasePath])
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in Environment)
            info.Environment[name] = value;
        _process = new Process { StartInfo = info };
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            lock (_stderr)
                _stderr.Add(line.Data);
        };
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                lock (_stderr) _stderr.Add(line.Data);
        };
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        // Ready when /healthz answers (bounded: a minute on a loaded machine).
        using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException("The HTTP server did not start:\n" + string.Join('\n', _stderr.TakeLast(30)));
                try
                {
                    using var health = await probe.GetAsync(new Uri(BaseAddress, "/healthz"));
                    if ((int)health.StatusCode < 500)
                        break;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(100);
            }
        }

        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + ApiKey },
        });
        Client = await ServerProcess.ConnectAsync(transport);
    }

    public async Task DisposeAsync()
    {
        if (Client is not null)
            await Client.DisposeAsync();
        Client = null!;
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            _process = null;
        }
        if (Emulator is not null)
            await Emulator.DisposeAsync();
        Emulator = null!;
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
