using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace SocialMcp.EndToEnd.Tests.Fuzz;

/// <summary>
/// The real socialmcp process for the fuzz, driven through raw pipes (stdio) or raw HTTP rather than the SDK client,
/// because the client would refuse to send most of what the fuzz sends. Limits are raised so the fuzz measures
/// answers, not the rate limiter.
/// </summary>
public sealed partial class FuzzServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _stderr = [];

    private FuzzServer(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public int ProcessId => _process.Id;
    public Stream Input => _process.StandardInput.BaseStream;
    public StreamReader Output => _process.StandardOutput;
    public bool HasExited => _process.HasExited;
    public Uri? BaseAddress { get; private set; }
    public string? ApiKey { get; private set; }

    public string StandardErrorTail { get { lock (_stderr) return string.Join('\n', _stderr.TakeLast(20)); } }

    public static readonly IReadOnlyDictionary<string, string?> Limits = new Dictionary<string, string?>
    {
        ["SOCIALMCP_RateLimits__ReadPerWindow"] = "10000000",
        ["SOCIALMCP_RateLimits__CreatePerWindow"] = "10000000",
        ["SOCIALMCP_RateLimits__PublishPerWindow"] = "10000000",
        ["SOCIALMCP_RateLimits__RequestsPerWindow"] = "10000000",
        ["SOCIALMCP_Logging__LogLevel__Default"] = "Warning",
        ["SOCIALMCP_Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
    };

    /// <summary><c>serve</c> over stdio; <paramref name="environment"/> is set after <see cref="Limits"/> and may override it.</summary>
    public static Task<FuzzServer> StartStdioAsync(IReadOnlyDictionary<string, string?>? environment = null) => StartAsync(http: false, environment);

    /// <summary><c>serve --http</c> on an ephemeral loopback port, with an API key created by <c>keys create</c>.</summary>
    public static Task<FuzzServer> StartHttpAsync() => StartAsync(http: true);

    private static async Task<FuzzServer> StartAsync(bool http, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "fuzz.db");
        string? key = null;
        if (http)
        {
            var (exitCode, stdout, stderr) = await ServerProcess.RunCliAsync("keys", "create", "--workspace", "local", "--name", "fuzz", "--db", db);
            Assert.True(exitCode == 0, stderr);
            key = stdout.Trim();
        }

        string[] arguments = http
            ? [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--http", "--urls", "http://127.0.0.1:0", "--db", db]
            : [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--db", db];
        var info = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        foreach (var (name, value) in Limits.Concat(environment ?? new Dictionary<string, string?>()))
            info.Environment[name] = value;

        var process = new Process { StartInfo = info };
        var server = new FuzzServer(process, directory) { ApiKey = key };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            lock (server._stderr)
            {
                server._stderr.Add(line.Data.Length > 300 ? line.Data[..300] : line.Data);
                if (server._stderr.Count > 500)
                    server._stderr.RemoveRange(0, 250);
            }
            if (ListeningOn().Match(line.Data) is { Success: true } match)
                listening.TrySetResult(new Uri(match.Groups[1].Value));
        };
        process.Start();
        process.BeginErrorReadLine();
        if (http)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            server.BaseAddress = await listening.Task.WaitAsync(timeout.Token);
        }
        return server;
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();

    /// <summary>The process's peak resident set (VmHWM) in MB, from /proc.</summary>
    public double PeakResidentMegabytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception) when (_process.HasExited)
        {
        }
        if (BaseAddress is not null && !_process.HasExited)
            _process.Kill(entireProcessTree: true);
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
