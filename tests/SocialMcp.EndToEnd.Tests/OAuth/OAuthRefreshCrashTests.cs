using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using Xunit.Abstractions;
using static SocialMcp.EndToEnd.Tests.OAuth.OAuthLifecycleHarness;

namespace SocialMcp.EndToEnd.Tests.OAuth;

/// <summary>
/// Issue 12, "Done when": killing the server (SIGKILL) during refreshes loses no usable refresh token and posts nothing
/// twice — the crash test (Crash/CrashRecoveryTests) extended to token refreshes. X and TikTok accounts, connected through the
/// CLI loopback OAuth, get 5-second access tokens, so the real server refreshes every 2.5 s; both platforms rotate their
/// refresh token strictly (the old one dies the moment the new one is issued). One database, one chain of servers:
/// <list type="bullet">
/// <item>(a) killed while its refresh request is held at the emulator, not yet handled: the old refresh token must still work;</item>
/// <item>(b) killed right after a refresh was committed (token_version rose in the database): the new one must work;</item>
/// <item>(c) killed at random moments while refreshes and X publishes run.</item>
/// </list>
/// After every kill a new server starts on the same file and must renew both accounts with what is stored (token_version rises
/// past its value at the kill, the account stays healthy) and publish; the emulator's live X posts must equal the posts
/// that ended published (nothing twice, none lost).
/// <para>
/// Not covered, and why: a kill after the token endpoint ANSWERED a refresh but before the server stored the answer. With
/// strict rotation that answer held the only live refresh token, and it died with the process: no client can close that
/// window (docs/platforms.md, X and TikTok auth). (a) and (b) stand on either side of it and must pass; a random kill (c)
/// that lands inside it is detected (the emulator handled more refreshes than the database stored) and counted, not
/// failed, and the account is then reconnected through the CLI so the chain goes on. The count is printed.
/// </para>
/// <c>SOCIALMCP_REFRESH_CRASH_WINDOW=1</c> adds two kills placed inside that window on purpose (as each platform's refresh
/// answer goes out), to measure it; they are counted like random hits and never fail the test.
/// Runs: <c>SOCIALMCP_REFRESH_CRASH_RUNS</c> random kills (default 1 in CI; e.g. 40 for a longer hunt), <c>SOCIALMCP_CRASH_SEED</c> to replay.
/// </summary>
public sealed class OAuthRefreshCrashTests(ITestOutputHelper output)
{
    private static readonly Platform[] Platforms = [Platform.X, Platform.TikTok];
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private const int MaxPosts = 45;

    [Fact]
    public async Task ServerKilledDuringRefreshes_KeepsAUsableRefreshToken_AndPostsNothingTwice()
    {
        var randomRuns = EnvInt("SOCIALMCP_REFRESH_CRASH_RUNS") ?? 1;
        var seed = EnvInt("SOCIALMCP_CRASH_SEED") ?? Random.Shared.Next(1, int.MaxValue);
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        output.WriteLine($"Refresh crash test: seed {seed}, {randomRuns} random kills");

        await using var emulator = await PlatformEmulator.StartAsync(platforms: Platforms);
        foreach (var platform in Platforms)
            emulator.OAuth.SetAccessTokenLifetime(Lifetime, platform);
        var directory = NewDirectory("socialmcp-refresh-crash-");
        var database = Path.Combine(directory, "crash.db");
        var environment = Environment(emulator, Platforms);
        var handledRefreshes = Platforms.ToDictionary(p => p, _ => 0);
        emulator.Observer.ResponseCompleted += response =>
        {
            if (TokenPlatform(response.Request) is { } platform && response.Handled && response.StatusCode is >= 200 and < 300)
                lock (handledRefreshes) handledRefreshes[platform]++;
        };
        ServerProcess? server = null;
        var windowHits = 0;
        var posts = new List<string>();
        try
        {
            var accounts = new Dictionary<Platform, string>();
            foreach (var platform in Platforms)
                accounts[platform] = await ConnectLoopbackAsync(database, platform, "Real", environment);
            var setId = await SetIdAsync(database, "Real");
            server = await ServerProcess.StartKillableAsync(database, environment);
            var liveBefore = emulator.State.LivePosts(Platform.X);

            var plans = new List<string> { "held x", "held tiktok", "committed x", "committed tiktok" };
            plans.AddRange(Enumerable.Range(0, randomRuns).Select(_ => "random"));
            // Opt-in measurement of the window no client can close: killed as the token endpoint's answer goes out.
            if (EnvInt("SOCIALMCP_REFRESH_CRASH_WINDOW") == 1)
                plans.AddRange(["answered x", "answered tiktok"]);
            for (var run = 0; run < plans.Count; run++)
            {
                var plan = plans[run];
                var versions = await VersionsAsync(database, accounts);
                int[] refreshesAtStart;
                lock (handledRefreshes) refreshesAtStart = [.. Platforms.Select(p => handledRefreshes[p])];
                var victim = server;
                Task? publishing = null;
                using var stopPublishing = new CancellationTokenSource();
                switch (plan)
                {
                    case "held x" or "held tiktok":
                        {
                            var platform = plan.EndsWith("x", StringComparison.Ordinal) ? Platform.X : Platform.TikTok;
                            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            emulator.Observer.Gate = async (request, aborted) =>
                            {
                                if (TokenPlatform(request) != platform || killed.Task.IsCompleted)
                                    return;
                                victim.Kill();
                                killed.TrySetResult();
                                // Held until the dead client's connection drops: the emulator never handles it.
                                await Task.Delay(Timeout.InfiniteTimeSpan, aborted);
                            };
                            await killed.Task.WaitAsync(Bound);
                            break;
                        }
                    case "committed x" or "committed tiktok":
                        {
                            var platform = plan.EndsWith("x", StringComparison.Ordinal) ? Platform.X : Platform.TikTok;
                            var until = Stopwatch.StartNew();
                            while (await TokenVersionAsync(database, accounts[platform]) <= versions[platform] && until.Elapsed < Bound)
                                await Task.Delay(TimeSpan.FromMilliseconds(20));
                            victim.Kill();
                            break;
                        }
                    case "answered x" or "answered tiktok":
                        {
                            var platform = plan.EndsWith("x", StringComparison.Ordinal) ? Platform.X : Platform.TikTok;
                            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            void OnAnswered(ObservedResponse response)
                            {
                                if (TokenPlatform(response.Request) == platform && response.Handled && response.StatusCode is >= 200 and < 300
                                    && !killed.Task.IsCompleted)
                                {
                                    victim.Kill();
                                    killed.TrySetResult();
                                }
                            }
                            emulator.Observer.ResponseCompleted += OnAnswered;
                            try
                            {
                                await killed.Task.WaitAsync(Bound);
                            }
                            finally
                            {
                                emulator.Observer.ResponseCompleted -= OnAnswered;
                            }
                            break;
                        }
                    default:
                        publishing = PublishLoopAsync(victim, setId, posts, stopPublishing.Token);
                        await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 6000)));
                        victim.Kill();
                        break;
                }
                using (var exit = new CancellationTokenSource(Bound))
                    await victim.WaitForExitAsync(exit.Token);
                emulator.Observer.Gate = null;
                await stopPublishing.CancelAsync();
                if (publishing is not null)
                    await publishing;
                await victim.DisposeAsync();
                server = null;

                var atKill = await VersionsAsync(database, accounts);
                int[] refreshesAtKill;
                lock (handledRefreshes) refreshesAtKill = [.. Platforms.Select(p => handledRefreshes[p])];
                // Refreshes the platform answered that the database did not store: the answer died with the process.
                var unstored = Platforms.Where((p, i) => refreshesAtKill[i] - refreshesAtStart[i] > atKill[p] - versions[p]).ToList();
                output.WriteLine($"run {run} ({plan}): token_version {Describe(versions)} -> {Describe(atKill)}; "
                    + $"refreshes answered {string.Join(", ", Platforms.Select((p, i) => $"{p.ToWireName()} {refreshesAtKill[i] - refreshesAtStart[i]}"))}"
                    + (unstored.Count > 0 ? $"; UNSTORED on {string.Join(", ", unstored.Select(p => p.ToWireName()))}" : ""));
                if (unstored.Count > 0)
                {
                    // The planned kills stand clear of the window for their focus platform; the other platform's refresh may be anywhere.
                    Assert.False(plan is not ("random" or "answered x" or "answered tiktok") && unstored.Contains(plan.EndsWith("x", StringComparison.Ordinal) ? Platform.X : Platform.TikTok),
                        $"run {run} ({plan}) killed after the token endpoint answered its focus platform's refresh.");
                    windowHits++;
                    foreach (var platform in unstored)
                        Assert.Equal(accounts[platform], await ConnectLoopbackAsync(database, platform, "Real", environment));
                    atKill = await VersionsAsync(database, accounts);
                }

                server = await ServerProcess.StartKillableAsync(database, environment);
                // The stored refresh token works: the new server renews both accounts with it.
                foreach (var platform in Platforms)
                {
                    var until = Stopwatch.StartNew();
                    while (await TokenVersionAsync(database, accounts[platform]) <= atKill[platform] && until.Elapsed < Bound)
                        await Task.Delay(TimeSpan.FromMilliseconds(100));
                    var account = await AccountAsync(server, accounts[platform]);
                    Assert.True(await TokenVersionAsync(database, accounts[platform]) > atKill[platform],
                        $"run {run} ({plan}): the restarted server did not renew {platform.ToWireName()}: {account}\n{string.Join("\n", server.StandardError.TakeLast(20))}");
                    Assert.Equal("healthy", account.GetProperty("tokenHealth").GetString());
                }
            }

            // Every post the killed servers left publishing is recovered; each published one is live exactly once.
            var published = 0;
            var statuses = new Dictionary<string, int>();
            foreach (var postId in posts)
            {
                var post = await WaitUntilSettledAsync(server!, postId, Bound);
                var status = post.GetProperty("status").GetString();
                Assert.True(status is "published" or "failed" or "draft" or "needs_reconciliation", $"post {postId} ended {status}: {post}\nServer log (tail):\n{string.Join("\n", server!.StandardError.TakeLast(30))}");
                if (status == "published")
                    published++;
                var key = status + (post.GetProperty("targets")[0].TryGetProperty("errorCode", out var code) ? " " + code.GetString() : "");
                statuses[key] = statuses.GetValueOrDefault(key) + 1;
            }
            var last = (await server!.CallOkAsync("create_post", CreatePostArguments("After the last crash", [Platform.X], setId))).GetProperty("id").GetString()!;
            Assert.Equal("published", (await server.CallOkAsync("publish_post", JsonSerializer.Serialize(new { postId = last }))).GetProperty("status").GetString());
            published++;
            Assert.Equal(published, emulator.State.LivePosts(Platform.X) - liveBefore);

            var summary = $"Refresh crash test: seed {seed}, {plans.Count} kills ({randomRuns} random), {posts.Count + 1} X posts, {published} published ({string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}); "
                + $"{windowHits} kill(s) landed between the token endpoint's answer and its storage; {clock.Elapsed.TotalSeconds:0.0} s";
            output.WriteLine(summary);
            Console.WriteLine(summary);
        }
        finally
        {
            emulator.Observer.Gate = null;
            if (server is not null)
                await server.DisposeAsync();
            DeleteDirectory(directory);
        }
    }

    /// <summary>Publishes X posts one after another until cancelled or the server dies; records every post it created.</summary>
    private static async Task PublishLoopAsync(ServerProcess server, string setId, List<string> posts, CancellationToken cancellationToken)
    {
        try
        {
            // The emulated X allows 75 GET 2/users/me per user and 15 minutes (its publishes use it too); a long hunt on one
            // account stays under it, or targets would wait out the rate limit and never settle within the test's bound.
            for (var i = 0; i < 6 && posts.Count < MaxPosts && !cancellationToken.IsCancellationRequested; i++)
            {
                var created = await server.CallOkAsync("create_post", CreatePostArguments($"Refresh crash post {posts.Count} {Guid.NewGuid():N}", [Platform.X], setId));
                var postId = created.GetProperty("id").GetString()!;
                lock (posts) posts.Add(postId);
                await server.CallAsync("publish_post", JsonSerializer.Serialize(new { postId }));
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        catch (Exception)
        {
            // The server was killed under the call.
        }
    }

    private static Platform? TokenPlatform(ObservedRequest request) => request switch
    {
        { Platform: Platform.X, Method: "POST", Path: "2/oauth2/token" } => Platform.X,
        { Platform: Platform.TikTok, Method: "POST", Path: "v2/oauth/token/" or "v2/oauth/token" } => Platform.TikTok,
        _ => null,
    };

    private static async Task<Dictionary<Platform, long>> VersionsAsync(string database, Dictionary<Platform, string> accounts)
    {
        var versions = new Dictionary<Platform, long>();
        foreach (var (platform, id) in accounts)
            versions[platform] = await TokenVersionAsync(database, id);
        return versions;
    }

    private static string Describe(Dictionary<Platform, long> versions) =>
        string.Join(", ", versions.Select(v => $"{v.Key.ToWireName()} {v.Value}"));

    private static int? EnvInt(string name) =>
        int.TryParse(System.Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
