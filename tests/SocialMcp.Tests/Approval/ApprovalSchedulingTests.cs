using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Scheduling;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Approval;

/// <summary>
/// An unapproved post never reaches a platform, even when it is due (issue 16): the scheduler, publish, retry, schedule and
/// update leave a post in awaiting_approval alone; an approved schedule is subject to the lateness rule like any other;
/// withdraw waits too, and cancel_post never discards a live post.
/// </summary>
public sealed class ApprovalSchedulingTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);
    private static readonly ApprovalDecider Person = new(ApprovalChannels.ApprovePost, "api key person") { KeyId = "person" };

    private static Task<SchedulerHarness> HarnessAsync(string required) =>
        SchedulerHarness.CreateAsync(new Dictionary<string, string?> { ["Approvals:Required:0"] = required });

    [Fact]
    public async Task HeldSchedule_TimePassesWhileWaiting_NothingReachesThePlatform_ApprovedTooLate_IsMissed()
    {
        await using var server = await HarnessAsync("schedule");
        var draft = await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Held", Platform.X, Platform.LinkedIn), Ct);
        var held = await server.Posts.HoldScheduleAsync(server.Get<ApprovalPolicy>(), LocalWorkspace.Id, draft.Post.Id, Due, null, null, null, null, null,
            "api key agent", Ct);
        Assert.Equal(PostStatus.AwaitingApproval, held!.Post.Status);
        Assert.Equal((ApprovalAction.Schedule, PostStatus.Draft, Due), (held.Post.Approval!.Action, held.Post.Approval.ReturnStatus, held.Post.Approval.ScheduledFor));
        await server.StartAsync();

        await server.AdvanceAsync(TimeSpan.FromHours(2));

        Assert.Equal(PostStatus.AwaitingApproval, (await server.GetAsync(draft.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(draft.Post.Id));
        // No other path moves it on without a decision.
        var id = draft.Post.Id;
        await AssertRefusedAsync(() => server.Posts.PublishAsync(LocalWorkspace.Id, id, null, Ct));
        await AssertRefusedAsync(() => server.Posts.RetryAsync(LocalWorkspace.Id, id, null, null, Ct));
        await AssertRefusedAsync(() => server.Posts.ScheduleAsync(LocalWorkspace.Id, id, server.Clock.GetUtcNow().AddHours(1), null, Ct));
        await AssertRefusedAsync(() => server.Posts.UpdateAsync(LocalWorkspace.Id, new UpdatePostCommand { PostId = id, Version = held.Post.Version, Content = Drafts.Text("edited") }, Ct));
        await AssertRefusedAsync(() => server.Posts.UnscheduleAsync(LocalWorkspace.Id, id, held.Post.Version, Ct));

        // Approved now: scheduled at the time asked, which is further back than the lateness allows, so it is missed.
        await server.SettleAsync(() => server.Posts.ApproveScheduleAsync(LocalWorkspace.Id, id, Person, Ct));

        var after = await server.GetAsync(id);
        Assert.Equal(PostStatus.Missed, after.Post.Status);
        Assert.Null(after.Post.Approval);
        Assert.Equal(0, server.DeliveriesOf(id));
        var events = await server.Posts.GetHistoryAsync(LocalWorkspace.Id, id, Ct);
        Assert.Equal(["created", "approval_requested", "approval_granted", "post_missed"], events.Select(e => e.EventType));
        Assert.Contains("channel=approve_post by=api key person", events[2].Detail);
    }

    [Fact]
    public async Task HeldSchedule_ApprovedBeforeItsTime_FiresAtItsTime()
    {
        await using var server = await HarnessAsync("schedule");
        var draft = await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Held", Platform.X, Platform.LinkedIn), Ct);
        await server.Posts.HoldScheduleAsync(server.Get<ApprovalPolicy>(), LocalWorkspace.Id, draft.Post.Id, Due, null, null, null, null,
            TimeSpan.FromMinutes(5), "api key agent", Ct);
        await server.StartAsync();
        // Nothing is due, so the worker sleeps through this.
        server.Clock.Advance(TimeSpan.FromMinutes(5));

        await server.SettleAsync(() => server.Posts.ApproveScheduleAsync(LocalWorkspace.Id, draft.Post.Id, Person, Ct));
        var scheduled = await server.GetAsync(draft.Post.Id);
        await server.AdvanceAsync(TimeSpan.FromMinutes(5));

        Assert.Equal((PostStatus.Scheduled, Due, TimeSpan.FromMinutes(5)), (scheduled.Post.Status, scheduled.Post.ScheduledFor, scheduled.Post.MaxLateness));
        Assert.Equal(PostStatus.Published, (await server.GetAsync(draft.Post.Id)).Post.Status);
        Assert.Equal(2, server.DeliveriesOf(draft.Post.Id));
        var audit = await server.Store.ReadAsync(s => s.Audit.ListAsync(LocalWorkspace.Id, 10, Ct), Ct);
        var row = Assert.Single(audit);
        Assert.Equal(("approval:approve_post", "person", $"approved schedule post={draft.Post.Id}"), (row.Tool, row.KeyId, row.Outcome));
    }

    [Fact]
    public async Task HeldPublishOfAScheduledPost_ItsTimePasses_NeverFires_CancelDiscardsIt()
    {
        await using var server = await HarnessAsync("publish");
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        var held = await server.Posts.HoldPublishAsync(server.Get<ApprovalPolicy>(), LocalWorkspace.Id, new PublishPostCommand(post.Post.Id), "api key agent", Ct);
        await server.StartAsync();

        // The worker wakes at its hourly re-check: the post is 50 minutes late, within its lateness, and would fire if it could.
        await server.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal((ApprovalAction.Publish, PostStatus.Scheduled), (held!.Post.Approval!.Action, held.Post.Approval.ReturnStatus));
        Assert.Equal(PostStatus.AwaitingApproval, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
        var discarded = await server.Posts.CancelAsync(LocalWorkspace.Id, post.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Discarded, discarded.Post.Status);
        Assert.Null(discarded.Post.Approval);
    }

    [Fact]
    public async Task HeldWithdraw_StaysLiveUntilApproved_RejectReturnsToPublished_ApproveTakesItDown()
    {
        await using var server = await HarnessAsync("withdraw");
        var draft = await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Live", Platform.X), Ct);
        await server.Posts.PublishAsync(LocalWorkspace.Id, draft.Post.Id, null, Ct);
        var policy = server.Get<ApprovalPolicy>();
        var id = draft.Post.Id;

        var held = await server.Posts.HoldWithdrawAsync(policy, LocalWorkspace.Id, id, null, null, "api key agent", Ct);
        Assert.Equal((PostStatus.AwaitingApproval, PostStatus.Published), (held!.Post.Status, held.Post.Approval!.ReturnStatus));
        await AssertRefusedAsync(() => server.Posts.CancelAsync(LocalWorkspace.Id, id, null, Ct));
        var rejected = await server.Posts.RejectAsync(LocalWorkspace.Id, id, "Keep it up", Person with { Channel = ApprovalChannels.RejectPost }, Ct);
        Assert.Equal(PostStatus.Published, rejected.Post.Status);
        Assert.All(rejected.Targets, t => Assert.Equal(TargetStatus.Published, t.Status));

        await server.Posts.HoldWithdrawAsync(policy, LocalWorkspace.Id, id, null, null, "api key agent", Ct);
        var withdrawn = await server.Posts.ApproveWithdrawAsync(LocalWorkspace.Id, id, Person, Ct);

        Assert.Equal(PostStatus.Withdrawn, withdrawn.Post.Post.Status);
        var events = (await server.Posts.GetHistoryAsync(LocalWorkspace.Id, id, Ct)).Select(e => e.EventType).ToList();
        Assert.Contains("approval_rejected", events);
        Assert.True(events.IndexOf("approval_granted") < events.IndexOf("withdraw_finished"));
    }

    [Fact]
    public async Task RejectAsync_BlankReason_IsRefusedAtReason_AndNotAwaiting_IsRefusedNamingTheStatus()
    {
        await using var server = await HarnessAsync("publish");
        var draft = await server.Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Plain", Platform.X), Ct);

        var notAwaiting = await Assert.ThrowsAsync<ConflictException>(() => server.Posts.RejectAsync(LocalWorkspace.Id, draft.Post.Id, "no", Person, Ct));
        var blank = await Assert.ThrowsAsync<DomainValidationException>(() => server.Posts.RejectAsync(LocalWorkspace.Id, draft.Post.Id, " ", Person, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, notAwaiting.Problem.Code);
        Assert.Contains("'draft'", notAwaiting.Problem.Message);
        Assert.Equal("$.reason", Assert.Single(blank.Problems).Path);
    }

    [Fact]
    public void Options_UnknownActionAnywhere_IsRefusedWithThePathAndTheKnownNames()
    {
        var options = new ApprovalOptions
        {
            Required = ["publish", "post"],
            PlatformSets = new(StringComparer.OrdinalIgnoreCase) { ["Client A"] = new() { Required = ["delete"] } },
        };

        var problems = options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.Equal(2, problems.Count);
        Assert.Contains("Approvals:Required:1 is 'post'", problems[0]);
        Assert.Contains("publish, schedule or withdraw", problems[0]);
        Assert.Contains("Approvals:PlatformSets:Client A:Required:0 is 'delete'", problems[1]);
    }

    [Fact]
    public void Policy_APlatformSetsOwnList_ReplacesTheWorkspaceList_ByNameOrId()
    {
        var policy = new ApprovalPolicy(Microsoft.Extensions.Options.Options.Create(new ApprovalOptions
        {
            Required = ["publish"],
            PlatformSets = new(StringComparer.OrdinalIgnoreCase) { ["Client A"] = new() { Required = ["Withdraw"] }, ["set-2"] = new() },
        }));
        var clientA = new PlatformSet("set-1", LocalWorkspace.Id, "Client A", false, SchedulerHarness.Start);
        var second = new PlatformSet("set-2", LocalWorkspace.Id, "Second", false, SchedulerHarness.Start);
        var other = new PlatformSet("set-3", LocalWorkspace.Id, "Other", true, SchedulerHarness.Start);

        Assert.True(policy.Requires(ApprovalAction.Withdraw, clientA));
        Assert.False(policy.Requires(ApprovalAction.Publish, clientA));
        Assert.False(policy.Requires(ApprovalAction.Publish, second));
        Assert.True(policy.Requires(ApprovalAction.Publish, other));
        Assert.False(policy.Requires(ApprovalAction.Schedule, other));
    }

    private static async Task AssertRefusedAsync(Func<Task> action)
    {
        var refused = await Assert.ThrowsAsync<ConflictException>(action);
        Assert.Equal(ErrorCodes.InvalidStatusTransition, refused.Problem.Code);
    }
}
