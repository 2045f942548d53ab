using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Telemetry;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Publishing, as a ledger. (1) Claim: in one transaction the post moves to <c>publishing</c>, each chosen target to
/// <c>publishing</c> with a fresh attempt id, and the post is leased to this process (<see cref="PublishLedger"/>). (2) Each
/// target is published outside any transaction (<see cref="TargetRun"/>); adapters store their intermediate handles before
/// every creating call. (3) Each outcome is written with its status change — the last target's by the finish transaction
/// (<see cref="OutcomeHandOff"/>). (4) The post's status sums its targets, and the lease is given up. While (2) runs, the lease is renewed (<see cref="LeaseKeeper"/>); a post left in <c>publishing</c> by a
/// process that stopped is taken over by <see cref="RecoverAsync"/>, which publishes its unfinished targets again — the
/// adapters reconcile from their handles, so nothing is posted twice, and a target the platform cannot account for becomes
/// <c>needs_reconciliation</c>. This type only orders the steps; <see cref="PostService"/> is its caller.
/// </summary>
public sealed class PublishingEngine(
    PublishLedger ledger, TargetRun targetRun, AllOrNothingRollback rollback, LeaseKeeper leases,
    IPostChangeNotifier changeNotifier, ISchedulerSignal schedulerSignal, ILogger<PublishingEngine> logger)
{
    /// <summary>Posts this process is publishing (steps 2–4) right now, which <see cref="RecoverAsync"/> leaves alone.</summary>
    private readonly ConcurrentDictionary<string, byte> _publishingHere = new();

    /// <summary>Claims the post's targets and publishes them; a repeated idempotency key answers the post as it is now.</summary>
    public async Task<PostDetails> PublishAsync(
        string workspaceId, PublishRequestSpec spec, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var claim = await ledger.ClaimAsync(workspaceId, spec, cancellationToken);
        if (claim.Replayed is not null)
            return claim.Replayed;

        changeNotifier.PostChanged(workspaceId, spec.PostId);
        progress?.Report(new PublishProgress(0, claim.Jobs.Count, null,
            $"Publishing to {string.Join(", ", claim.Jobs.Select(j => j.Target.Platform.ToWireName()))}."));
        return await CompleteAsync(claim, progress, cancellationToken);
    }

    /// <summary>
    /// Publishes a scheduled post the scheduler has leased, through the same claim, publish and finish as publish_post.
    /// Null (and the lease given up) when the post was cancelled, rescheduled to later or taken over meanwhile.
    /// </summary>
    public async Task<PostDetails?> FireScheduledAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken)
    {
        try
        {
            return await PublishAsync(workspaceId, new PublishRequestSpec { PostId = postId, LeaseOwner = leaseOwner }, progress: null, cancellationToken);
        }
        catch (NoLongerDueException)
        {
            await ledger.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken);
            return null;
        }
        catch (DomainValidationException invalid)
        {
            // The publish-time checks failed (an expired token, a rule that now fails): firing again would fail the same way,
            // so the post fails now instead of being retried every time its lease runs out.
            return await FailScheduledAsync(workspaceId, postId, leaseOwner, invalid.Problems, cancellationToken);
        }
        catch (LimitReachedException limit)
        {
            // An all_or_nothing pre-check found a target that cannot go out in time: the same, for the same reason.
            return await FailScheduledAsync(workspaceId, postId, leaseOwner, [limit.Problem], cancellationToken);
        }
    }

    /// <summary>
    /// The scheduler's one automatic retry of a post's rate-limited targets at the platform's reset, through the same claim,
    /// publish and finish as retry_post. Null (the retry given up, the lease released) when the post moved on meanwhile —
    /// retried, discarded, withdrawn — or its publish-time checks now fail: the targets stay failed for the agent to act on.
    /// </summary>
    public async Task<PostDetails?> AutoRetryAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken)
    {
        try
        {
            return await PublishAsync(workspaceId, new PublishRequestSpec { PostId = postId, LeaseOwner = leaseOwner, Retry = true, Automatic = true },
                progress: null, cancellationToken);
        }
        catch (Exception ex) when (ex is NoLongerDueException or SocialMcpException)
        {
            logger.LogInformation("Automatic retry of post {PostId} given up: {Reason}", postId, ex is SocialMcpException problem ? problem.Problem.Code : "no longer due");
            await ledger.AbandonAutoRetryAsync(postId, leaseOwner, cancellationToken);
            return null;
        }
    }

    /// <summary>
    /// Finishes a post whose publisher stopped mid-way (its lease, now held by <paramref name="leaseOwner"/>, was taken over):
    /// every target still <c>publishing</c> gets a new attempt, and its adapter asks the platform what the earlier attempt did
    /// before creating anything. Null when the post is not this owner's to recover.
    /// </summary>
    public async Task<PostDetails?> RecoverAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken)
    {
        // Its publisher has not stopped: it is this process, whose lease lapsed while it was suspended or stalled. Its
        // heartbeat renews the lease again (the owner is the same); a second attempt now would publish the targets twice.
        if (_publishingHere.ContainsKey(postId))
        {
            logger.LogWarning("The lease on post {PostId} lapsed while this process was still publishing it; left to that publish", postId);
            return null;
        }
        var claim = await ledger.ResumeAsync(workspaceId, postId, leaseOwner, cancellationToken);
        if (claim is null)
            return null;

        logger.LogWarning("Recovering post {PostId}: {Count} target(s) were publishing when their publisher stopped",
            postId, claim.Jobs.Count);
        return await CompleteAsync(claim, progress: null, cancellationToken);
    }

    private async Task<PostDetails?> FailScheduledAsync(
        string workspaceId, string postId, string leaseOwner, IReadOnlyList<Problem> problems, CancellationToken cancellationToken)
    {
        var failed = await ledger.FailScheduledAsync(workspaceId, postId, leaseOwner, problems, cancellationToken);
        if (failed is not null)
            changeNotifier.PostChanged(workspaceId, postId);
        return failed;
    }

    /// <summary>Steps 2–4: publish each target under the renewed lease, roll back if the policy says so, sum up, release.</summary>
    private async Task<PostDetails> CompleteAsync(PublishClaim claim, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        _publishingHere[claim.Post.Id] = 0;
        // Telemetry: the span each target's span (and its platform calls) nests under.
        using var activity = StartPublishActivity(claim);
        try
        {
            var finished = await CompleteHereAsync(claim, progress, cancellationToken);
            activity?.SetTag(SocialMcpTelemetry.Tags.Status, finished.Post.Status.ToWireName());
            return finished;
        }
        finally
        {
            _publishingHere.TryRemove(claim.Post.Id, out _);
        }
    }

    private async Task<PostDetails> CompleteHereAsync(PublishClaim claim, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var post = claim.Post;
        // all_or_nothing reads every outcome back for its rollback before the finish: each target writes its own.
        var handOff = post.Policy == PublishPolicy.AllOrNothing ? null : new OutcomeHandOff(claim.Jobs.Count);
        await using (leases.StartHeartbeat(post.Id, claim.Owner))
        {
            var completed = 0;
            try
            {
                await Task.WhenAll(claim.Jobs.Select(async job =>
                {
                    using var targetActivity = StartTargetActivity(job.Target.Platform);
                    PostTarget done;
                    using (var ticket = handOff?.TicketForTarget())
                        done = await targetRun.RunAsync(post, job.Target, job.Account, claim.Deadline, progress, ticket, cancellationToken);
                    EndTargetActivity(targetActivity, done);
                    var count = Interlocked.Increment(ref completed);
                    progress?.Report(new PublishProgress(count, claim.Jobs.Count, done, DescribeOutcome(done)));
                }));
            }
            catch when (handOff?.Pending is { } pending)
            {
                // Another target failed outright, so there is no finish now: the handed-off outcome is written by itself.
                await RecordHandedOffAsync(pending);
                throw;
            }
        }

        var rolledBack = post.Policy == PublishPolicy.AllOrNothing ? await rollback.RollBackIfIncompleteAsync(post, cancellationToken) : null;
        var finished = await ledger.FinishAsync(claim, rolledBack, handOff?.Pending, cancellationToken);
        changeNotifier.PostChanged(post.WorkspaceId, post.Id);
        // An automatic retry is now due at the reset: the scheduler, asleep until its next known time, reads it again.
        if (finished.Post.AutoRetryAt is not null)
            schedulerSignal.Poke();
        return finished;
    }

    private async Task RecordHandedOffAsync(SettledOutcome pending)
    {
        try
        {
            await targetRun.RecordHandedOffAsync(pending, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The target stays publishing under the lease; its recovery reads what the platform did from the handles.
            logger.LogWarning(ex, "Post {PostId}: the outcome on {Platform} could not be stored; the post is recovered when its lease runs out",
                pending.Post.Id, pending.Target.Platform.ToWireName());
        }
    }

    // Telemetry (docs/telemetry.md). Tags name the post and platforms, never the post's text or an account's token.
    private static readonly ConcurrentDictionary<Platform, string> TargetSpanNames = new();

    private static Activity? StartPublishActivity(PublishClaim claim)
    {
        if (!SocialMcpTelemetry.Source.HasListeners())
            return null;
        var activity = SocialMcpTelemetry.Source.StartActivity(SocialMcpTelemetry.Spans.Publish);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SocialMcpTelemetry.Tags.PostId, claim.Post.Id);
            activity.SetTag(SocialMcpTelemetry.Tags.Workspace, claim.Post.WorkspaceId);
            activity.SetTag(SocialMcpTelemetry.Tags.Platforms, string.Join(",", claim.Jobs.Select(j => j.Target.Platform.ToWireName())));
        }
        return activity;
    }

    private static Activity? StartTargetActivity(Platform platform)
    {
        if (!SocialMcpTelemetry.Source.HasListeners())
            return null;
        var name = TargetSpanNames.GetOrAdd(platform, static p => $"{SocialMcpTelemetry.Spans.PublishTarget} {p.ToWireName()}");
        var activity = SocialMcpTelemetry.Source.StartActivity(name);
        activity?.SetTag(SocialMcpTelemetry.Tags.Platform, platform.ToWireName());
        return activity;
    }

    private static void EndTargetActivity(Activity? activity, PostTarget done)
    {
        if (activity is null)
            return;
        activity.SetTag(SocialMcpTelemetry.Tags.Status, done.Status.ToWireName());
        var live = done.Status is TargetStatus.Published or TargetStatus.InReview;
        activity.SetTag(SocialMcpTelemetry.Tags.Outcome, live ? done.Status.ToWireName() : done.ErrorCode ?? done.Status.ToWireName());
        if (done.Status is TargetStatus.Failed or TargetStatus.NeedsReconciliation)
            activity.SetStatus(ActivityStatusCode.Error, done.ErrorCode ?? done.Status.ToWireName());
    }

    private static string DescribeOutcome(PostTarget target) => target.Status switch
    {
        TargetStatus.Published or TargetStatus.InReview =>
            $"{target.Platform.ToWireName()}: {target.Status.ToWireName()}" + (target.PublicUrl is null ? "" : $" {target.PublicUrl}"),
        TargetStatus.NeedsReconciliation => $"{target.Platform.ToWireName()}: needs_reconciliation — {target.ErrorMessage}",
        _ => $"{target.Platform.ToWireName()}: {target.Status.ToWireName()} {target.ErrorCode}",
    };
}
