using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation;

namespace SocialMcp.Core.Publishing;

/// <summary>What a publish is asked to do: which post, at which version, which targets, for whom.</summary>
public sealed record PublishRequestSpec
{
    public required string PostId { get; init; }
    public int? Version { get; init; }
    /// <summary>Only these platforms' targets (retry_post); null: every target that can go.</summary>
    public IReadOnlyList<Platform>? Requested { get; init; }
    /// <summary>retry_post: only failed targets, of a partial or failed post.</summary>
    public bool Retry { get; init; }
    /// <summary>The scheduler's lease owner when it fires a scheduled post; null for a publish by hand (this process's identity).</summary>
    public string? LeaseOwner { get; init; }
    /// <summary>
    /// The scheduler's one automatic retry at a rate limit's reset (with <see cref="LeaseOwner"/>): only the rate-limited
    /// targets go again, and a failure of this retry schedules no other.
    /// </summary>
    public bool Automatic { get; init; }
    public string? PlanHash { get; init; }
    public (string Key, string RequestHash)? Idempotency { get; init; }

    /// <summary>
    /// Approval (issue 16): approve_post or the client's answer releasing a held publish. Runs first in the claim's
    /// transaction on the post as loaded and returns it as the claim should see it (back in its earlier status), so the
    /// decision is recorded exactly when the publish starts: a claim that fails leaves the post awaiting approval.
    /// </summary>
    public Func<IStoreSession, Post, CancellationToken, Task<Post>>? Approve { get; init; }
}

/// <summary>A claimed target and the account it goes out through.</summary>
public sealed record PublishJob(PostTarget Target, Account Account);

/// <summary>
/// What a claim transaction decided: the post as claimed, the targets to publish, until when limits may be waited for and
/// who holds the lease — or, for a repeated idempotency key, the post as it is now and nothing to do.
/// </summary>
public sealed record PublishClaim(Post Post, IReadOnlyList<PublishJob> Jobs, DateTimeOffset Deadline, string Owner, PostDetails? Replayed)
{
    /// <summary>The scheduler's automatic retry (<see cref="PublishRequestSpec.Automatic"/>): its failures schedule no other.</summary>
    public bool Automatic { get; init; }
}

/// <summary>Thrown inside the scheduler's claim transaction (rolling it back) when the leased post is no longer due.</summary>
internal sealed class NoLongerDueException : Exception;

/// <summary>
/// The post-level transactions of the ledger: (1) claim — checks, post and targets to <c>publishing</c>, the lease taken;
/// resume a post whose publisher stopped; fail a scheduled post that cannot go out; (4) finish — the post's status summed
/// from its targets and the lease given up. Each is one transaction; the targets in between are <see cref="TargetRun"/>'s.
/// </summary>
public sealed class PublishLedger(
    IStore store, PostValidator validator, PostChanges changes, DailyCaps caps, PublisherIdentity identity, TargetRecorder recorder,
    IOptions<SchedulingOptions> scheduling, TimeProvider time)
{
    public Task<PublishClaim> ClaimAsync(string workspaceId, PublishRequestSpec spec, CancellationToken cancellationToken)
    {
        var owner = spec.LeaseOwner ?? identity.Owner;
        return store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            // A repeated key answers before any check: the post has moved on since the first call (its version too).
            if (spec.Idempotency is { } repeat
                && await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.PublishPost, repeat.Key, cancellationToken) is { } stored)
            {
                IdempotencyKeys.EnsureSameRequest(stored, repeat.RequestHash);
                var (first, firstTargets) = await PostChanges.LoadAsync(session, workspaceId, stored.PostId, cancellationToken);
                return new PublishClaim(first, [], now, owner, new PostDetails(first, firstTargets, Replayed: true));
            }

            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, spec.PostId, cancellationToken);
            // Approval (issue 16): the held publish goes on from the status the post had before it waited.
            if (spec.Approve is { } approve)
                post = await approve(session, post, cancellationToken);
            // The scheduler re-checks inside this transaction: cancel_post and update_post win until a target starts.
            if (spec.LeaseOwner is not null && (!IsDue(post, spec.Automatic, now)
                    || !await session.Posts.HoldsLeaseAsync(post.Id, spec.LeaseOwner, now, cancellationToken)))
                throw new NoLongerDueException();
            PostChanges.EnsureVersion(post, spec.Version);
            // Issue 15: a live target whose first comment failed is retried for that comment alone, never re-posted.
            var commentsOwed = spec.Retry && !spec.Automatic && targets.Any(t => CommentRetryable(post, t, now));
            if (spec.Retry && post.Status is not (PostStatus.Partial or PostStatus.Failed) && !(post.Status == PostStatus.Published && commentsOwed))
                throw Problems.InvalidTransition(post.Status, "retry", "partial, failed, or published with a first comment that failed");
            if (!spec.Retry)
                PublishChecks.EnsurePublishable(post, targets);
            PostPlan.EnsureUnchanged(post, spec.PlanHash);

            var chosen = spec.Automatic ? ChooseRateLimitedTargets(post, targets) : ChooseTargetsToPublish(post, targets, spec.Requested, spec.Retry, now);
            // Only comments to send: the post keeps its status (published, partial) and no target goes back to publishing.
            var republishes = chosen.Where(t => !t.Status.IsLive()).ToList();
            var commentsOnly = spec.Retry && chosen.Count > 0 && republishes.Count == 0;
            if (!commentsOnly)
                PostChanges.EnsureCanMove(post, PostStatus.Publishing, spec.Retry ? "retry" : "publish");
            var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            var chosenPlatforms = chosen.Select(t => t.Platform).ToList();
            // A retry checks only its chosen platforms: the overrides of the live ones are not its business.
            validator.EnsureValid(new RuleContext(new PostDraft(PostEdits.OnlyFor(post.Content, post, chosenPlatforms), chosenPlatforms, null),
                accounts, now, RulePurpose.Publish));
            // A scheduled post's tolerance counts from its scheduled time; anything published by hand, from now.
            var deadline = DeadlineOf(post, post.Status == PostStatus.Scheduled && post.ScheduledFor <= now ? post.ScheduledFor.Value : now);
            if (post.Policy == PublishPolicy.AllOrNothing)
                await caps.EnsureEveryTargetCanGoOutAsync(session, republishes, accounts, now, deadline, cancellationToken);

            var saved = await changes.ChangeAsync(session, post, post with { Status = commentsOnly ? post.Status : PostStatus.Publishing },
                spec.Retry ? "retry_started" : "publish_started",
                $"platforms={string.Join(",", chosenPlatforms.Select(p => p.ToWireName()))}" + (commentsOnly ? " firstCommentsOnly=true" : ""), cancellationToken);
            var jobs = new List<PublishJob>();
            foreach (var target in chosen.Where(t => t.Status.IsLive()))
                jobs.Add(new PublishJob(await ClaimCommentAsync(session, saved, target, now, cancellationToken), accounts[target.Platform]));
            foreach (var target in republishes)
            {
                // A target a rollback took down goes up again from its head: the ids it had are gone from the platform.
                var fresh = target.Status == TargetStatus.Withdrawn ? target with { PlatformPostId = null, PublicUrl = null, WithdrawnBy = null } : target;
                var publishing = fresh with
                {
                    Status = TargetStatus.Publishing,
                    AttemptCount = target.AttemptCount + 1,
                    AttemptId = NewAttemptId(now),
                    ErrorCode = null,
                    ErrorMessage = null,
                    PlatformErrorCode = null,
                    PlatformErrorMessage = null,
                    PlatformHttpStatus = null,
                    RetryAt = null,
                    UpdatedAt = now,
                };
                await session.Targets.UpdateAsync(publishing, cancellationToken);
                await changes.AppendAsync(session, saved, target.Platform, "target_publishing", target.Status.ToWireName(), publishing.Status.ToWireName(),
                    $"attempt={publishing.AttemptCount} attemptId={publishing.AttemptId}", cancellationToken);
                jobs.Add(new PublishJob(publishing, accounts[target.Platform]));
            }
            // The lease says who is publishing: a process that dies holding it is noticed and its post recovered.
            await session.Posts.TakeLeaseAsync(post.Id, owner, now + scheduling.Value.LeaseDuration, cancellationToken);
            // Any publish of the post supersedes a pending automatic retry; its finish decides whether another is due.
            if (post.AutoRetryAt is not null)
                await session.Posts.SetAutoRetryAsync(post.Id, null, cancellationToken);
            // In the claim transaction: the key exists exactly when this publish started.
            if (spec.Idempotency is { } key)
            {
                await session.IdempotencyKeys.InsertAsync(
                    new IdempotencyRecord(workspaceId, IdempotencyKeys.PublishPost, key.Key, key.RequestHash, post.Id, now), cancellationToken);
            }
            return new PublishClaim(saved with { AutoRetryAt = null }, jobs, deadline, owner, null) { Automatic = spec.Automatic };
        }, cancellationToken);
    }

    /// <summary>
    /// Gives up the scheduler's automatic retry of a post that could not be claimed for it (moved on, or its checks now fail):
    /// it is not tried again by itself, the lease is released.
    /// </summary>
    public Task AbandonAutoRetryAsync(string postId, string leaseOwner, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            await session.Posts.SetAutoRetryAsync(postId, null, cancellationToken);
            return await session.Posts.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken);
        }, cancellationToken);

    private static bool IsDue(Post post, bool automatic, DateTimeOffset now) => automatic
        ? post.Status is PostStatus.Partial or PostStatus.Failed && post.AutoRetryAt <= now
        : post.Status == PostStatus.Scheduled && post.ScheduledFor <= now;

    /// <summary>
    /// The claim of a recovery: every target still <c>publishing</c> gets a new attempt id. Null when the post is not
    /// publishing or <paramref name="leaseOwner"/> does not hold its lease.
    /// </summary>
    public Task<PublishClaim?> ResumeAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            if (post.Status != PostStatus.Publishing || !await session.Posts.HoldsLeaseAsync(post.Id, leaseOwner, now, cancellationToken))
                return null;
            var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            var jobs = new List<PublishJob>();
            // A target that went live before the stop but whose first comment had not (not tried, or left publishing).
            foreach (var target in targets.Where(t => TargetSteps.OwesComment(post, t) && TargetSteps.Comment(t)?.Status is null or TargetStatus.Publishing))
            {
                await changes.AppendAsync(session, post, target.Platform, "target_comment_recovering", target.Status.ToWireName(), target.Status.ToWireName(),
                    $"attemptId={target.AttemptId}", cancellationToken);
                jobs.Add(new PublishJob(target, accounts[target.Platform]));
            }
            foreach (var target in targets.Where(t => t.Status == TargetStatus.Publishing))
            {
                var resumed = target with { AttemptCount = target.AttemptCount + 1, AttemptId = NewAttemptId(now), UpdatedAt = now };
                await session.Targets.UpdateAsync(resumed, cancellationToken);
                await changes.AppendAsync(session, post, target.Platform, "target_recovering", target.Status.ToWireName(), resumed.Status.ToWireName(),
                    $"previousAttemptId={target.AttemptId} attemptId={resumed.AttemptId}", cancellationToken);
                jobs.Add(new PublishJob(resumed, accounts[target.Platform]));
            }
            return new PublishClaim(post, jobs, DeadlineOf(post, post.ScheduledFor ?? now), leaseOwner, null);
        }, cancellationToken);

    /// <summary>
    /// Scheduled → failed in one transaction: every pending target failed with its platform's problem (or the first general
    /// one), an event per change, the lease released. Null when the post is no longer this worker's to fire.
    /// </summary>
    public Task<PostDetails?> FailScheduledAsync(
        string workspaceId, string postId, string leaseOwner, IReadOnlyList<Problem> problems, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            if (post.Status != PostStatus.Scheduled || !await session.Posts.HoldsLeaseAsync(post.Id, leaseOwner, now, cancellationToken))
            {
                await session.Posts.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken);
                return null;
            }
            var general = problems.FirstOrDefault(p => p.Platform is null) ?? problems.FirstOrDefault();
            var saved = await changes.ChangeAsync(session, post, post with { Status = PostStatus.Failed }, "schedule_failed",
                $"error={general?.Code}", cancellationToken);
            var updated = new List<PostTarget>();
            foreach (var target in targets)
            {
                if (target.Status is not (TargetStatus.Pending or TargetStatus.Failed))
                {
                    updated.Add(target);
                    continue;
                }
                var problem = problems.FirstOrDefault(p => p.Platform == target.Platform) ?? general;
                var done = target with
                {
                    Status = TargetStatus.Failed, ErrorCode = problem?.Code, ErrorMessage = problem?.Message,
                    PlatformErrorCode = null, PlatformErrorMessage = null, PlatformHttpStatus = null, RetryAt = null, UpdatedAt = now,
                };
                await session.Targets.UpdateAsync(done, cancellationToken);
                await changes.AppendAsync(session, saved, target.Platform, "target_failed", target.Status.ToWireName(), done.Status.ToWireName(),
                    $"error={done.ErrorCode}", cancellationToken);
                updated.Add(done);
            }
            await session.Posts.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken);
            return (PostDetails?)new PostDetails(saved, updated);
        }, cancellationToken);

    /// <summary>
    /// Step 4: the last target's outcome when it was handed off (<see cref="OutcomeHandOff"/>), then the post's status summed
    /// from its targets, with what a rollback took down, and the lease given up — one transaction.
    /// </summary>
    public async Task<PostDetails> FinishAsync(
        PublishClaim claim, IReadOnlyList<RolledBackTarget>? rollback, SettledOutcome? handedOff, CancellationToken cancellationToken)
    {
        var finished = await store.WriteAsync(async session =>
        {
            var post = claim.Post;
            if (handedOff is not null)
                await recorder.WriteOutcomeAsync(session, handedOff, cancellationToken);
            var (current, targets) = await PostChanges.LoadAsync(session, post.WorkspaceId, post.Id, cancellationToken);
            var final = PostTransitions.Aggregate(targets, current);
            var saved = await changes.ChangeAsync(session, current, current with { Status = final }, "publish_finished",
                rollback is { Count: > 0 } ? $"rolledBack={string.Join(",", rollback.Where(r => r.Withdrawn).Select(r => r.Platform.ToWireName()))}" : null,
                cancellationToken);
            if (AutoRetryTime(claim, final, targets) is { } retryAt)
            {
                await session.Posts.SetAutoRetryAsync(post.Id, retryAt, cancellationToken);
                saved = saved with { AutoRetryAt = retryAt };
                await changes.AppendAsync(session, saved, null, "auto_retry_scheduled", final.ToWireName(), final.ToWireName(),
                    $"at={retryAt:O} platforms={string.Join(",", RateLimited(targets).Select(t => t.Platform.ToWireName()))}", cancellationToken);
            }
            await session.Posts.ReleaseLeaseAsync(post.Id, claim.Owner, cancellationToken);
            return new PostDetails(saved, targets, Rollback: rollback);
        }, cancellationToken);
        if (handedOff is not null)
            TargetRecorder.CountOutcome(handedOff);
        return finished;
    }

    public Task ReleaseLeaseAsync(string postId, string leaseOwner, CancellationToken cancellationToken) =>
        store.WriteAsync(session => session.Posts.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken), cancellationToken);

    /// <summary>
    /// When the scheduler retries this publish's rate-limited targets: at the latest reset any of them was given, so one retry
    /// serves them all. Null after the automatic retry itself (it happens once), or when no reset is known.
    /// </summary>
    private static DateTimeOffset? AutoRetryTime(PublishClaim claim, PostStatus final, IReadOnlyList<PostTarget> targets)
    {
        if (claim.Automatic || final is not (PostStatus.Partial or PostStatus.Failed))
            return null;
        var attempted = claim.Jobs.Select(j => j.Target.Platform).ToHashSet();
        return RateLimited(targets).Where(t => attempted.Contains(t.Platform)).Max(t => t.RetryAt);
    }

    private static IEnumerable<PostTarget> RateLimited(IEnumerable<PostTarget> targets) =>
        targets.Where(t => t.Status == TargetStatus.Failed && t.ErrorCode == ErrorCodes.RateLimited && t.RetryAt is not null);

    /// <summary>The automatic retry's targets: the rate-limited ones (and, all_or_nothing, those its rollback took down).</summary>
    private static List<PostTarget> ChooseRateLimitedTargets(Post post, IReadOnlyList<PostTarget> targets)
    {
        var limited = RateLimited(targets).ToList();
        if (limited.Count == 0)
            throw new NoLongerDueException();
        return post.Policy == PublishPolicy.AllOrNothing
            ? targets.Where(t => limited.Contains(t) || PostTransitions.WasRolledBack(t)).ToList()
            : limited;
    }

    /// <summary>
    /// Marks a live target's first comment <c>publishing</c> for a retry of the comment alone, and clears the comment's error
    /// shown on the target; the target's own status, id and attempt stay as they are, so nothing can post it again.
    /// </summary>
    private async Task<PostTarget> ClaimCommentAsync(IStoreSession session, Post post, PostTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = TargetSteps.Comment(target);
        var claimed = (before ?? new TargetStep
        {
            PostId = post.Id, Platform = target.Platform, Kind = TargetStepKind.Comment, Index = 0, Status = TargetStatus.Pending, AttemptCount = 0, UpdatedAt = now,
        }) with { Status = TargetStatus.Publishing, UpdatedAt = now };
        await session.Steps.UpsertAsync(claimed, cancellationToken);
        var cleared = target with { ErrorCode = null, ErrorMessage = null, PlatformErrorCode = null, PlatformErrorMessage = null, PlatformHttpStatus = null, UpdatedAt = now };
        await session.Targets.UpdateAsync(cleared, cancellationToken);
        await changes.AppendAsync(session, post, target.Platform, "target_comment_publishing", (before?.Status ?? TargetStatus.Pending).ToWireName(),
            TargetStatus.Publishing.ToWireName(), $"attempt={claimed.AttemptCount + 1} the post stays {target.Status.ToWireName()}", cancellationToken);
        // The run still sees the comment as it was before this claim (its attempt count), and counts this attempt itself.
        return cleared;
    }

    /// <summary>
    /// A live target whose first comment failed, or was left publishing by a publisher that stopped (older than a lease, so no
    /// live publisher still holds it): retry_post sends that comment alone.
    /// </summary>
    private bool CommentRetryable(Post post, PostTarget target, DateTimeOffset now)
    {
        if (!TargetSteps.OwesComment(post, target))
            return false;
        var comment = TargetSteps.Comment(target);
        return comment is null || comment.Status == TargetStatus.Failed
            || (comment.Status == TargetStatus.Publishing && comment.UpdatedAt + scheduling.Value.LeaseDuration <= now);
    }

    private List<PostTarget> ChooseTargetsToPublish(Post post, IReadOnlyList<PostTarget> targets, IReadOnlyList<Platform>? requested, bool retry, DateTimeOffset now)
    {
        if (!retry)
            return targets.Where(t => t.Status is TargetStatus.Pending or TargetStatus.Failed).ToList();

        // An all_or_nothing post took its live targets down when another failed: a retry puts them up again with the rest.
        // A live target with a failed first comment is chosen for that comment alone.
        bool Retryable(PostTarget t) => PostTransitions.CanRetry(post, t) || CommentRetryable(post, t, now);
        var retryable = targets.Where(Retryable).ToList();
        if (requested is null)
            return retryable;

        for (var i = 0; i < requested.Count; i++)
        {
            var target = targets.FirstOrDefault(t => t.Platform == requested[i]);
            if (target is null || !Retryable(target))
            {
                throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
                    target is null
                        ? $"The post does not target {requested[i].ToWireName()}."
                        : $"The {requested[i].ToWireName()} target is '{target.Status.ToWireName()}'; only failed targets (and live ones whose first comment failed) are retried.",
                    $"$.platforms[{i}]", requested[i], "Call get_post to see which targets failed."));
            }
        }
        return retryable.Where(t => requested.Contains(t.Platform)).ToList();
    }

    private DateTimeOffset DeadlineOf(Post post, DateTimeOffset from) => from + (post.Tolerance ?? scheduling.Value.DefaultTolerance);

    private static string NewAttemptId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString();
}
