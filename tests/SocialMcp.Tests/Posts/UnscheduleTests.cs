using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Scheduling;

namespace SocialMcp.Tests.Posts;

/// <summary>unschedule_post in the post service: back to draft while nothing has started, and its race with the scheduler.</summary>
public sealed class UnscheduleTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);

    [Fact]
    public async Task ScheduledPost_GoesBackToDraft_WithItsTimeCleared_AndNeverFires()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.StartAsync();

        var draft = await server.Posts.UnscheduleAsync(LocalWorkspace.Id, post.Post.Id, post.Post.Version, Ct);

        Assert.Equal(PostStatus.Draft, draft.Post.Status);
        Assert.Null(draft.Post.ScheduledFor);
        Assert.Equal(post.Post.Version + 1, draft.Post.Version);
        Assert.Equal(post.Post.Content.Text, draft.Post.Content.Text);
        var evt = Assert.Single(await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct), e => e.EventType == "unscheduled");
        Assert.Equal($"scheduledFor={Due.ToUniversalTime():O}", evt.Detail);
        await server.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(PostStatus.Draft, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
    }

    [Fact]
    public async Task StaleVersion_IsAVersionConflict_AndChangesNothing()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => server.Posts.UnscheduleAsync(LocalWorkspace.Id, post.Post.Id, post.Post.Version + 1, Ct));

        Assert.Equal(ErrorCodes.VersionConflict, ex.Problem.Code);
        Assert.Equal(PostStatus.Scheduled, (await server.GetAsync(post.Post.Id)).Post.Status);
    }

    [Fact]
    public async Task DraftOrPublishedPost_IsRefusedWithAHint()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var draft = await server.Posts.CreateAsync(LocalWorkspace.Id, Support.Drafts.Create("Draft", Platform.X), Ct);
        var published = await server.Posts.PublishAsync(LocalWorkspace.Id,
            (await server.Posts.CreateAsync(LocalWorkspace.Id, Support.Drafts.Create("Out", Platform.X), Ct)).Post.Id, null, Ct);

        var notScheduled = await Assert.ThrowsAsync<ConflictException>(() => server.Posts.UnscheduleAsync(LocalWorkspace.Id, draft.Post.Id, draft.Post.Version, Ct));
        var live = await Assert.ThrowsAsync<ConflictException>(() => server.Posts.UnscheduleAsync(LocalWorkspace.Id, published.Post.Id, published.Post.Version, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, notScheduled.Problem.Code);
        Assert.Equal("$.postId", notScheduled.Problem.Path);
        Assert.Contains("already a draft", notScheduled.Problem.Hint);
        Assert.Equal(ErrorCodes.InvalidStatusTransition, live.Problem.Code);
        Assert.Contains("withdraw_post", live.Problem.Hint);
        Assert.Equal(1, server.DeliveriesOf(published.Post.Id));
    }

    [Fact]
    public async Task MissedPost_GoesBackToDraft()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromHours(3));
        await server.StartAsync();
        var missed = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Missed, missed.Post.Status);

        var draft = await server.Posts.UnscheduleAsync(LocalWorkspace.Id, post.Post.Id, missed.Post.Version, Ct);

        Assert.Equal(PostStatus.Draft, draft.Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
    }

    /// <summary>
    /// Each round a post comes due while unschedule_post is called at the same moment from another task. The scheduler's
    /// claim and the unschedule each re-check the status in their own write transaction: exactly one of them wins.
    /// </summary>
    [Fact]
    public async Task UnscheduleRacingTheScheduler_EitherADraftAndNothingPublished_OrPublishedAndTheUnscheduleRefused()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        await server.StartAsync();
        var (unscheduledWins, schedulerWins) = (0, 0);
        for (var round = 0; round < 40; round++)
        {
            var due = server.Clock.GetUtcNow().AddMinutes(2);
            string postId = "";
            int version = 0;
            await server.SettleAsync(async () =>
            {
                var post = await server.Posts.CreateAsync(LocalWorkspace.Id,
                    Support.Drafts.Create($"Round {round}", Platform.X) with { ScheduledFor = due }, Ct);
                (postId, version) = (post.Post.Id, post.Post.Version);
            });

            var slept = server.Status.NextSleep;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var unschedule = Task.Run(async () =>
            {
                await start.Task;
                // Spread the moment across rounds: sometimes before the worker's claim, sometimes during or after it.
                for (var i = 0; i < round % 8; i++)
                    await Task.Yield();
                return await server.Posts.UnscheduleAsync(LocalWorkspace.Id, postId, version, Ct);
            });
            start.SetResult();
            server.Clock.Advance(TimeSpan.FromMinutes(2));

            Exception? refused = null;
            try
            {
                await unschedule;
            }
            catch (ConflictException ex)
            {
                refused = ex;
            }
            await slept.WaitAsync(TimeSpan.FromSeconds(30));
            var final = await SettledAsync(server, postId);
            var deliveries = server.DeliveriesOf(postId);

            if (refused is null)
            {
                Assert.Equal(PostStatus.Draft, final.Post.Status);
                Assert.Equal(0, deliveries);
                unscheduledWins++;
            }
            else
            {
                Assert.Equal(ErrorCodes.InvalidStatusTransition, ((ConflictException)refused).Problem.Code);
                Assert.Equal(PostStatus.Published, final.Post.Status);
                Assert.Equal(1, deliveries);
                schedulerWins++;
            }
        }
        Assert.Equal(40, unscheduledWins + schedulerWins);
    }

    // A refused unschedule means the scheduler's publish is under way: let it finish (it sleeps again once done).
    private static async Task<PostDetails> SettledAsync(SchedulerHarness server, string postId)
    {
        for (var i = 0; i < 20; i++)
        {
            var post = await server.GetAsync(postId);
            if (post.Post.Status is not (PostStatus.Publishing or PostStatus.Scheduled))
                return post;
            await server.SettleAsync(() =>
            {
                server.Get<Core.Scheduling.SchedulerSignal>().Poke();
                return Task.CompletedTask;
            });
        }
        return await server.GetAsync(postId);
    }
}
