using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace SocialMcp.Tests.Cli;

/// <summary>
/// The real <c>socialmcp service run</c> as a process, for a bounded time: it migrates the database, runs the scheduler with no
/// MCP transport (nothing on stdout) and heartbeats as kind service, with the settings file install writes.
/// </summary>
public sealed class ServiceRunProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "socialmcp-service-run-" + Guid.NewGuid().ToString("N"));

    public ServiceRunProcessTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task ServiceRun_HeartbeatsAsAServiceRunner_AndWritesNothingToStdout()
    {
        var database = Path.Combine(_directory, "service.db");
        var settings = Path.Combine(_directory, "service-settings.json");
        await File.WriteAllTextAsync(settings, """{"Scheduling:RunnerHeartbeat": "00:00:01", "Logging:LogLevel:Default": "Warning"}""");
        var start = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "service", "run", "--db", database, "--settings", settings])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var beats = await WaitForHeartbeatsAsync(database, process, atLeast: 2);
            Assert.All(beats, kind => Assert.Equal("service", kind));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.Equal("", await stdout);
        _ = await stderr;
    }

    // Polls the database the process writes (bounded): the runner's heartbeat row, refreshed at least once.
    private static async Task<IReadOnlyList<string>> WaitForHeartbeatsAsync(string database, Process process, int atLeast)
    {
        var watch = Stopwatch.StartNew();
        var seen = new List<string>();
        string? lastSeen = null;
        var kinds = new List<string>();
        while (watch.Elapsed < Patience)
        {
            Assert.False(process.HasExited, $"service run exited with {(process.HasExited ? process.ExitCode : 0)}");
            if (File.Exists(database))
            {
                try
                {
                    await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
                    await connection.OpenAsync();
                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT kind, last_seen_at FROM scheduler_runners ORDER BY last_seen_at DESC LIMIT 1;";
                    await using var reader = await command.ExecuteReaderAsync();
                    if (await reader.ReadAsync() && reader.GetString(1) != lastSeen)
                    {
                        lastSeen = reader.GetString(1);
                        kinds.Add(reader.GetString(0));
                        seen.Add(lastSeen);
                        if (seen.Count >= atLeast)
                            return kinds;
                    }
                }
                catch (SqliteException)
                {
                    // Not migrated yet (no table), or busy: look again.
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"service run wrote {seen.Count} heartbeat(s) within {Patience}.");
    }
}
