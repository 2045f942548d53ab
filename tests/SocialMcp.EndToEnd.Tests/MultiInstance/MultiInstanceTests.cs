using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Testing;
using Xunit.Abstractions;

namespace SocialMcp.EndToEnd.Tests.MultiInstance;

/// <summary>
/// Issue 17: three real server processes on one PostgreSQL database fire 1,000 posts due in the same second; one of them
/// is SIGKILLed when about half the targets are out. Every instance publishes sandbox accounts to ONE emulator hosted here
/// (<c>Sandbox:EmulatorUrl</c>), so "published exactly once" is counted in one place, and the database must agree with it.
/// <para><c>SOCIALMCP_MULTI_POSTS</c> lowers the post count for a local run; CI runs the 1,000.</para>
/// </summary>
public sealed class MultiInstanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Instances = 3;
    private const int AccountSets = 6;
    private static readonly Platform[] Platforms = [Platform.X, Platform.Facebook];
    // Generous: the bound is for a hung run, not a speed check (five builds can share this machine's two cores).
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(8);

    private readonly List<ClusterInstance> _instances = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "socialmcp-multi-" + Guid.NewGuid().ToString("N"));
    private PostgresTestCluster? _cluster;
    private string? _database;
    private PlatformEmulator? _emulator;
    private ClusterSeed? _seed;

    [Fact]
    public async Task ThreeInstances_OneKilledHalfwayThroughAThousandDuePosts_EveryTargetPublishedExactlyOnce()
    {
        var posts = Crash.CrashRecoveryTests.EnvInt("SOCIALMCP_MULTI_POSTS") ?? 1000;
        output.WriteLine($"{posts} posts, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(Deadline);
        var cancellationToken = deadline.Token;

        // Arrange: the database (schema, workspace, sets of sandbox accounts), one emulator, three instances.
        _cluster = await PostgresTestCluster.SharedAsync();
        _database = await _cluster.CreateDatabaseAsync();
        var connectionString = _cluster.ConnectionStringFor(_database);
        Directory.CreateDirectory(_directory);
        var keys = Path.Combine(_directory, "keys");
        var storage = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = connectionString,
            ["Tokens:KeysDirectory"] = keys,
        };
        _seed = await ClusterSeed.CreateAsync(storage, AccountSets, cancellationToken);
        // The emulated platforms' per-account limits (X: 200 posts in 15 minutes) would stop 1,000 posts: its clock skips
        // a day per reading, so the limits never trip. The fan-out is what is under test, not their quotas.
        _emulator = await PlatformEmulator.StartAsync(time: new DaySkippingClock(), platforms: Platforms, cancellationToken: cancellationToken);
        _emulator.State.AcceptSandboxTokens = true;

        var settings = new Dictionary<string, string>(storage)
        {
            ["Sandbox:EmulatorUrl"] = _emulator.Root.AbsoluteUri,
            // Short intervals so a dead instance is noticed and its posts taken over within seconds.
            ["Scheduling:RecheckInterval"] = "00:00:01",
            ["Scheduling:RunnerHeartbeat"] = "00:00:01",
            ["Scheduling:LeaseDuration"] = "00:00:10",
            ["Scheduling:MaxConcurrentPosts"] = "8",
            ["Scheduling:MaxConcurrentPerPlatform"] = "4",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        for (var i = 0; i < Instances; i++)
        {
            var home = Path.Combine(_directory, $"instance-{i}");
            Directory.CreateDirectory(home);
            // On PostgreSQL the server keeps its other local files (the HTTP authorization server's SQLite database) in the
            // per-user data folder: each instance gets its own, so none writes into the real home folder or races another.
            _instances.Add(ClusterInstance.Start($"instance-{i}", home, settings, new Dictionary<string, string> { ["XDG_DATA_HOME"] = home }));
        }
        await PollAsync("all three schedulers registered", async () => await RunnersAliveAsync(connectionString) >= Instances, cancellationToken);
        output.WriteLine($"{Instances} instances up after {clock.Elapsed.TotalSeconds:0.0} s");

        // Act: the posts, all due at one whole second just ahead; kill one instance when about half the targets are out.
        var due = new DateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(3).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var postIds = await _seed.InsertDuePostsAsync(posts, Platforms, due, "Multi-instance post", cancellationToken);
        var targets = posts * Platforms.Length;
        output.WriteLine($"{posts} posts ({targets} targets) inserted, due at {due:O}");

        await PollAsync("half the targets published", () => Task.FromResult(LivePosts() >= targets / 2), cancellationToken);
        var victim = _instances[0];
        victim.Kill();
        await victim.WaitForExitAsync(cancellationToken);
        var atKill = LivePosts();
        var heldAtKill = await ScalarAsync(connectionString,
            "SELECT count(*) FROM posts WHERE status = 'publishing' AND lease_owner LIKE @owner",
            ("owner", $"%/{victim.ProcessId.ToString(CultureInfo.InvariantCulture)}/%"));
        output.WriteLine($"killed {victim.Name} (pid {victim.ProcessId}) at {atKill}/{targets} targets out, holding {heldAtKill} post(s) in publishing");

        await PollAsync("every post published", async () =>
            await ScalarAsync(connectionString, "SELECT count(*) FROM posts WHERE status <> 'published' AND id = ANY(@ids)", ("ids", postIds.ToArray())) == 0,
            cancellationToken, () => StatusSummaryAsync(connectionString));
        output.WriteLine($"all published after {clock.Elapsed.TotalSeconds:0.0} s (due + {(DateTimeOffset.UtcNow - due).TotalSeconds:0.0} s)");

        // Assert: the database's targets and the emulator's live posts are the same set, one per target.
        var recorded = await RecordedTargetsAsync(connectionString, postIds);
        Assert.Equal(targets, recorded.Count);
        Assert.All(recorded, r => Assert.Equal("published", r.Status));
        var problems = new List<string>();
        foreach (var platform in Platforms)
        {
            var name = platform.ToWireName();
            var live = _emulator.State.LivePostIds(platform);
            if (_emulator.State.LivePosts(platform) != posts || live.Count != live.Distinct(StringComparer.Ordinal).Count())
                problems.Add($"{name}: {_emulator.State.LivePosts(platform)} posts went live ({live.Distinct(StringComparer.Ordinal).Count()} distinct ids) for {posts} targets.");
            // Each post's count on the emulator: the live posts whose id its target recorded.
            var postOfLiveId = recorded.Where(r => r.Platform == name)
                .ToDictionary(r => SandboxPostIds.EmulatorIdOf(r.PlatformPostId!), r => r.PostId, StringComparer.Ordinal);
            var perPost = live.GroupBy(id => postOfLiveId.GetValueOrDefault(id) ?? "").ToDictionary(g => g.Key, g => g.Count());
            if (perPost.Remove("", out var unrecorded))
                problems.Add($"{name}: {unrecorded} live post(s) that no target recorded (published twice, or lost to the database).");
            if (perPost.Count != posts || perPost.Any(p => p.Value != 1))
                problems.Add($"{name}: {perPost.Count} posts have a live post, {perPost.Count(p => p.Value != 1)} of them not exactly one.");
        }
        if (problems.Count > 0)
            Assert.Fail(string.Join("\n", problems) + "\nTargets tried more than once:\n" + await RetriedTargetsAsync(connectionString));
        Assert.True(atKill < targets, $"The kill came after every target was out ({atKill}/{targets}): nothing was left to take over.");
        Assert.All(_instances.Skip(1), i => Assert.False(i.HasExited, $"{i.Name} exited:\n    {i.LogTail()}"));
    }

    private int LivePosts() => Platforms.Sum(p => _emulator!.State.LivePosts(p));

    private static async Task<long> RunnersAliveAsync(string connectionString)
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-3).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        return await ScalarAsync(connectionString, "SELECT count(*) FROM scheduler_runners WHERE last_seen_at >= @since", ("since", since));
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>For a failure: the targets with more than one attempt and each one's event trail (the takeovers and retries).</summary>
    private static async Task<string> RetriedTargetsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT t.post_id, t.platform, t.attempt_count,
                   (SELECT string_agg(e.event_type || COALESCE(' ' || e.detail, '') || ' @' || e.occurred_at, ' | ' ORDER BY e.id)
                    FROM post_events e WHERE e.post_id = t.post_id AND (e.platform = t.platform OR e.platform IS NULL))
            FROM post_targets t WHERE t.attempt_count > 1 ORDER BY t.attempt_count DESC, t.post_id LIMIT 20
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add($"  {reader.GetString(0)} {reader.GetString(1)} attempts {reader.GetInt64(2)}: {(reader.IsDBNull(3) ? "" : reader.GetString(3))}");
        return string.Join("\n", lines);
    }

    private static async Task<string> StatusSummaryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT 'post ' || status, count(*) FROM posts GROUP BY status UNION ALL SELECT 'target ' || status, count(*) FROM post_targets GROUP BY status", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var parts = new List<string>();
        while (await reader.ReadAsync())
            parts.Add($"{reader.GetString(0)}: {reader.GetInt64(1)}");
        return string.Join(", ", parts);
    }

    private sealed record RecordedTarget(string PostId, string Platform, string Status, string? PlatformPostId);

    private static async Task<List<RecordedTarget>> RecordedTargetsAsync(string connectionString, IReadOnlyList<string> postIds)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT post_id, platform, status, platform_post_id FROM post_targets WHERE post_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", postIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<RecordedTarget>();
        while (await reader.ReadAsync())
            rows.Add(new RecordedTarget(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        return rows;
    }

    /// <summary>Polls every 100 ms until <paramref name="condition"/> holds; fails with the instances' logs when the test's deadline passes.</summary>
    private async Task PollAsync(string what, Func<Task<bool>> condition, CancellationToken cancellationToken, Func<Task<string>>? state = null)
    {
        try
        {
            while (!await condition())
                await Task.Delay(100, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            var now = state is null ? "" : await state();
            throw new Xunit.Sdk.XunitException($"Not reached within {Deadline.TotalSeconds} s: {what}. {now}\n"
                + string.Join("\n", _instances.Select(i => $"  {i.Name} (exited: {i.HasExited}):\n    {i.LogTail()}")));
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            instance.Dispose();
        _seed?.Dispose();
        if (_emulator is not null)
            await _emulator.DisposeAsync();
        if (_cluster is not null && _database is not null)
            await _cluster.DropDatabaseAsync(_database);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// The emulator's clock: real timers, but every reading is a day after the one before, so the emulated platforms'
/// per-account publishing limits never trip in a test that publishes 1,000 posts through a handful of accounts.
/// </summary>
public sealed class DaySkippingClock : TimeProvider
{
    private long _readings;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromDays(Interlocked.Increment(ref _readings));
}
