using SocialMcp.Core.Domain;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Scheduling;

public sealed class SchedulerWorkerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);

    [Fact]
    public async Task Worker_PostComesDue_SleepsUntilDueTimeThenPublishesEveryTarget()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X, Platform.LinkedIn);

        await server.StartAsync();

        Assert.Equal(Due, server.Status.SleepingUntil);
        Assert.Equal(PostStatus.Scheduled, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));

        await server.AdvanceAsync(TimeSpan.FromMinutes(10));

        var fired = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Published, fired.Post.Status);
        Assert.All(fired.Targets, t => Assert.Equal(TargetStatus.Published, t.Status));
        Assert.Equal(2, server.DeliveriesOf(post.Post.Id));
        Assert.All(server.Sandbox.Deliveries, d => Assert.Equal(Due, d.At));
    }

    [Fact]
    public async Task Worker_PostScheduledWhileSleeping_IsWokenAndFiresAtItsTime()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        await server.StartAsync();
        Assert.Equal(SchedulerHarness.Start.AddHours(1), server.Status.SleepingUntil);

        var when = SchedulerHarness.Start.AddMinutes(2);
        string postId = "";
        await server.SettleAsync(async () => postId = (await server.ScheduleNewAsync(when, Platform.X)).Post.Id);

        Assert.Equal(when, server.Status.SleepingUntil);
        await server.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(PostStatus.Published, (await server.GetAsync(postId)).Post.Status);
        Assert.Equal(1, server.DeliveriesOf(postId));
    }

    [Fact]
    public async Task Worker_RestartWithOverduePosts_FiresEachOnce()
    {
        await using var first = await SchedulerHarness.CreateAsync();
        var posts = new List<string>();
        for (var i = 0; i < 3; i++)
            posts.Add((await first.ScheduleNewAsync(Due.AddMinutes(i), Platform.X, Platform.Threads)).Post.Id);
        first.Clock.Advance(TimeSpan.FromHours(1)); // the server was down while they came due

        await first.StartAsync();
        await first.StopAsync();
        await using var restarted = await first.SecondServerAsync();
        await restarted.StartAsync();

        foreach (var id in posts)
        {
            Assert.Equal(PostStatus.Published, (await first.GetAsync(id)).Post.Status);
            Assert.Equal(2, first.DeliveriesOf(id));
        }
        Assert.Empty(restarted.Sandbox.Deliveries);
    }

    [Fact]
    public async Task Worker_PostCancelledBeforeDue_IsNotPublished()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.StartAsync();

        await server.SettleAsync(() => server.Posts.CancelAsync(LocalWorkspace.Id, post.Post.Id, null, Ct));
        Assert.Equal(SchedulerHarness.Start.AddHours(1), server.Status.SleepingUntil);
        await server.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal(PostStatus.Discarded, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Empty(server.Sandbox.Deliveries);
    }

    [Fact]
    public async Task CreatingADraft_DoesNotWakeTheScheduler_CreatingAScheduledPostDoes()
    {
        // Each wake is a whole pass (about ten queries): a stream of drafts must not run one per draft.
        await using var server = await SchedulerHarness.CreateAsync();
        var signal = server.Get<SchedulerSignal>();

        var beforeDraft = signal.NextPoke;
        await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("a draft is never due", Platform.X), Ct);
        Assert.False(beforeDraft.IsCompleted);

        await server.ScheduleNewAsync(Due, Platform.X);
        Assert.True(beforeDraft.IsCompleted);
    }

    [Fact]
    public async Task Worker_PostRescheduledLater_IsNotFiredEarly()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.StartAsync();
        var later = SchedulerHarness.Start.AddMinutes(30);

        await server.SettleAsync(() => server.Posts.ScheduleAsync(LocalWorkspace.Id, post.Post.Id, later, null, Ct));
        Assert.Equal(later, server.Status.SleepingUntil);
        server.Clock.Advance(TimeSpan.FromMinutes(10)); // the old due time passes: no timer is set for it
        await server.SettleAsync(() => { server.Get<SchedulerSignal>().Poke(); return Task.CompletedTask; });

        Assert.Equal(PostStatus.Scheduled, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Empty(server.Sandbox.Deliveries);

        await server.AdvanceAsync(TimeSpan.FromMinutes(20));
        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(1, server.DeliveriesOf(post.Post.Id));
    }

    [Fact]
    public async Task Worker_LeaseOfCrashedWorker_IsTakenOverWhenItRunsOut()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        var now = server.Clock.GetUtcNow();
        var claimed = await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("crashed-worker", now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct);
        Assert.Equal(post.Post.Id, claimed?.PostId);

        await server.StartAsync();
        Assert.Equal(now.AddMinutes(5), server.Status.SleepingUntil);
        Assert.Empty(server.Sandbox.Deliveries);

        await server.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(1, server.DeliveriesOf(post.Post.Id));
    }

    [Fact]
    public async Task Worker_LeaseOfAProcessThatIsGone_IsTakenOverAtOnce()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        var now = server.Clock.GetUtcNow();
        // A process on this machine that no longer runs (the owner shape is {machine}/{pid}/{random}).
        var gone = $"{Environment.MachineName}/{UnusedProcessId()}/dead";
        await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync(gone, now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct);

        await server.StartAsync();

        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(1, server.DeliveriesOf(post.Post.Id));
    }

    private static int UnusedProcessId()
    {
        var used = System.Diagnostics.Process.GetProcesses().Select(p => p.Id).ToHashSet();
        return Enumerable.Range(400_000, 10_000).First(pid => !used.Contains(pid));
    }

    [Fact]
    public async Task Workers_TwoServersOnOneDatabase_NeverFireAPostTwice()
    {
        var settings = new Dictionary<string, string?> { ["Scheduling:MaxConcurrentPosts"] = "2" };
        await using var a = await SchedulerHarness.CreateAsync(settings);
        await using var b = await a.SecondServerAsync(settings);
        var posts = new List<string>();
        for (var i = 0; i < 20; i++)
            posts.Add((await a.ScheduleNewAsync(Due, Platform.X, Platform.LinkedIn)).Post.Id);
        a.Clock.Advance(TimeSpan.FromMinutes(15));

        // Both start at once, on pool threads, racing for the same 20 due posts.
        await Task.WhenAll(Task.Run(a.StartAsync), Task.Run(b.StartAsync));

        foreach (var id in posts)
        {
            Assert.Equal(PostStatus.Published, (await a.GetAsync(id)).Post.Status);
            Assert.Equal(2, a.DeliveriesOf(id) + b.DeliveriesOf(id));
        }
        Assert.Equal(40, a.Sandbox.Deliveries.Count + b.Sandbox.Deliveries.Count);
    }
}
