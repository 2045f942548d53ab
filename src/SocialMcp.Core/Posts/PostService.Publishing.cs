using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation;

namespace SocialMcp.Core.Posts;

/// <summary>
/// Publishing, as a ledger. (1) Claim: in one transaction the post moves to <c>publishing</c>, each chosen target to
/// <c>publishing</c> with a fresh attempt id, and the post is leased to this process. (2) Each target is published outside
/// any transaction; adapters store their intermediate handles before every creating call. (3) Each outcome is written with
/// its status change. (4) The post's status sums its targets, and the lease is given up. While (2) runs, the lease is
/// renewed; a post left in <c>publishing</c> by a process that stopped is taken over by <see cref="RecoverAsync"/>, which
/// publishes its unfinished targets again — the adapters reconcile from their handles, so nothing is posted twice, and a
/// target the platform cannot account for becomes <c>needs_reconciliation</c>.
/// </summary>
public sealed partial class PostService
{
    /// <summary>Publishes every target of a draft or scheduled post now.</summary>
    public Task<PostDetails> PublishAsync(string workspaceId, string postId, int? version, CancellationToken cancellationToken) =>
        PublishAsync(workspaceId, new PublishPostCommand(postId, version), progress: null, cancellationToken);

    public Task<PostDetails> PublishAsync(string workspaceId, PublishPostCommand command, CancellationToken cancellationToken) =>
        PublishAsync(workspaceId, command, progress: null, cancellationToken);

    /// <summary>
    /// Publishes every target of a draft or scheduled post now; refuses with PLAN_CHANGED when the plan hash is given and no
    /// longer matches, and replays the post as it is now for a repeated idempotency key. <paramref name="progress"/> hears of
    /// each target as it waits on a platform's limit and as it finishes.
    /// </summary>
    public Task<PostDetails> PublishAsync(
        string workspaceId, PublishPostCommand command, IProgress<PublishProgress>? progress, CancellationToken cancellationToken) =>
        PublishTargetsAsync(workspaceId, new PublishRequestSpec(command.PostId, command.Version, Requested: null, Retry: false, LeaseOwner: null,
            command.PlanHash, command.IdempotencyKey is null ? null : (command.IdempotencyKey, IdempotencyKeys.RequestHash(command with { IdempotencyKey = null }))),
            progress, cancellationToken);

    /// <summary>Publishes again only the failed targets (optionally only some platforms) of a partial or failed post.</summary>
    public Task<PostDetails> RetryAsync(string workspaceId, string postId, IReadOnlyList<Platform>? platforms, int? version, CancellationToken cancellationToken) =>
        RetryAsync(workspaceId, postId, platforms, version, progress: null, cancellationToken);

    public Task<PostDetails> RetryAsync(string workspaceId, string postId, IReadOnlyList<Platform>? platforms, int? version,
        IProgress<PublishProgress>? progress, CancellationToken cancellationToken) =>
        PublishTargetsAsync(workspaceId, new PublishRequestSpec(postId, version, platforms, Retry: true, LeaseOwner: null, PlanHash: null, Idempotency: null),
            progress, cancellationToken);

    /// <summary>
    /// Publishes a scheduled post the scheduler has leased, through the same claim, publish and finish as publish_post.
    /// Null (and the lease given up) when the post was cancelled, rescheduled to later or taken over meanwhile.
    /// </summary>
    public async Task<PostDetails?> FireScheduledAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken)
    {
        try
        {
            return await PublishTargetsAsync(workspaceId,
                new PublishRequestSpec(postId, Version: null, Requested: null, Retry: false, leaseOwner, PlanHash: null, Idempotency: null),
                progress: null, cancellationToken);
        }
        catch (NoLongerDueException)
        {
            await store.WriteAsync(session => session.Posts.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken), cancellationToken);
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
        var claim = await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            if (post.Status != PostStatus.Publishing || !await session.Posts.HoldsLeaseAsync(post.Id, leaseOwner, now, cancellationToken))
                return null;
            var accounts = await AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            var jobs = new List<PublishJob>();
            foreach (var target in targets.Where(t => t.Status == TargetStatus.Publishing))
            {
                var resumed = target with { AttemptCount = target.AttemptCount + 1, AttemptId = NewAttemptId(now), UpdatedAt = now };
                await session.Targets.UpdateAsync(resumed, cancellationToken);
                await AppendAsync(session, post, target.Platform, "target_recovering", target.Status.ToWireName(), resumed.Status.ToWireName(),
                    $"previousAttemptId={target.AttemptId} attemptId={resumed.AttemptId}", cancellationToken);
                jobs.Add(new PublishJob(resumed, accounts[target.Platform]));
            }
            return new PublishClaim(post, jobs, DeadlineOf(post, post.ScheduledFor ?? now), null);
        }, cancellationToken);
        if (claim is null)
            return null;

        logger.LogWarning("Recovering post {PostId}: {Count} target(s) were publishing when their publisher stopped",
            postId, claim.Jobs.Count);
        return await CompletePublishAsync(claim, leaseOwner, progress: null, cancellationToken);
    }

    /// <summary>
    /// Scheduled → failed in one transaction: every pending target failed with its platform's problem (or the first general
    /// one), an event per change, the lease released. Null when the post is no longer this worker's to fire.
    /// </summary>
    private async Task<PostDetails?> FailScheduledAsync(
        string workspaceId, string postId, string leaseOwner, IReadOnlyList<Problem> problems, CancellationToken cancellationToken)
    {
        var failed = await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            if (post.Status != PostStatus.Scheduled || !await session.Posts.HoldsLeaseAsync(post.Id, leaseOwner, now, cancellationToken))
            {
                await session.Posts.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken);
                return null;
            }
            var general = problems.FirstOrDefault(p => p.Platform is null) ?? problems.FirstOrDefault();
            var saved = await ChangeAsync(session, post, post with { Status = PostStatus.Failed }, "schedule_failed",
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
                var done = target with { Status = TargetStatus.Failed, ErrorCode = problem?.Code, ErrorMessage = problem?.Message, UpdatedAt = now };
                await session.Targets.UpdateAsync(done, cancellationToken);
                await AppendAsync(session, saved, target.Platform, "target_failed", target.Status.ToWireName(), done.Status.ToWireName(),
                    $"error={done.ErrorCode}", cancellationToken);
                updated.Add(done);
            }
            await session.Posts.ReleaseLeaseAsync(postId, leaseOwner, cancellationToken);
            return new PostDetails(saved, updated);
        }, cancellationToken);
        if (failed is not null)
            changeNotifier.PostChanged(workspaceId, postId);
        return failed;
    }

    /// <summary>
    /// Settles a needs_reconciliation target with what a person found on the platform: published (with its id) or not there
    /// (failed, so retry_post may publish it). The post's status is summed up again unless it is still publishing.
    /// </summary>
    public Task<PostDetails> ResolveTargetAsync(string workspaceId, ResolveTargetCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await LoadAsync(session, workspaceId, command.PostId, cancellationToken);
            EnsureVersion(post, command.Version);
            var target = targets.FirstOrDefault(t => t.Platform == command.Platform);
            if (target is null || target.Status != TargetStatus.NeedsReconciliation)
            {
                throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
                    target is null
                        ? $"The post does not target {command.Platform.ToWireName()}."
                        : $"The {command.Platform.ToWireName()} target is '{target.Status.ToWireName()}'; only needs_reconciliation targets are resolved.",
                    "$.platform", command.Platform, "Call get_post to see each target's status."));
            }
            if (command.Published && string.IsNullOrWhiteSpace(command.PlatformPostId))
            {
                throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                    "outcome 'published' needs the post's platformPostId as the platform shows it.", "$.platformPostId", command.Platform,
                    "Find the post on the account and pass its id (and publicUrl if you have it).")]);
            }

            var resolved = command.Published
                ? target with
                {
                    Status = TargetStatus.Published,
                    PlatformPostId = command.PlatformPostId,
                    PublicUrl = command.PublicUrl ?? target.PublicUrl,
                    ErrorCode = null,
                    ErrorMessage = null,
                    PublishedAt = now,
                    UpdatedAt = now,
                }
                : target with
                {
                    Status = TargetStatus.Failed,
                    ErrorCode = ErrorCodes.PlatformError,
                    ErrorMessage = "Checked by hand after an attempt the platform could not account for: it is not there. retry_post publishes it again.",
                    UpdatedAt = now,
                };
            await session.Targets.UpdateAsync(resolved, cancellationToken);
            var current = targets.Select(t => t.Platform == resolved.Platform ? resolved : t).ToList();
            var status = post.Status == PostStatus.Publishing ? post.Status : PostTransitions.Aggregate(current);
            var saved = await ChangeAsync(session, post, post with { Status = status }, "target_resolved",
                $"platform={command.Platform.ToWireName()} outcome={(command.Published ? "published platformPostId=" + command.PlatformPostId : "not_published")}",
                cancellationToken);
            return new PostDetails(saved, current);
        }, cancellationToken);

    private sealed record PublishRequestSpec(
        string PostId, int? Version, IReadOnlyList<Platform>? Requested, bool Retry, string? LeaseOwner, string? PlanHash,
        (string Key, string RequestHash)? Idempotency);

    private sealed record PublishJob(PostTarget Target, Account Account);

    /// <summary>What the claim transaction decided: the post as claimed, the targets to publish and until when limits may be waited for.</summary>
    private sealed record PublishClaim(Post Post, IReadOnlyList<PublishJob> Jobs, DateTimeOffset Deadline, PostDetails? Replayed);

    private async Task<PostDetails> PublishTargetsAsync(
        string workspaceId, PublishRequestSpec spec, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var owner = spec.LeaseOwner ?? identity.Owner;
        var claim = await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            // A repeated key answers before any check: the post has moved on since the first call (its version too).
            if (spec.Idempotency is { } repeat
                && await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.PublishPost, repeat.Key, cancellationToken) is { } stored)
            {
                IdempotencyKeys.EnsureSameRequest(stored, repeat.RequestHash);
                var (first, firstTargets) = await LoadAsync(session, workspaceId, stored.PostId, cancellationToken);
                return new PublishClaim(first, [], now, new PostDetails(first, firstTargets, Replayed: true));
            }

            var (post, targets) = await LoadAsync(session, workspaceId, spec.PostId, cancellationToken);
            // The scheduler re-checks inside this transaction: cancel_post and update_post win until a target starts.
            if (spec.LeaseOwner is not null && (post.Status != PostStatus.Scheduled || post.ScheduledFor > now
                    || !await session.Posts.HoldsLeaseAsync(post.Id, spec.LeaseOwner, now, cancellationToken)))
                throw new NoLongerDueException();
            EnsureVersion(post, spec.Version);
            if (spec.Retry && post.Status is not (PostStatus.Partial or PostStatus.Failed))
                throw Problems.InvalidTransition(post.Status, "retry", "partial, failed");
            EnsureCanMove(post, PostStatus.Publishing, spec.Retry ? "retry" : "publish");
            PostPlan.EnsureUnchanged(post, spec.PlanHash);

            var chosen = ChooseTargetsToPublish(post, targets, spec.Requested, spec.Retry);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            var chosenPlatforms = chosen.Select(t => t.Platform).ToList();
            validator.EnsureValid(new RuleContext(new PostDraft(post.Content, chosenPlatforms, null), accounts, now, RulePurpose.Publish));
            // A scheduled post's tolerance counts from its scheduled time; anything published by hand, from now.
            var deadline = DeadlineOf(post, post.Status == PostStatus.Scheduled && post.ScheduledFor <= now ? post.ScheduledFor.Value : now);
            if (post.Policy == PublishPolicy.AllOrNothing)
                await EnsureEveryTargetCanGoOutAsync(session, chosen, accounts, now, deadline, cancellationToken);

            var saved = await ChangeAsync(session, post, post with { Status = PostStatus.Publishing }, spec.Retry ? "retry_started" : "publish_started",
                $"platforms={string.Join(",", chosenPlatforms.Select(p => p.ToWireName()))}", cancellationToken);
            var jobs = new List<PublishJob>();
            foreach (var target in chosen)
            {
                var publishing = target with
                {
                    Status = TargetStatus.Publishing,
                    AttemptCount = target.AttemptCount + 1,
                    AttemptId = NewAttemptId(now),
                    ErrorCode = null,
                    ErrorMessage = null,
                    PlatformErrorCode = null,
                    PlatformErrorMessage = null,
                    UpdatedAt = now,
                };
                await session.Targets.UpdateAsync(publishing, cancellationToken);
                await AppendAsync(session, saved, target.Platform, "target_publishing", target.Status.ToWireName(), publishing.Status.ToWireName(),
                    $"attempt={publishing.AttemptCount} attemptId={publishing.AttemptId}", cancellationToken);
                jobs.Add(new PublishJob(publishing, accounts[target.Platform]));
            }
            // The lease says who is publishing: a process that dies holding it is noticed and its post recovered.
            await session.Posts.TakeLeaseAsync(post.Id, owner, now + scheduling.Value.LeaseDuration, cancellationToken);
            // In the claim transaction: the key exists exactly when this publish started.
            if (spec.Idempotency is { } key)
            {
                await session.IdempotencyKeys.InsertAsync(
                    new IdempotencyRecord(workspaceId, IdempotencyKeys.PublishPost, key.Key, key.RequestHash, post.Id, now), cancellationToken);
            }
            return new PublishClaim(saved, jobs, deadline, null);
        }, cancellationToken);
        if (claim.Replayed is not null)
            return claim.Replayed;

        changeNotifier.PostChanged(workspaceId, spec.PostId);
        progress?.Report(new PublishProgress(0, claim.Jobs.Count, null,
            $"Publishing to {string.Join(", ", claim.Jobs.Select(j => j.Target.Platform.ToWireName()))}."));
        return await CompletePublishAsync(claim, owner, progress, cancellationToken);
    }

    /// <summary>Posts this process is publishing (steps 2–4) right now, which <see cref="RecoverAsync"/> leaves alone.</summary>
    private readonly ConcurrentDictionary<string, byte> _publishingHere = new();

    /// <summary>Steps 2–4: publish each target under the renewed lease, roll back if the policy says so, sum up, release.</summary>
    private async Task<PostDetails> CompletePublishAsync(
        PublishClaim claim, string owner, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        _publishingHere[claim.Post.Id] = 0;
        try
        {
            return await CompletePublishHereAsync(claim, owner, progress, cancellationToken);
        }
        finally
        {
            _publishingHere.TryRemove(claim.Post.Id, out _);
        }
    }

    private async Task<PostDetails> CompletePublishHereAsync(
        PublishClaim claim, string owner, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var post = claim.Post;
        await using (StartLeaseHeartbeat(post.Id, owner))
        {
            var completed = 0;
            await Task.WhenAll(claim.Jobs.Select(async job =>
            {
                var done = await PublishOneAsync(post, job.Target, job.Account, claim.Deadline, progress, cancellationToken);
                var count = Interlocked.Increment(ref completed);
                progress?.Report(new PublishProgress(count, claim.Jobs.Count, done, DescribeOutcome(done)));
            }));
        }

        var rollback = post.Policy == PublishPolicy.AllOrNothing ? await RollBackIfIncompleteAsync(post, cancellationToken) : null;

        var finished = await store.WriteAsync(async session =>
        {
            var (current, targets) = await LoadAsync(session, post.WorkspaceId, post.Id, cancellationToken);
            var final = PostTransitions.Aggregate(targets);
            var saved = await ChangeAsync(session, current, current with { Status = final }, "publish_finished",
                rollback is { Count: > 0 } ? $"rolledBack={string.Join(",", rollback.Where(r => r.Withdrawn).Select(r => r.Platform.ToWireName()))}" : null,
                cancellationToken);
            await session.Posts.ReleaseLeaseAsync(post.Id, owner, cancellationToken);
            return new PostDetails(saved, targets, Rollback: rollback);
        }, cancellationToken);
        changeNotifier.PostChanged(post.WorkspaceId, post.Id);
        return finished;
    }

    private static List<PostTarget> ChooseTargetsToPublish(Post post, IReadOnlyList<PostTarget> targets, IReadOnlyList<Platform>? requested, bool retry)
    {
        if (!retry)
            return targets.Where(t => t.Status is TargetStatus.Pending or TargetStatus.Failed).ToList();

        // An all_or_nothing post took its live targets down when another failed: a retry puts them up again with the rest.
        bool Retryable(PostTarget t) => t.Status == TargetStatus.Failed
            || (post.Policy == PublishPolicy.AllOrNothing && t.Status == TargetStatus.Withdrawn && t.PublishedAt is not null);
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
                        : $"The {requested[i].ToWireName()} target is '{target.Status.ToWireName()}'; only failed targets are retried.",
                    $"$.platforms[{i}]", requested[i], "Call get_post to see which targets failed."));
            }
        }
        return retryable.Where(t => requested.Contains(t.Platform)).ToList();
    }

    /// <summary>
    /// Publishes one target, waiting (outside its concurrency slot) for the account's daily cap, the platform's rate-limit
    /// reset or its quota reset while that still fits before <paramref name="deadline"/>; then records the outcome with the
    /// status change. Each retry after a wait is safe: a refusal created nothing, and the adapter reconciles from its handles.
    /// </summary>
    private async Task<PostTarget> PublishOneAsync(
        Post post, PostTarget target, Account account, DateTimeOffset deadline, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        PublishOutcome outcome;
        for (var waits = 0; ; waits++)
        {
            DateTimeOffset? resetAt;
            string reason;
            using (await concurrency.EnterAsync(target.Platform, account.Id, cancellationToken))
            {
                var cap = await DailyCapAsync(account, target.Platform, cancellationToken);
                if (cap is { } full)
                {
                    resetAt = full.FreesAt;
                    reason = $"{account.Handle} has published {full.Cap} posts in the last 24 hours, {target.Platform.ToWireName()}'s daily cap";
                    outcome = PublishOutcome.Failed(ErrorCodes.RateLimited,
                        $"{target.Platform.ToWireName()} allows {full.Cap} posts per account in 24 hours and '{account.Handle}' has reached it; "
                        + (full.FreesAt > deadline
                            ? $"the next one fits at {full.FreesAt:O}, later than this post may wait (until {deadline:O})."
                            : $"the next one fits at {full.FreesAt:O}, but this post has already waited {waits} times (Scheduling:MaxLimitWaits)."),
                        full.FreesAt);
                }
                else
                {
                    outcome = await CallPlatformAsync(post, target, account, cancellationToken);
                    // A rate limit (429 + reset) or a used-up quota (YouTube's daily units, a publishing cap) both say when to come back.
                    resetAt = outcome.ErrorCode is ErrorCodes.RateLimited or ErrorCodes.QuotaExhausted ? outcome.RetryAfter : null;
                    reason = outcome.ErrorCode == ErrorCodes.QuotaExhausted
                        ? $"{target.Platform.ToWireName()} quota used up"
                        : $"{target.Platform.ToWireName()} asked to wait (rate limit)";
                }
            }
            if (resetAt is not { } until || until > deadline || waits >= scheduling.Value.MaxLimitWaits)
                break;
            await WaitForLimitAsync(post, target, until, reason, progress, cancellationToken);
        }
        return await RecordOutcomeAsync(post, target, account, outcome, cancellationToken);
    }

    private async Task<PublishOutcome> CallPlatformAsync(Post post, PostTarget target, Account account, CancellationToken cancellationToken)
    {
        try
        {
            var request = new PublishRequest(post.Id, target.Platform, account, post.Content.TextFor(target.Platform),
                post.Content.Media, post.Content.LinkUrl, post.Content.SettingsFor(target.Platform), target.AttemptCount)
            {
                Handles = new StoredPublishHandles(store, post.Id, target.Platform, time),
            };
            return await publishers.For(account).PublishAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The raw exception may carry URLs or tokens: log it, give the agent a clean message.
            logger.LogError(ex, "Publishing post {PostId} to {Platform} threw", post.Id, target.Platform.ToWireName());
            return PublishOutcome.Failed(ErrorCodes.PlatformError, $"{target.Platform.ToWireName()} publishing failed unexpectedly.");
        }
    }

    private sealed record CapReached(int Cap, DateTimeOffset FreesAt);

    private static readonly TimeSpan CapWindow = TimeSpan.FromDays(1);

    /// <summary>The account's daily cap when it is full right now, with the time its oldest post of the window leaves it.</summary>
    private async Task<CapReached?> DailyCapAsync(Account account, Platform platform, CancellationToken cancellationToken)
    {
        if (!scheduling.Value.DailyCaps.TryGetValue(platform.ToWireName(), out var cap))
            return null;
        var now = time.GetUtcNow();
        var live = await store.ReadAsync(session => CapWindowAsync(session, account.Id, now, cancellationToken), cancellationToken);
        return live.Count < cap ? null : new CapReached(cap, live[live.Count - cap] + CapWindow);
    }

    /// <summary>
    /// When the account's targets of the last 24 hours went live, oldest first. One that went live exactly 24 hours ago has
    /// left the window: its slot frees at that instant, which is when a wait for it ends (counting it would wait again, at once,
    /// until the waits run out).
    /// </summary>
    private static async Task<IReadOnlyList<DateTimeOffset>> CapWindowAsync(
        IStoreSession session, string accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await session.Targets.ListAccountLiveSinceAsync(accountId, now - CapWindow, cancellationToken)).Where(at => at + CapWindow > now).ToList();

    /// <summary>all_or_nothing: refuses up front when a target's daily cap cannot free up in time, before anything goes out.</summary>
    private async Task EnsureEveryTargetCanGoOutAsync(IStoreSession session, IReadOnlyList<PostTarget> chosen,
        IReadOnlyDictionary<Platform, Account> accounts, DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        foreach (var target in chosen)
        {
            if (!scheduling.Value.DailyCaps.TryGetValue(target.Platform.ToWireName(), out var cap))
                continue;
            var account = accounts[target.Platform];
            var live = await CapWindowAsync(session, account.Id, now, cancellationToken);
            if (live.Count >= cap && live[live.Count - cap] + CapWindow > deadline)
            {
                var freesAt = live[live.Count - cap] + CapWindow;
                throw new LimitReachedException(new Problem(ErrorCodes.RateLimited,
                    $"This all_or_nothing post cannot go out: '{account.Handle}' has reached {target.Platform.ToWireName()}'s cap of {cap} posts "
                    + $"in 24 hours until {freesAt:O}, after this post's tolerance. Nothing was published.",
                    "$.postId", target.Platform,
                    $"Schedule the post for after {freesAt:O}, raise toleranceMinutes, or publish without {target.Platform.ToWireName()}."));
            }
        }
    }

    private async Task WaitForLimitAsync(Post post, PostTarget target, DateTimeOffset until, string reason,
        IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        await AppendEventAsync(post, target, "target_waiting", target.Status, $"until={until:O} reason={reason}", cancellationToken);
        changeNotifier.PostChanged(post.WorkspaceId, post.Id);
        var message = $"{target.Platform.ToWireName()}: waiting until {until:O} — {reason}.";
        logger.LogInformation("Post {PostId} on {Platform} waits until {Until}: {Reason}", post.Id, target.Platform.ToWireName(), until, reason);
        progress?.Report(new PublishProgress(null, null, target, message));
        var delay = until - time.GetUtcNow();
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, time, cancellationToken);
    }

    /// <summary>Writes a target's outcome, its event, the post's version and (for AUTH_EXPIRED) the account's token health together.</summary>
    private Task<PostTarget> RecordOutcomeAsync(Post post, PostTarget target, Account account, PublishOutcome outcome, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var done = target with
            {
                Status = outcome.Status,
                PlatformPostId = outcome.PlatformPostId ?? target.PlatformPostId,
                PublicUrl = outcome.PublicUrl ?? target.PublicUrl,
                ErrorCode = outcome.ErrorCode,
                ErrorMessage = outcome.RetryAfter is { } retryAfter ? $"{outcome.ErrorMessage} Retry after {retryAfter:O}." : outcome.ErrorMessage,
                PlatformErrorCode = outcome.PlatformErrorCode,
                PlatformErrorMessage = outcome.PlatformErrorMessage,
                UpdatedAt = now,
                PublishedAt = outcome.Succeeded ? now : target.PublishedAt,
            };
            await session.Targets.UpdateAsync(done, cancellationToken);
            if (outcome.ErrorCode == ErrorCodes.AuthExpired)
                await session.Accounts.MarkTokenExpiredAsync(account.Id, now, cancellationToken);
            var newVersion = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
            var detail = outcome.Succeeded ? $"platformPostId={outcome.PlatformPostId}"
                : done.Status == TargetStatus.NeedsReconciliation ? $"reason={outcome.ErrorMessage}"
                : $"error={outcome.ErrorCode}";
            await session.Events.AppendAsync(new PostEvent(0, post.Id, target.Platform, "target_" + done.Status.ToWireName(),
                target.Status.ToWireName(), done.Status.ToWireName(), newVersion, $"{detail} attemptId={target.AttemptId}", now), cancellationToken);
            return done;
        }, cancellationToken);

    /// <summary>
    /// all_or_nothing: when a target did not go out (failed, or cannot be accounted for) and others did, takes those down again
    /// where the platform allows it. Null when there was nothing to undo.
    /// </summary>
    private async Task<IReadOnlyList<RolledBackTarget>?> RollBackIfIncompleteAsync(Post post, CancellationToken cancellationToken)
    {
        var (targets, accounts) = await store.ReadAsync(async session =>
        {
            var (_, t) = await LoadAsync(session, post.WorkspaceId, post.Id, cancellationToken);
            return (t, await AccountsByPlatformAsync(session, post.WorkspaceId, post.PlatformSetId, cancellationToken));
        }, cancellationToken);
        var missing = targets.Where(t => t.Status is TargetStatus.Failed or TargetStatus.NeedsReconciliation or TargetStatus.Publishing).ToList();
        var live = targets.Where(t => t.Status.IsLive()).ToList();
        if (missing.Count == 0 || live.Count == 0)
            return null;

        var because = string.Join(", ", missing.Select(t => $"{t.Platform.ToWireName()} {t.Status.ToWireName()}" + (t.ErrorCode is null ? "" : $" ({t.ErrorCode})")));
        var rollback = new List<RolledBackTarget>();
        foreach (var target in live)
        {
            var account = accounts[target.Platform];
            if (!publishers.For(account).CapabilitiesFor(target.Platform).CanWithdraw)
            {
                rollback.Add(new RolledBackTarget(target.Platform, false, ErrorCodes.WithdrawNotSupported,
                    $"{target.Platform.ToWireName()} cannot delete posts through its API, so this target is still live ({target.PublicUrl ?? target.PlatformPostId}); remove it by hand."));
                await AppendEventAsync(post, target, "target_rollback_failed", target.Status, $"error={ErrorCodes.WithdrawNotSupported} because={because}", cancellationToken);
                continue;
            }
            var outcome = await WithdrawTargetAsync(post, target, account, "target_rolled_back", $"because={because}", cancellationToken);
            rollback.Add(outcome.Succeeded
                ? new RolledBackTarget(target.Platform, true, null, $"Taken down again because {because}.")
                : new RolledBackTarget(target.Platform, false, outcome.ErrorCode,
                    $"Taking it down failed ({outcome.ErrorMessage}); it is still live. Call withdraw_post for it."));
        }
        logger.LogWarning("All-or-nothing post {PostId} did not fully go out ({Because}); rolled back {Count} live target(s)",
            post.Id, because, rollback.Count(r => r.Withdrawn));
        return rollback;
    }

    /// <summary>An event about a target that does not change its row (a wait, a rollback that failed), with the post's version bump.</summary>
    private Task AppendEventAsync(Post post, PostTarget target, string eventType, TargetStatus status, string detail, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var version = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
            await session.Events.AppendAsync(new PostEvent(0, post.Id, target.Platform, eventType, target.Status.ToWireName(),
                status.ToWireName(), version, detail, now), cancellationToken);
            return 0;
        }, cancellationToken);

    private DateTimeOffset DeadlineOf(Post post, DateTimeOffset from) => from + (post.Tolerance ?? scheduling.Value.DefaultTolerance);

    private static string NewAttemptId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString();

    private static string DescribeOutcome(PostTarget target) => target.Status switch
    {
        TargetStatus.Published or TargetStatus.InReview =>
            $"{target.Platform.ToWireName()}: {target.Status.ToWireName()}" + (target.PublicUrl is null ? "" : $" {target.PublicUrl}"),
        TargetStatus.NeedsReconciliation => $"{target.Platform.ToWireName()}: needs_reconciliation — {target.ErrorMessage}",
        _ => $"{target.Platform.ToWireName()}: {target.Status.ToWireName()} {target.ErrorCode}",
    };

    /// <summary>Renews the post's lease every third of its duration while it is being published.</summary>
    private LeaseHeartbeat StartLeaseHeartbeat(string postId, string owner)
    {
        var duration = scheduling.Value.LeaseDuration;
        return new LeaseHeartbeat(duration / 3, time, async stop =>
        {
            try
            {
                if (!await store.WriteAsync(session => session.Posts.RenewLeaseAsync(postId, owner, time.GetUtcNow() + duration, stop), stop))
                    logger.LogWarning("The lease on post {PostId} was taken over while {Owner} was publishing it", postId, owner);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Renewing the lease on post {PostId} failed; trying again", postId);
            }
        });
    }

    /// <summary>
    /// Runs <c>renew</c> every <c>interval</c> (on the injected clock) until disposed, so a slow publish (a video, a wait
    /// for a rate limit) is not mistaken for a dead one.
    /// </summary>
    private sealed class LeaseHeartbeat : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public LeaseHeartbeat(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> renew) =>
            _loop = RunAsync(interval, time, renew, _stop.Token);

        private static async Task RunAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> renew, CancellationToken stop)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(interval, time, stop);
                    await renew(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    /// <summary>Handles of one target, each written in its own transaction so it is durable before the next platform call.</summary>
    private sealed class StoredPublishHandles(IStore store, string postId, Platform platform, TimeProvider time) : IPublishHandles
    {
        public Task<string?> GetAsync(string kind, CancellationToken cancellationToken) =>
            store.ReadAsync(session => session.Handles.GetAsync(postId, platform, kind, cancellationToken), cancellationToken);

        public Task SetAsync(string kind, string value, CancellationToken cancellationToken) =>
            store.WriteAsync(async session =>
            {
                await session.Handles.SetAsync(postId, platform, kind, value, time.GetUtcNow(), cancellationToken);
                return 0;
            }, cancellationToken);
    }

    /// <summary>Thrown inside the scheduler's claim transaction (rolling it back) when the leased post is no longer due.</summary>
    private sealed class NoLongerDueException : Exception;
}

/// <summary>
/// A step of a publish, for MCP progress notifications: <see cref="Completed"/> of <see cref="Total"/> targets are done (both
/// null for a target that is waiting on a platform's limit), <see cref="Target"/> as it is now (null when the publish has just
/// <see cref="Started"/>: its claim is committed), and a one-line message.
/// </summary>
public sealed record PublishProgress(int? Completed, int? Total, PostTarget? Target, string Message)
{
    public bool Started => Target is null;
}
