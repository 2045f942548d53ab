using System.Diagnostics;

namespace SocialMcp.EndToEnd.Tests.MultiInstance;

/// <summary>
/// One <c>socialmcp serve --http</c> process on a shared PostgreSQL database, listening on an ephemeral loopback port.
/// The test never talks to it over HTTP: it runs for its scheduler, which claims due posts from the shared database and
/// publishes them. <see cref="Kill"/> is SIGKILL on Linux; disposing kills whatever still runs.
/// </summary>
public sealed class ClusterInstance : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private ClusterInstance(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the instance logged (stderr), for a failure message.</summary>
    public string LogTail(int lines = 30)
    {
        lock (_log)
            return string.Join("\n    ", _log.TakeLast(lines));
    }

    /// <summary>Starts the server with <paramref name="settings"/> as SOCIALMCP_ environment variables (<c>Storage:Provider</c> → <c>SOCIALMCP_Storage__Provider</c>).</summary>
    public static ClusterInstance Start(string name, string workingDirectory, IReadOnlyDictionary<string, string> settings,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--http", "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
            info.Environment["SOCIALMCP_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var instance = new ClusterInstance(name, process);
        DataReceivedEventHandler keep = (_, line) =>
        {
            if (line.Data is not null)
                lock (instance._log) instance._log.Add(line.Data);
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return instance;
    }

    /// <summary>SIGKILL: no shutdown code runs, its leases stay in the database as it left them.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }
}
