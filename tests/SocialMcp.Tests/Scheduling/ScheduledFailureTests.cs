using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;

namespace SocialMcp.Tests.Scheduling;

/// <summary>A scheduled post that fails the publish-time checks when it fires ends failed, once, instead of looping.</summary>
public sealed class ScheduledFailureTests
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);

    [Fact]
    public async Task FireScheduled_TokenExpiredSinceScheduling_FailsEveryTargetAndReleasesTheLease()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X, Platform.LinkedIn);
        var x = post.Targets.Single(t => t.Platform == Platform.X);
        await server.Store.WriteAsync(s => s.Accounts.MarkTokenExpiredAsync(x.AccountId, Due.AddMinutes(-5), Ct), Ct);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var now = server.Clock.GetUtcNow();
        await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("w1", now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct);

        var fired = await server.Posts.FireScheduledAsync(Ws, post.Post.Id, "w1", Ct);

        Assert.Equal(PostStatus.Failed, fired!.Post.Status);
        var stored = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Failed, stored.Post.Status);
        Assert.All(stored.Targets, t =>
        {
            Assert.Equal(TargetStatus.Failed, t.Status);
            Assert.Equal(ErrorCodes.PlatformNotConnected, t.ErrorCode);
            Assert.False(string.IsNullOrEmpty(t.ErrorMessage));
        });
        Assert.Contains("expired token", stored.Targets.Single(t => t.Platform == Platform.X).ErrorMessage);
        Assert.Empty(server.Sandbox.Deliveries);
        Assert.False(await server.Store.ReadAsync(s => s.Posts.HoldsLeaseAsync(post.Post.Id, "w1", now, Ct), Ct));
        var history = await server.Posts.GetHistoryAsync(Ws, post.Post.Id, Ct);
        var failed = Assert.Single(history, e => e.EventType == "schedule_failed");
        Assert.Equal(("scheduled", "failed"), (failed.FromStatus, failed.ToStatus));
        Assert.Equal(2, history.Count(e => e.EventType == "target_failed"));
    }

    [Fact]
    public async Task Worker_ScheduledPostWithExpiredToken_FailsOnceAndIsNotFiredAgain()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.Store.WriteAsync(s => s.Accounts.MarkTokenExpiredAsync(post.Targets[0].AccountId, Due.AddMinutes(-1), Ct), Ct);
        await server.StartAsync();

        await server.AdvanceAsync(TimeSpan.FromMinutes(10));
        var afterFire = await server.GetAsync(post.Post.Id);
        // Past the lease: a post left scheduled would be claimed and fired again here.
        await server.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal(PostStatus.Failed, afterFire.Post.Status);
        var stored = await server.GetAsync(post.Post.Id);
        Assert.Equal(afterFire.Post.Version, stored.Post.Version);
        Assert.Equal(ErrorCodes.PlatformNotConnected, Assert.Single(stored.Targets).ErrorCode);
        Assert.Null(await server.Store.ReadAsync(s => s.Posts.NextDueAtAsync(server.Clock.GetUtcNow(), Ct), Ct));
        Assert.Single(await server.Posts.GetHistoryAsync(Ws, post.Post.Id, Ct), e => e.EventType == "schedule_failed");
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
    }
}
