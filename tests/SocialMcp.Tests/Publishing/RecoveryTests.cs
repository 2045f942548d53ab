using System.Diagnostics;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Scheduling;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>A post left 'publishing' by a publisher that stopped is finished by the scheduler's next pass, once.</summary>
public sealed class RecoveryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Platform[] Platforms = [Platform.X, Platform.LinkedIn];

    [Fact]
    public async Task Worker_PublishingPostWithExpiredLease_IsFinishedWithNewAttempts()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var now = server.Clock.GetUtcNow();
        var post = await OrphanAsync(server, "elsewhere/4242/0123456789abcdef", now.AddMinutes(-1));

        await server.StartAsync();

        await AssertRecoveredAsync(server, post, server.Worker.Owner);
    }

    [Fact]
    public async Task Worker_PublishingPostOfADeadProcessWithALiveLease_IsRecoveredAtOnce()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var now = server.Clock.GetUtcNow();
        var dead = $"{Environment.MachineName}/{UnusedPid()}/{Guid.NewGuid():N}";
        var post = await OrphanAsync(server, dead, now.AddMinutes(5));

        await server.StartAsync();

        await AssertRecoveredAsync(server, post, server.Worker.Owner);
    }

    [Theory]
    [InlineData("this-process")]
    [InlineData("other-machine")]
    public async Task Worker_PublishingPostOfALiveOwner_IsLeftAloneUntilItsLeaseRunsOut(string who)
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var now = server.Clock.GetUtcNow();
        var live = who == "this-process"
            ? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"
            : $"some-other-host/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var post = await OrphanAsync(server, live, now.AddMinutes(5));

        await server.StartAsync();

        Assert.Equal(PostStatus.Publishing, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
        Assert.Equal(now.AddMinutes(5), server.Status.SleepingUntil);

        server.Clock.Advance(TimeSpan.FromMinutes(4)); // the worker sleeps on: nothing to settle
        Assert.Equal(PostStatus.Publishing, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));

        await server.AdvanceAsync(TimeSpan.FromMinutes(1));
        await AssertRecoveredAsync(server, post, server.Worker.Owner);
    }

    [Fact]
    public async Task Workers_TwoServersOnOneDatabase_NeverBothRecoverAPost()
    {
        var settings = new Dictionary<string, string?> { ["Scheduling:MaxConcurrentPosts"] = "2" };
        await using var a = await SchedulerHarness.CreateAsync(settings);
        await using var b = await a.SecondServerAsync(settings);
        var now = a.Clock.GetUtcNow();
        var orphans = new List<PostDetails>();
        for (var i = 0; i < 12; i++)
            orphans.Add(await OrphanAsync(a, "crashed-host/77/feedface", now.AddMinutes(-1), $"Orphan {i}"));

        await Task.WhenAll(Task.Run(a.StartAsync), Task.Run(b.StartAsync));

        foreach (var orphan in orphans)
        {
            var stored = await a.GetAsync(orphan.Post.Id);
            Assert.Equal(PostStatus.Published, stored.Post.Status);
            Assert.Equal(Platforms.Length, a.DeliveriesOf(orphan.Post.Id) + b.DeliveriesOf(orphan.Post.Id));
            var events = await a.Posts.GetHistoryAsync(LocalWorkspace.Id, orphan.Post.Id, Ct);
            foreach (var platform in Platforms)
                Assert.Single(events, e => e.EventType == "target_recovering" && e.Platform == platform);
        }
        Assert.Equal(orphans.Count * Platforms.Length, a.Sandbox.Deliveries.Count + b.Sandbox.Deliveries.Count);
    }

    [Fact]
    public async Task Worker_OrphanWithOneTargetAlreadyPublished_RepublishesOnlyTheUnfinishedOne()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var now = server.Clock.GetUtcNow();
        var post = await OrphanAsync(server, "elsewhere/4242/abc", now.AddMinutes(-1));
        await MarkPublishedAsync(server, post, Platform.X, now);

        await server.StartAsync();

        var stored = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Published, stored.Post.Status);
        var x = stored.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal("before-crash-x", x.AttemptId);
        Assert.Equal("sbx-x-done", x.PlatformPostId);
        Assert.Equal(2, stored.Targets.Single(t => t.Platform == Platform.LinkedIn).AttemptCount);
        var delivered = Assert.Single(server.Sandbox.Deliveries);
        Assert.Equal(Platform.LinkedIn, delivered.Platform);
        var events = await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct);
        Assert.Single(events, e => e.EventType == "target_recovering");
    }

    [Fact]
    public async Task Worker_OrphanWhoseTargetsAllFinished_IsSummedUpWithoutPublishingAgain()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var now = server.Clock.GetUtcNow();
        var post = await OrphanAsync(server, "elsewhere/4242/abc", now.AddMinutes(-1));
        foreach (var platform in Platforms)
            await MarkPublishedAsync(server, post, platform, now);

        await server.StartAsync();

        var stored = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Published, stored.Post.Status);
        Assert.Empty(server.Sandbox.Deliveries);
        Assert.DoesNotContain(await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct), e => e.EventType == "target_recovering");
        Assert.Empty(await server.Store.ReadAsync(s => s.Posts.ListLeaseOwnersAsync(server.Clock.GetUtcNow(), Ct), Ct));
    }

    [Fact]
    public async Task Worker_LeaseLapsesWhileThisProcessStillPublishes_LeavesThePostToItsPublisher()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["Scheduling:DailyCaps:x"] = "1",
            ["Scheduling:DefaultTolerance"] = "1.00:00:00",
        });
        var earlier = await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Earlier", Platform.X), Ct);
        await server.Posts.PublishAsync(LocalWorkspace.Id, earlier.Post.Id, null, Ct);
        server.Clock.Advance(TimeSpan.FromHours(1));
        await server.StartAsync();
        var post = await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Slow", Platforms), Ct);
        var publishing = server.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct); // X waits 23 h for its cap
        await EmulatedPublishing.WaitUntilAsync(async () =>
            (await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct)).Any(e => e.EventType == "target_waiting"), "X waits");

        // The process is suspended past its lease (a laptop asleep): the lease lapses before the heartbeat renews it, and
        // on waking this process's own scheduler runs a pass while the publish is still waiting.
        var now = server.Clock.GetUtcNow();
        await server.Store.WriteAsync(s => s.Posts.TakeLeaseAsync(post.Post.Id, server.Worker.Owner, now.AddSeconds(-1), Ct), Ct);
        var slept = server.Status.NextSleep;
        server.Get<SchedulerSignal>().Poke();
        await EmulatedPublishing.WaitUntilAsync(async () => slept.IsCompleted
            || (await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct)).Any(e => e.EventType == "target_recovering"), "a pass");

        Assert.DoesNotContain(await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct), e => e.EventType == "target_recovering");
        server.Clock.Advance(TimeSpan.FromHours(23));
        var done = await publishing.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(PostStatus.Published, done.Post.Status);
        Assert.Equal(1, server.Sandbox.Deliveries.Count(d => d.PostId == post.Post.Id && d.Platform == Platform.X));
    }

    // ---- PublisherIdentity.IsGone ------------------------------------------------------------------------------

    [Fact]
    public void Owner_OfThisProcess_NamesMachineAndPidAndIsNotGone()
    {
        var identity = new PublisherIdentity();

        Assert.StartsWith($"{Environment.MachineName}/{Environment.ProcessId}/", identity.Owner);
        Assert.NotEqual(identity.Owner, new PublisherIdentity().Owner);
        Assert.False(PublisherIdentity.IsGone(identity.Owner));
    }

    [Fact]
    public void IsGone_ProcessOnThisMachineThatNoLongerRuns_IsTrue() =>
        Assert.True(PublisherIdentity.IsGone($"{Environment.MachineName}/{UnusedPid()}/{Guid.NewGuid():N}"));

    [Fact]
    public void IsGone_AnotherLiveProcessOnThisMachine_IsFalse()
    {
        using var other = Process.GetProcesses().First(p => p.Id != Environment.ProcessId && !HasExited(p));

        Assert.False(PublisherIdentity.IsGone($"{Environment.MachineName}/{other.Id}/{Guid.NewGuid():N}"));
    }

    [Theory]
    [InlineData("some-other-host/1/abc")] // another machine: cannot be checked, so alive
    [InlineData("")]
    [InlineData("crashed-worker")]
    [InlineData("{machine}/12")]
    [InlineData("{machine}/not-a-pid/abc")]
    [InlineData("{machine}/{deadpid}/abc/extra")]
    public void IsGone_AnythingButADeadProcessOnThisMachine_IsFalse(string owner) =>
        Assert.False(PublisherIdentity.IsGone(owner.Replace("{machine}", Environment.MachineName).Replace("{deadpid}", UnusedPid().ToString())));

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>
    /// What a publisher that stopped mid-way leaves: the post and its targets 'publishing' with an attempt id each,
    /// leased to <paramref name="owner"/> until <paramref name="leaseUntil"/>.
    /// </summary>
    internal static async Task<PostDetails> OrphanAsync(SchedulerHarness server, string owner, DateTimeOffset leaseUntil, string text = "Orphaned")
    {
        var created = await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create(text, Platforms), Ct);
        var now = server.Clock.GetUtcNow();
        await server.Store.WriteAsync(async s =>
        {
            var post = created.Post;
            Assert.True(await s.Posts.UpdateAsync(post with { Status = PostStatus.Publishing, Version = post.Version + 1, UpdatedAt = now }, post.Version, Ct));
            foreach (var target in created.Targets)
            {
                await s.Targets.UpdateAsync(target with
                {
                    Status = TargetStatus.Publishing,
                    AttemptCount = 1,
                    AttemptId = $"before-crash-{target.Platform.ToWireName()}",
                    UpdatedAt = now,
                }, Ct);
            }
            Assert.True(await s.Posts.TakeLeaseAsync(post.Id, owner, leaseUntil, Ct));
            return 0;
        }, Ct);
        return await server.GetAsync(created.Post.Id);
    }

    private static Task MarkPublishedAsync(SchedulerHarness server, PostDetails post, Platform platform, DateTimeOffset at) =>
        server.Store.WriteAsync(async s =>
        {
            var target = (await s.Targets.ListForPostAsync(post.Post.Id, Ct)).Single(t => t.Platform == platform);
            await s.Targets.UpdateAsync(target with
            {
                Status = TargetStatus.Published,
                PlatformPostId = $"sbx-{platform.ToWireName()}-done",
                PublicUrl = $"sandbox://{platform.ToWireName()}/done",
                PublishedAt = at,
                UpdatedAt = at,
            }, Ct);
            return 0;
        }, Ct);

    private static async Task AssertRecoveredAsync(SchedulerHarness server, PostDetails orphan, string recoverer)
    {
        var stored = await server.GetAsync(orphan.Post.Id);
        Assert.Equal(PostStatus.Published, stored.Post.Status);
        Assert.Equal(Platforms.Length, server.DeliveriesOf(orphan.Post.Id));
        var events = await server.Posts.GetHistoryAsync(LocalWorkspace.Id, orphan.Post.Id, Ct);
        foreach (var target in stored.Targets)
        {
            Assert.Equal(TargetStatus.Published, target.Status);
            Assert.Equal(2, target.AttemptCount);
            var previous = $"before-crash-{target.Platform.ToWireName()}";
            Assert.NotEqual(previous, target.AttemptId);
            var recovering = Assert.Single(events, e => e.EventType == "target_recovering" && e.Platform == target.Platform);
            Assert.Equal($"previousAttemptId={previous} attemptId={target.AttemptId}", recovering.Detail);
        }
        var now = server.Clock.GetUtcNow();
        Assert.False(await server.Store.ReadAsync(s => s.Posts.HoldsLeaseAsync(orphan.Post.Id, recoverer, now, Ct), Ct));
        Assert.Empty(await server.Store.ReadAsync(s => s.Posts.ListLeaseOwnersAsync(now, Ct), Ct));
    }

    /// <summary>A process id no process on this machine has.</summary>
    internal static int UnusedPid()
    {
        for (var pid = 4_000_000; pid > 1000; pid -= 7919)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
        throw new InvalidOperationException("No unused process id found.");
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return true;
        }
    }
}
