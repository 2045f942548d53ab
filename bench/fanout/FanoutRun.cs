using SocialMcp.Storage.Migrations;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Storage;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Bench.Fanout;

/// <summary>
/// One fan-out run: a fresh SQLite file, the emulator in-process on 127.0.0.1, N posts due in the same second, fired by
/// the real <see cref="SchedulerWorker"/> through <see cref="PostService"/>, the sandbox publisher and the real adapters.
/// </summary>
public static class FanoutRun
{
    public const string TextPrefix = "Fan-out benchmark post ";

    public static async Task<JsonObject> RunAsync(FanoutOptions options, int perPlatform, CancellationToken cancellationToken)
    {
        var postsInFlight = options.PostsInFlight(perPlatform);
        var accounts = options.AccountsFor(perPlatform);
        var latency = TimeSpan.FromMilliseconds(options.LatencyMs);
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-fanout-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var recorder = new Recorder();
        Log($"run: {options.Posts} posts x {options.Platforms.Count} platforms, {options.LatencyMs} ms per platform call, " +
            $"MaxConcurrentPerPlatform={perPlatform}, MaxConcurrentPosts={postsInFlight}, MaxConcurrentPerAccount={options.PerAccount}, {accounts} account(s) per platform; db {directory}");

        await using var emulator = await PlatformEmulator.StartAsync(time: new SkippingClock(), platforms: options.Platforms.ToList(),
            cancellationToken: cancellationToken);
        emulator.State.AcceptSandboxTokens = true;

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "socialmcp-fanout" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(directory, "fanout.db"),
            ["Tokens:KeysDirectory"] = Path.Combine(directory, "keys"),
            ["Scheduling:MaxConcurrentPerPlatform"] = Str(perPlatform),
            ["Scheduling:MaxConcurrentPosts"] = Str(postsInFlight),
            ["Scheduling:MaxConcurrentPerAccount"] = Str(options.PerAccount),
            ["PlatformSets:MaxPerWorkspace"] = Str(accounts + 1),
            // The posts are inserted through the store (below), so the monthly quotas never see them; raised anyway
            // so the warm-up's create_post calls cannot hit them either.
            ["Quotas:PostsPerMonth"] = Str(int.MaxValue),
            ["Quotas:ScheduledPostsPerMonth"] = Str(int.MaxValue),
        });
        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        // The server's own wiring (SocialMcpHost): domain, store, publishers, and the scheduler worker.
        builder.Services.AddSocialCore();
        builder.Services.AddSocialStorage();
        builder.Services.AddPlatformPublishers();
        builder.Services.AddSocialScheduler();
        // What the benchmark adds: sandbox accounts publish to its emulator; the store, the publishers and every
        // platform HTTP call are observed (and each call gets the emulator's latency fault).
        builder.Services.AddSingleton<ISandboxApi>(new BenchSandboxApi(emulator));
        builder.Services.AddSingleton<SqliteStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IStore>(sp => new TimedStore(sp.GetRequiredService<SqliteStore>(), recorder)));
        builder.Services.AddSingleton<PublisherResolver>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IPublisherResolver>(sp =>
            new RecordingPublisherResolver(sp.GetRequiredService<PublisherResolver>(), recorder)));
        builder.Services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b =>
            b.AdditionalHandlers.Add(new LatencyAndRecordingHandler(recorder, emulator, latency))));

        using var host = builder.Build();
        var services = host.Services;
        var store = services.GetRequiredService<IStore>();
        var posts = services.GetRequiredService<PostService>();
        await services.GetRequiredService<IStoreMigrator>().ApplyAsync(cancellationToken);
        await services.GetRequiredService<LocalWorkspace>().EnsureCreatedAsync(cancellationToken);

        // Accounts: the default set's sandbox accounts plus one more set (one sandbox account per platform) per extra account.
        var sets = new List<(string SetId, IReadOnlyDictionary<Platform, Account> Accounts)>();
        var platformSets = services.GetRequiredService<PlatformSetService>();
        var defaultSet = await store.ReadAsync(s => s.PlatformSets.GetDefaultAsync(LocalWorkspace.Id, cancellationToken), cancellationToken);
        var setIds = new List<string> { defaultSet!.Id };
        for (var k = 1; k < accounts; k++)
            setIds.Add((await platformSets.CreateAsync(LocalWorkspace.Id, $"fanout-{k}", withSandboxAccounts: true, cancellationToken)).Set.Id);
        foreach (var setId in setIds)
        {
            var inSet = await store.ReadAsync(s => s.Accounts.ListInSetAsync(LocalWorkspace.Id, setId, cancellationToken), cancellationToken);
            sets.Add((setId, inSet.ToDictionary(a => a.Platform)));
        }

        // Warm-up, not measured: one post per set published now (JIT, HTTP connections, the emulator's first requests).
        var warmups = await Task.WhenAll(setIds.Select(async setId =>
        {
            var draft = await posts.CreateAsync(LocalWorkspace.Id, new CreatePostCommand
            {
                Content = new PostContent($"Warm-up for set {setId}", [], null, new Dictionary<Platform, PlatformOverride>()),
                Platforms = options.Platforms,
                PlatformSetId = setId,
            }, cancellationToken);
            return await posts.PublishAsync(LocalWorkspace.Id, draft.Post.Id, null, cancellationToken);
        }));
        var warmupFailures = warmups.Count(w => w.Post.Status != PostStatus.Published);
        if (warmupFailures > 0)
            throw new InvalidOperationException($"{warmupFailures} warm-up post(s) did not publish; first: {string.Join("; ", warmups.First(w => w.Post.Status != PostStatus.Published).Targets.Select(t => $"{t.Platform.ToWireName()} {t.Status} {t.ErrorCode} {t.ErrorMessage}"))}");

        // N posts, all due at the same whole second, written as create_post writes a scheduled post (post, targets,
        // "created" event) but 500 to a transaction. Ids are version-7 GUIDs one millisecond apart, so the scheduler
        // claims them in creation order and consecutive posts use different accounts.
        var insertStarted = DateTimeOffset.UtcNow;
        var lead = TimeSpan.FromSeconds(3) + TimeSpan.FromMilliseconds(options.Posts * 1.5);
        var due = new DateTimeOffset((insertStarted + lead).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var idBase = insertStarted.AddMinutes(-1);
        var postIds = new string[options.Posts];
        for (var first = 0; first < options.Posts; first += 500)
        {
            var last = Math.Min(options.Posts, first + 500);
            await store.WriteAsync(async session =>
            {
                var now = DateTimeOffset.UtcNow;
                for (var i = first; i < last; i++)
                {
                    var (setId, setAccounts) = sets[i % sets.Count];
                    var content = new PostContent($"{TextPrefix}{i:D6}: scheduled with SocialMcp #bench", [], null, new Dictionary<Platform, PlatformOverride>());
                    var post = new Post
                    {
                        Id = Guid.CreateVersion7(idBase.AddMilliseconds(i)).ToString(),
                        WorkspaceId = LocalWorkspace.Id,
                        PlatformSetId = setId,
                        Status = PostStatus.Scheduled,
                        Content = content,
                        Platforms = options.Platforms,
                        ScheduledFor = due,
                        Version = 1,
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    postIds[i] = post.Id;
                    await session.Posts.InsertAsync(post, cancellationToken);
                    foreach (var platform in options.Platforms)
                    {
                        await session.Targets.InsertAsync(new PostTarget
                        {
                            PostId = post.Id,
                            Platform = platform,
                            AccountId = setAccounts[platform].Id,
                            Status = TargetStatus.Pending,
                            AttemptCount = 0,
                            CreatedAt = now,
                            UpdatedAt = now,
                        }, cancellationToken);
                    }
                    await session.Events.AppendAsync(new PostEvent
                    {
                        Id = 0,
                        PostId = post.Id,
                        EventType = "created",
                        ToStatus = PostStatus.Scheduled.ToWireName(),
                        PostVersion = 1,
                        OccurredAt = now,
                    },
                        cancellationToken);
                }
                return 0;
            }, cancellationToken);
        }
        var inserted = DateTimeOffset.UtcNow;
        Log($"inserted {options.Posts} posts in {(inserted - insertStarted).TotalSeconds:F1} s; all due at {due:O} ({(due - inserted).TotalSeconds:F1} s from now)");

        // The due time on the Stopwatch scale everything else is recorded on.
        var anchorUtc = DateTimeOffset.UtcNow;
        var anchorTicks = Stopwatch.GetTimestamp();
        var dueTicks = anchorTicks + (long)((due - anchorUtc).TotalSeconds * Stopwatch.Frequency);
        var loadBefore = LoadAverage();
        recorder.Enabled = true;
        await host.StartAsync(cancellationToken);

        var expectedTargets = options.Posts * options.Platforms.Count;
        var deadline = Stopwatch.GetTimestamp() + options.TimeoutSeconds * Stopwatch.Frequency;
        var lastReport = Stopwatch.GetTimestamp();
        var timedOut = false;
        long peakRssSample = 0;
        var maxThreads = 0;
        long maxQueued = 0;
        while (true)
        {
            await Task.Delay(200, cancellationToken);
            peakRssSample = Math.Max(peakRssSample, CurrentRss());
            maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
            maxQueued = Math.Max(maxQueued, ThreadPool.PendingWorkItemCount);
            if (Stopwatch.GetTimestamp() - lastReport > 5 * Stopwatch.Frequency)
            {
                lastReport = Stopwatch.GetTimestamp();
                Log($"  {recorder.TargetsDone}/{expectedTargets} targets done, {Seconds(lastReport - dueTicks):F1} s after due");
            }
            if (recorder.TargetsDone >= expectedTargets)
            {
                var open = await store.ReadAsync(async s =>
                    await s.Posts.CountInStatusAsync(LocalWorkspace.Id, PostStatus.Scheduled, cancellationToken)
                    + await s.Posts.CountInStatusAsync(LocalWorkspace.Id, PostStatus.Publishing, cancellationToken), cancellationToken);
                if (open == 0)
                    break;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                timedOut = true;
                Log("  timed out; reporting what finished");
                break;
            }
        }
        recorder.Enabled = false;
        var finished = Stopwatch.GetTimestamp();
        var postStatuses = new JsonObject();
        foreach (var status in Enum.GetValues<PostStatus>())
        {
            var count = await store.ReadAsync(s => s.Posts.CountInStatusAsync(LocalWorkspace.Id, status, cancellationToken), cancellationToken);
            if (count > 0)
                postStatuses[status.ToWireName()] = count - (status == PostStatus.Published ? warmups.Length : 0);
        }
        await host.StopAsync(CancellationToken.None);
        var peakRss = PeakRss();

        var result = Report.Build(options, perPlatform, postsInFlight, accounts, recorder, postIds, dueTicks, finished, timedOut);
        result["postStatuses"] = postStatuses;
        // The machine is shared: the 1-minute load average at the due time and at the end says how busy it was.
        result["loadAverage1m"] = new JsonObject { ["atDue"] = loadBefore, ["atEnd"] = LoadAverage() };
        result["threadPool"] = new JsonObject
        {
            ["maxThreads"] = maxThreads,
            ["maxQueuedWorkItems"] = maxQueued,
            ["note"] = "sampled every 200 ms; threads beyond the core count were added by the pool's starvation logic (threads blocked, e.g. in SQLite's busy handler)",
        };
        result["insert"] = new JsonObject
        {
            ["seconds"] = Math.Round((inserted - insertStarted).TotalSeconds, 2),
            ["finishedBeforeDue"] = inserted < due,
        };
        result["memory"] = new JsonObject
        {
            ["peakRssMb"] = peakRss > 0 ? Math.Round(peakRss / 1048576.0, 1) : Math.Round(peakRssSample / 1048576.0, 1),
            ["note"] = "VmHWM of the benchmark process, which also hosts the emulator (Kestrel) and the recorders",
        };

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return result;
    }

    public static void Log(string message) => Console.Error.WriteLine($"[fanout {DateTimeOffset.UtcNow:HH:mm:ss}] {message}");

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static long CurrentRss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>VmHWM from /proc (Linux): the peak resident set of the whole process.</summary>
    private static long PeakRss()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
