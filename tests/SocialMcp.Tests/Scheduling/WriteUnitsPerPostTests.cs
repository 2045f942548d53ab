using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Scheduling;

/// <summary>
/// Issue 18: how many write units (one <c>IStore.WriteAsync</c> each, a transaction unless the store groups them) one
/// scheduled post costs from its claim to published, counted on the real scheduler, ledger and adapters against the
/// emulator. A change that adds a unit to that path fails here, with the list of units to show which.
/// </summary>
public sealed class WriteUnitsPerPostTests
{
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);
    private static readonly Platform[] Platforms = [Platform.X, Platform.LinkedIn, Platform.Facebook];

    // Per post of three targets: 6 adapter handles (X, LinkedIn, Facebook each store "create started" and the new id, each
    // before their next platform call), 1 publish claim, 2 outcomes (the third goes with the finish), 1 finish; plus per pass
    // one claim unit for every due post and one for orphans. Before issue 18 it was 12 per post and more per pass.
    private const int PerPost = 10;

    [Fact]
    public async Task Scheduler_SixPostsOfThreeTargetsDue_TakesTenWriteUnitsPerPostAndOneClaimForAll()
    {
        const int posts = 6;
        var sandbox = new LateSandboxApi();
        await using var server = await SchedulerHarness.CreateAsync(EmulatorSettings(), services =>
        {
            services.AddSingleton<ISandboxApi>(sandbox);
            CountingStore.Install(services);
        });
        await using var emulator = await PlatformEmulator.StartAsync(time: server.Clock, platforms: Platforms);
        emulator.State.AcceptSandboxTokens = true;
        sandbox.Emulator = emulator;
        var ids = new List<string>();
        for (var i = 0; i < posts; i++)
            ids.Add((await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create($"Scheduled post {i} of {posts}", Platforms) with { ScheduledFor = Due },
                CancellationToken.None)).Post.Id);
        await server.StartAsync();
        var store = (CountingStore)server.Store;
        store.Reset();

        await server.AdvanceAsync(TimeSpan.FromMinutes(10));

        foreach (var id in ids)
        {
            var fired = await server.GetAsync(id);
            Assert.Equal(PostStatus.Published, fired.Post.Status);
            Assert.All(fired.Targets, t => Assert.Equal(TargetStatus.Published, t.Status));
        }
        var writes = store.Writes;
        var units = string.Join("\n", writes.GroupBy(w => w).OrderByDescending(g => g.Count()).Select(g => $"{g.Count(),3} × {g.Key}"));
        Assert.True(writes.Count <= posts * PerPost + 2, $"{writes.Count} write units for {posts} posts (at most {posts * PerPost + 2}):\n{units}");
        Assert.Equal(1, writes.Count(w => w == "Posts.ClaimDue"));
        // The finish writes the last target's outcome, then sums the post (every post's outcome events are all there).
        Assert.Equal(posts, writes.Count(w => w.StartsWith("Targets.Update > Posts.BumpVersion > Events.Append > Posts.Get", StringComparison.Ordinal)));
        foreach (var id in ids)
        {
            var events = await server.Posts.GetHistoryAsync(LocalWorkspace.Id, id, CancellationToken.None);
            Assert.Equal(3, events.Count(e => e.EventType == "target_published"));
            Assert.Equal("publish_finished", events.Last(e => e.EventType is "target_published" or "publish_finished").EventType);
        }
    }

    private static Dictionary<string, string?> EmulatorSettings()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var platform in PlatformNames.All)
        {
            var name = platform.ToWireName();
            settings[$"Platforms:{name}:PollInterval"] = "00:00:00";
            settings[$"Platforms:{name}:RetryBaseDelay"] = "00:00:00";
            settings[$"Platforms:{name}:AttemptTimeout"] = "00:00:10";
        }
        return settings;
    }

    /// <summary>The sandbox's platform APIs: the emulator the test starts once the harness (and its clock) exists.</summary>
    private sealed class LateSandboxApi : ISandboxApi
    {
        public PlatformEmulator? Emulator { get; set; }

        public ValueTask<Uri> BaseUrlAsync(Platform platform, CancellationToken cancellationToken) =>
            ValueTask.FromResult((Emulator ?? throw new InvalidOperationException("Start the emulator first.")).BaseUrlOf(platform));
    }
}
