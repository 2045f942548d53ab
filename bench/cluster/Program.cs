using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using SocialMcp.Bench.Cluster;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.EndToEnd.Tests.MultiInstance;

// Fan-out across instances (issue 17): N posts x P platforms due in the same second, fired by 1, 2 and 3 real server
// processes (serve --http) on one PostgreSQL database, and by 1 on SQLite, in one run. Every instance publishes its
// sandbox accounts to one emulator hosted here (Sandbox:EmulatorUrl), which holds each platform call LATENCY ms.
//
//   dotnet run -c Release --project bench/cluster -- [--posts 300] [--rounds 3] [--latency-ms 50] [--out bench/results/cluster.json]
//
// PostgreSQL is a throwaway cluster from tests/postgres/cluster.sh (or SOCIALMCP_TEST_POSTGRES). Each round starts on a
// fresh database with fresh processes. Figures per configuration are medians over the rounds. Progress goes to stderr.

var options = ClusterOptions.Parse(args);
var repoRoot = ClusterBench.FindRepoRoot();
var outPath = Path.GetFullPath(options.Out ?? Path.Combine(repoRoot, "bench", "results", "cluster.json"));
await using var postgres = await ThrowawayPostgres.StartAsync(repoRoot);

(string Store, int Instances)[] configurations = [("sqlite", 1), ("postgres", 1), ("postgres", 2), ("postgres", 3)];
var results = new JsonArray();
var table = new StringBuilder()
    .AppendLine("| store | instances | targets/s | lag p50 ms | lag p95 ms | lag p99 ms | rolled back | rounds |")
    .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (store, instances) in configurations)
{
    var rounds = new List<RoundResult>();
    for (var round = 0; round < options.Rounds; round++)
    {
        var result = await ClusterBench.RunRoundAsync(options, store, instances, postgres);
        ClusterBench.Log($"{store} x{instances} round {round + 1}: {result.Published}/{result.Targets} targets, {result.PerSecond:F1}/s, "
            + $"lag p50 {result.LagP50:F0} ms p95 {result.LagP95:F0} ms p99 {result.LagP99:F0} ms{(result.TimedOut ? " (timed out)" : "")}; "
            + $"{(result.RolledBack is { } rolledBack ? $"{rolledBack} transactions rolled back; " : "")}{result.Outcomes}");
        rounds.Add(result);
    }
    var median = (Func<RoundResult, double> f) => ClusterBench.Median(rounds.Select(f).ToList());
    results.Add(new JsonObject
    {
        ["store"] = store,
        ["instances"] = instances,
        ["targetsPerSecond"] = Math.Round(median(r => r.PerSecond), 1),
        ["lagMsP50"] = Math.Round(median(r => r.LagP50)),
        ["lagMsP95"] = Math.Round(median(r => r.LagP95)),
        ["lagMsP99"] = Math.Round(median(r => r.LagP99)),
        ["rolledBack"] = store == "postgres" ? Math.Round(median(r => r.RolledBack ?? 0)) : null,
        ["rounds"] = new JsonArray(rounds.Select(r => (JsonNode)r.ToJson()).ToArray()),
    });
    table.AppendLine(CultureInfo.InvariantCulture, $"| {store} | {instances} | {median(r => r.PerSecond):F1} | {median(r => r.LagP50):F0} | "
        + $"{median(r => r.LagP95):F0} | {median(r => r.LagP99):F0} | {(store == "postgres" ? median(r => r.RolledBack ?? 0).ToString("F0", CultureInfo.InvariantCulture) : "–")} | {rounds.Count} |");
}

var report = new JsonObject
{
    ["benchmark"] = "cluster",
    ["generatedAt"] = DateTimeOffset.UtcNow.ToString("O"),
    ["command"] = "dotnet run -c Release --project bench/cluster -- " + string.Join(' ', args),
    ["machine"] = new JsonObject
    {
        ["cpus"] = Environment.ProcessorCount,
        ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
    },
    ["config"] = new JsonObject
    {
        ["posts"] = options.Posts,
        ["platforms"] = new JsonArray(options.Platforms.Select(p => (JsonNode)p.ToWireName()).ToArray()),
        ["latencyMsPerPlatformCall"] = options.LatencyMs,
        ["maxConcurrentPerPlatform"] = options.PerPlatform,
        ["maxConcurrentPosts"] = options.PerPlatform * 2,
        ["accountSets"] = options.Sets,
        ["rounds"] = options.Rounds,
    },
    ["definitions"] = new JsonObject
    {
        ["targetsPerSecond"] = "published targets / (last target's published_at - due time)",
        ["lagMs"] = "published_at of each target (as the instance recorded it) - the posts' common due time",
        ["median"] = "each figure is the median over the rounds; every round has a fresh database and fresh server processes",
        ["emulatorClock"] = "the emulator's clock skips a day per reading (timers stay real), so its per-account rate limits never trip",
    },
    ["results"] = results,
};
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
await File.WriteAllTextAsync(outPath, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine(table.ToString());
ClusterBench.Log($"wrote {outPath}");
return 0;

namespace SocialMcp.Bench.Cluster
{
    public sealed record ClusterOptions
    {
        public int Posts { get; init; } = 300;
        public IReadOnlyList<Platform> Platforms { get; init; } = [Platform.X, Platform.LinkedIn, Platform.Facebook];
        public int LatencyMs { get; init; } = 50;
        public int PerPlatform { get; init; } = 4;
        public int Sets { get; init; } = 4;
        public int Rounds { get; init; } = 3;
        public int TimeoutSeconds { get; init; } = 300;
        public string? Out { get; init; }

        private const string Usage = """
            cluster [--posts 300] [--platforms x,linkedin,facebook] [--latency-ms 50] [--per-platform 4] [--sets 4]
                    [--rounds 3] [--timeout-seconds 300] [--out bench/results/cluster.json]
            """;

        public static ClusterOptions Parse(string[] args)
        {
            var options = new ClusterOptions();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
                options = args[i] switch
                {
                    "--posts" => options with { Posts = Int(Next()) },
                    "--platforms" => options with { Platforms = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(PlatformNames.Parse).ToList() },
                    "--latency-ms" => options with { LatencyMs = Int(Next()) },
                    "--per-platform" => options with { PerPlatform = Int(Next()) },
                    "--sets" => options with { Sets = Int(Next()) },
                    "--rounds" => options with { Rounds = Int(Next()) },
                    "--timeout-seconds" => options with { TimeoutSeconds = Int(Next()) },
                    "--out" => options with { Out = Next() },
                    _ => throw new ArgumentException($"Unknown argument {args[i]}.\n{Usage}"),
                };
            }
            return options;
        }

        private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <param name="RolledBack">PostgreSQL only: transactions the database rolled back during the round, nearly all of them
    /// serialization conflicts that the store then ran again (pg_stat_database.xact_rollback, before and after).</param>
    public sealed record RoundResult(int Targets, int Published, double PerSecond, double LagP50, double LagP95, double LagP99, bool TimedOut, string Outcomes,
        long? RolledBack)
    {
        public JsonObject ToJson() => new()
        {
            ["targets"] = Targets,
            ["published"] = Published,
            ["targetsPerSecond"] = Math.Round(PerSecond, 1),
            ["lagMsP50"] = Math.Round(LagP50),
            ["lagMsP95"] = Math.Round(LagP95),
            ["lagMsP99"] = Math.Round(LagP99),
            ["timedOut"] = TimedOut,
            ["rolledBack"] = RolledBack,
            ["targetOutcomes"] = Outcomes,
        };
    }

    public static class ClusterBench
    {
        public static async Task<RoundResult> RunRoundAsync(ClusterOptions options, string store, int instanceCount, ThrowawayPostgres postgres)
        {
            // A fresh emulator per round: no state (ids, limits, connections) carries from one round to the next.
            await using var emulator = await PlatformEmulator.StartAsync(time: new SkippingClock(), platforms: options.Platforms.ToList());
            emulator.State.AcceptSandboxTokens = true;
            var latency = TimeSpan.FromMilliseconds(options.LatencyMs);
            emulator.Observer.Gate = (_, aborted) => latency > TimeSpan.Zero ? Task.Delay(latency, aborted) : Task.CompletedTask;
            var directory = Path.Combine(Path.GetTempPath(), "socialmcp-cluster-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var database = store == "postgres" ? await postgres.CreateDatabaseAsync() : null;
            var storage = new Dictionary<string, string>
            {
                ["Tokens:KeysDirectory"] = Path.Combine(directory, "keys"),
            };
            if (database is null)
            {
                storage["Storage:Path"] = Path.Combine(directory, "bench.db");
            }
            else
            {
                storage["Storage:Provider"] = "postgres";
                storage["Storage:ConnectionString"] = postgres.ConnectionStringFor(database);
            }
            var instances = new List<ClusterInstance>();
            // Stopped with Ctrl+C or SIGTERM, the benchmark takes its server processes with it.
            EventHandler killAll = (_, _) => instances.ForEach(i => i.Dispose());
            AppDomain.CurrentDomain.ProcessExit += killAll;
            try
            {
                using var seed = await ClusterSeed.CreateAsync(storage, options.Sets, CancellationToken.None);
                var settings = new Dictionary<string, string>(storage)
                {
                    ["Sandbox:EmulatorUrl"] = emulator.Root.AbsoluteUri,
                    ["Scheduling:RecheckInterval"] = "00:00:01",
                    ["Scheduling:RunnerHeartbeat"] = "00:00:01",
                    // A firing that fails (e.g. a write that keeps losing serialization conflicts) is tried again when its
                    // lease runs out: the shortest lease allowed, so such a post costs seconds, not the default 5 minutes.
                    ["Scheduling:LeaseDuration"] = "00:00:10",
                    ["Scheduling:MaxConcurrentPerPlatform"] = Str(options.PerPlatform),
                    ["Scheduling:MaxConcurrentPosts"] = Str(options.PerPlatform * 2),
                    ["Logging:LogLevel:Default"] = "Warning",
                };
                for (var i = 0; i < instanceCount; i++)
                {
                    var home = Path.Combine(directory, $"instance-{i}");
                    Directory.CreateDirectory(home);
                    instances.Add(ClusterInstance.Start($"instance-{i}", home, settings, new Dictionary<string, string> { ["XDG_DATA_HOME"] = home }));
                }
                var started = Stopwatch.StartNew();
                while (await ScalarAsync(storage, "SELECT count(*) FROM scheduler_runners WHERE last_seen_at >= @since",
                           DateTimeOffset.UtcNow.AddSeconds(-3)) < instanceCount)
                {
                    if (started.Elapsed > TimeSpan.FromSeconds(options.TimeoutSeconds) || instances.Any(i => i.HasExited))
                        throw new InvalidOperationException($"The instances did not all start:\n{string.Join("\n", instances.Select(i => i.LogTail()))}");
                    await Task.Delay(200);
                }

                var rolledBackBefore = database is null ? 0 : await ScalarAsync(storage, RolledBackSql, null);
                var due = new DateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(3).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
                var postIds = await seed.InsertDuePostsAsync(options.Posts, options.Platforms, due, "Cluster benchmark post", CancellationToken.None);
                if (DateTimeOffset.UtcNow > due)
                    Log($"  inserting took past the due time by {(DateTimeOffset.UtcNow - due).TotalSeconds:F1} s");
                var targets = postIds.Count * options.Platforms.Count;
                var deadline = Stopwatch.StartNew();
                var timedOut = false;
                while (await ScalarAsync(storage, "SELECT count(*) FROM post_targets WHERE status NOT IN ('pending', 'publishing')", null) < targets)
                {
                    if (deadline.Elapsed > TimeSpan.FromSeconds(options.TimeoutSeconds))
                    {
                        timedOut = true;
                        break;
                    }
                    await Task.Delay(250);
                }

                var publishedAt = await PublishedTimesAsync(storage);
                var lags = publishedAt.Select(t => (t - due).TotalMilliseconds).Order().ToList();
                var span = lags.Count > 0 ? lags[^1] / 1000 : double.NaN;
                var outcomes = await OutcomesAsync(storage);
                long? rolledBack = null;
                if (database is not null)
                {
                    // A server process's counts reach pg_stat_database when its connections end: stop the instances first.
                    instances.ForEach(i => i.Dispose());
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    rolledBack = await ScalarAsync(storage, RolledBackSql, null) - rolledBackBefore;
                }
                return new RoundResult(targets, lags.Count, lags.Count / span, Percentile(lags, 0.50), Percentile(lags, 0.95), Percentile(lags, 0.99), timedOut,
                    outcomes, rolledBack);
            }
            finally
            {
                AppDomain.CurrentDomain.ProcessExit -= killAll;
                foreach (var instance in instances)
                    instance.Dispose();
                SqliteConnection.ClearAllPools();
                NpgsqlConnection.ClearAllPools();
                if (database is not null)
                    await postgres.DropDatabaseAsync(database);
                try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            }
        }

        private const string RolledBackSql = "SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()";

        private static DbConnection Open(IReadOnlyDictionary<string, string> storage) =>
            storage.TryGetValue("Storage:ConnectionString", out var connectionString)
                ? new NpgsqlConnection(connectionString)
                : new SqliteConnection($"Data Source={storage["Storage:Path"]}");

        private static async Task<long> ScalarAsync(IReadOnlyDictionary<string, string> storage, string sql, DateTimeOffset? since)
        {
            await using var connection = Open(storage);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            if (since is { } time)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "since";
                parameter.Value = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
                command.Parameters.Add(parameter);
            }
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        private static async Task<List<DateTimeOffset>> PublishedTimesAsync(IReadOnlyDictionary<string, string> storage)
        {
            await using var connection = Open(storage);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT published_at FROM post_targets WHERE status = 'published' AND published_at IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync();
            var times = new List<DateTimeOffset>();
            while (await reader.ReadAsync())
                times.Add(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
            return times;
        }

        /// <summary>How the targets ended, by platform, status and error code (a round is only comparable when all published).</summary>
        private static async Task<string> OutcomesAsync(IReadOnlyDictionary<string, string> storage)
        {
            await using var connection = Open(storage);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT platform, status, COALESCE(error_code, ''), count(*) FROM post_targets GROUP BY platform, status, error_code ORDER BY 1, 2, 3";
            await using var reader = await command.ExecuteReaderAsync();
            var parts = new List<string>();
            while (await reader.ReadAsync())
                parts.Add($"{reader.GetString(0)} {reader.GetString(1)}{(reader.GetString(2) is { Length: > 0 } code ? " " + code : "")} {reader.GetInt64(3)}");
            return string.Join(", ", parts);
        }

        public static double Percentile(IReadOnlyList<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

        public static double Median(IReadOnlyList<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count == 0 ? double.NaN
                : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        public static void Log(string message) => Console.Error.WriteLine($"[cluster {DateTimeOffset.UtcNow:HH:mm:ss}] {message}");

        public static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SocialMcp.sln")))
                    return dir.FullName;
            }
            return Directory.GetCurrentDirectory();
        }

        private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The emulator's clock: real timers, but each reading a day after the last, so its per-account limits never trip.</summary>
    public sealed class SkippingClock : TimeProvider
    {
        private long _readings;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromDays(Interlocked.Increment(ref _readings));
    }

    /// <summary>A PostgreSQL server for the run: tests/postgres/cluster.sh on a free loopback port, or SOCIALMCP_TEST_POSTGRES.</summary>
    public sealed class ThrowawayPostgres : IAsyncDisposable
    {
        private readonly string _admin;
        private readonly string? _script;
        private readonly string? _directory;

        private ThrowawayPostgres(string admin, string? script, string? directory)
        {
            _admin = admin;
            _script = script;
            _directory = directory;
        }

        public static async Task<ThrowawayPostgres> StartAsync(string repoRoot)
        {
            if (Environment.GetEnvironmentVariable("SOCIALMCP_TEST_POSTGRES") is { Length: > 0 } external)
                return new ThrowawayPostgres(external, null, null);
            var script = Path.Combine(repoRoot, "tests", "postgres", "cluster.sh");
            var directory = Path.Combine(Path.GetTempPath(), "socialmcp-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
            int port;
            using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            }
            await RunAsync(script, "start", directory, Str(port));
            ClusterBench.Log($"PostgreSQL on 127.0.0.1:{port} ({directory})");
            return new ThrowawayPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=120", script, directory);
        }

        public string ConnectionStringFor(string database) =>
            new NpgsqlConnectionStringBuilder(_admin) { Database = database, MaxPoolSize = 20 }.ConnectionString;

        public async Task<string> CreateDatabaseAsync()
        {
            var name = "bench_" + Guid.NewGuid().ToString("N");
            await AdminAsync($"CREATE DATABASE {name};");
            return name;
        }

        public Task DropDatabaseAsync(string name) => AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE);");

        private async Task AdminAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        private static async Task RunAsync(string script, params string[] arguments)
        {
            var info = new ProcessStartInfo("bash", [script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
        }

        private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            if (_script is null || _directory is null)
                return;
            await RunAsync(_script, "stop", _directory);
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
