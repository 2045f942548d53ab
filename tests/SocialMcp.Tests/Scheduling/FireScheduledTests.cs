using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;

namespace SocialMcp.Tests.Scheduling;

/// <summary>PostService.FireScheduledAsync and the lease SQL, without the worker loop.</summary>
public sealed class FireScheduledTests
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);

    [Fact]
    public async Task FireScheduled_CancelledAfterClaim_SkipsAndReleasesTheLease()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var now = server.Clock.GetUtcNow();
        await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("w1", now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct);

        await server.Posts.CancelAsync(Ws, post.Post.Id, null, Ct);
        var fired = await server.Posts.FireScheduledAsync(Ws, post.Post.Id, "w1", Ct);

        Assert.Null(fired);
        Assert.Equal(PostStatus.Discarded, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Empty(server.Sandbox.Deliveries);
        Assert.False(await server.Store.ReadAsync(s => s.Posts.HoldsLeaseAsync(post.Post.Id, "w1", now, Ct), Ct));
    }

    [Fact]
    public async Task FireScheduled_RescheduledLaterAfterClaim_SkipsThenFiresAtTheNewTime()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var now = server.Clock.GetUtcNow();
        await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("w1", now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct);

        await server.Posts.ScheduleAsync(Ws, post.Post.Id, now.AddHours(1), null, Ct);
        Assert.Null(await server.Posts.FireScheduledAsync(Ws, post.Post.Id, "w1", Ct));
        Assert.Equal(now.AddHours(1), await server.Store.ReadAsync(s => s.Posts.NextDueAtAsync(now, Ct), Ct));

        server.Clock.Advance(TimeSpan.FromHours(1));
        now = server.Clock.GetUtcNow();
        var claimed = await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("w1", now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct);
        var fired = await server.Posts.FireScheduledAsync(Ws, claimed!.PostId, "w1", Ct);
        Assert.Equal(PostStatus.Published, fired!.Post.Status);
        Assert.Equal(1, server.DeliveriesOf(post.Post.Id));
    }

    [Fact]
    public async Task FireScheduled_LeaseHeldByAnotherWorker_Skips()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var now = server.Clock.GetUtcNow();
        await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("w1", now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct);

        Assert.Null(await server.Posts.FireScheduledAsync(Ws, post.Post.Id, "w2", Ct));
        Assert.Empty(server.Sandbox.Deliveries);
        Assert.True(await server.Store.ReadAsync(s => s.Posts.HoldsLeaseAsync(post.Post.Id, "w1", now, Ct), Ct));
    }

    [Fact]
    public async Task ClaimDue_TwoStoresOnOneFileConcurrently_ClaimEachPostOnce()
    {
        await using var a = await SchedulerHarness.CreateAsync();
        await using var b = await a.SecondServerAsync();
        var posts = new HashSet<string>();
        for (var i = 0; i < 30; i++)
            posts.Add((await a.ScheduleNewAsync(Due, Platform.X)).Post.Id);
        a.Clock.Advance(TimeSpan.FromMinutes(10));
        var now = a.Clock.GetUtcNow();

        async Task<List<string>> DrainAsync(SchedulerHarness server, string owner)
        {
            var mine = new List<string>();
            while (await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync(owner, now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct) is { } claimed)
                mine.Add(claimed.PostId);
            return mine;
        }
        var claims = await Task.WhenAll(
            Task.Run(() => DrainAsync(a, "a1")), Task.Run(() => DrainAsync(a, "a2")),
            Task.Run(() => DrainAsync(b, "b1")), Task.Run(() => DrainAsync(b, "b2")));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(posts.Count, all.Count);
        Assert.True(posts.SetEquals(all));
    }

    [Fact]
    public async Task ClaimDue_SeveralAtOnceFromTwoStoresConcurrently_ClaimEachPostOnceOldestFirst()
    {
        await using var a = await SchedulerHarness.CreateAsync();
        await using var b = await a.SecondServerAsync();
        var posts = new List<string>();
        for (var i = 0; i < 30; i++)
            posts.Add((await a.ScheduleNewAsync(Due.AddSeconds(i), Platform.X)).Post.Id);
        a.Clock.Advance(TimeSpan.FromMinutes(11));
        var now = a.Clock.GetUtcNow();

        async Task<List<List<string>>> DrainAsync(SchedulerHarness server, string owner)
        {
            var batches = new List<List<string>>();
            while (await server.Store.WriteAsync(s => s.Posts.ClaimDueAsync(owner, now, now.AddMinutes(5), 7, Ct), Ct) is { Count: > 0 } claimed)
            {
                Assert.True(claimed.Count <= 7);
                batches.Add(claimed.Select(c => c.PostId).ToList());
            }
            return batches;
        }
        var claims = await Task.WhenAll(
            Task.Run(() => DrainAsync(a, "a1")), Task.Run(() => DrainAsync(a, "a2")),
            Task.Run(() => DrainAsync(b, "b1")), Task.Run(() => DrainAsync(b, "b2")));

        var all = claims.SelectMany(c => c).SelectMany(batch => batch).ToList();
        Assert.Equal(posts.Count, all.Count);
        Assert.True(posts.ToHashSet().SetEquals(all));
        // Each statement's posts come back oldest first (the order they are fired in).
        Assert.All(claims.SelectMany(c => c), batch => Assert.Equal(batch.OrderBy(posts.IndexOf), batch));
    }

    [Fact]
    public async Task ClaimDue_LimitAboveWhatIsDue_ClaimsOnlyDuePostsWithTheirLateness()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var first = await server.ScheduleNewAsync(Due, Platform.X);
        var second = await server.ScheduleNewAsync(Due.AddMinutes(1), Platform.X);
        await server.ScheduleNewAsync(Due.AddHours(1), Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(12));
        var now = server.Clock.GetUtcNow();

        var claimed = await server.Store.WriteAsync(s => s.Posts.ClaimDueAsync("w1", now, now.AddMinutes(5), 8, Ct), Ct);

        Assert.Equal([first.Post.Id, second.Post.Id], claimed.Select(c => c.PostId));
        Assert.Equal([Due, Due.AddMinutes(1)], claimed.Select(c => c.ScheduledFor));
        Assert.All(claimed, c => Assert.Null(c.MaxLateness));
        Assert.Empty(await server.Store.WriteAsync(s => s.Posts.ClaimDueAsync("w2", now, now.AddMinutes(5), 8, Ct), Ct));
    }

    [Fact]
    public async Task SummarizeDue_CountsDuePostsAndOldest()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        await server.ScheduleNewAsync(Due, Platform.X);
        await server.ScheduleNewAsync(Due.AddMinutes(5), Platform.X);
        await server.ScheduleNewAsync(Due.AddHours(2), Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(20));

        var summary = await server.Store.ReadAsync(s => s.Posts.SummarizeDueAsync(server.Clock.GetUtcNow(), Ct), Ct);

        Assert.Equal(2, summary.Count);
        Assert.Equal(Due, summary.OldestScheduledFor);
    }
}
