using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation;

namespace SocialMcp.Core.Posts;

/// <summary>
/// The one place that changes a post. Every change of status checks <see cref="PostTransitions"/>, bumps the
/// version (optimistically, against the version the caller read) and appends an event, in one transaction.
/// Tools, the CLI and the scheduler call this; none of them writes a status by itself.
/// </summary>
public sealed class PostService(
    IStore store,
    PostValidator validator,
    IPublisherResolver publishers,
    TimeProvider time,
    IOptions<SchedulingOptions> scheduling,
    IOptions<QuotaOptions> quotas,
    ISchedulerSignal schedulerSignal,
    PublishConcurrency concurrency,
    IPostChangeNotifier changeNotifier,
    ScheduleRisks risks,
    ILogger<PostService> logger)
{
    public Task<PostDetails> CreateAsync(string workspaceId, CreatePostCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            string? requestHash = null;
            if (command.IdempotencyKey is { } key)
            {
                requestHash = IdempotencyKeys.RequestHash(command with { IdempotencyKey = null, ScheduledFor = command.ScheduledFor?.ToUniversalTime() });
                if (await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.CreatePost, key, cancellationToken) is { } stored)
                {
                    IdempotencyKeys.EnsureSameRequest(stored, requestHash);
                    var (first, firstTargets) = await LoadAsync(session, workspaceId, stored.PostId, cancellationToken);
                    return new PostDetails(first, firstTargets, Replayed: true);
                }
            }

            var set = await ResolvePlatformSetAsync(session, workspaceId, command.PlatformSetId, cancellationToken);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            var draft = new PostDraft(command.Content, command.Platforms, command.ScheduledFor);
            validator.EnsureValid(new RuleContext(draft, accounts, now, RulePurpose.Save));

            var status = command.ScheduledFor is null ? PostStatus.Draft : PostStatus.Scheduled;
            await EnsurePostQuotaAsync(session, workspaceId, now, cancellationToken);
            if (status == PostStatus.Scheduled)
                await EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);

            var post = new Post(Guid.CreateVersion7(now).ToString(), workspaceId, set.Id, status, command.Content,
                command.Platforms, command.ScheduledFor?.ToUniversalTime(), 1, now, now);
            await session.Posts.InsertAsync(post, cancellationToken);
            var targets = NewTargets(post, accounts, now);
            foreach (var target in targets)
                await session.Targets.InsertAsync(target, cancellationToken);
            await AppendAsync(session, post, null, "created", null, status.ToWireName(), null, cancellationToken);
            // Same transaction as the post: a crash never leaves a key without its post, nor a post without its key.
            if (command.IdempotencyKey is { } newKey)
            {
                await session.IdempotencyKeys.InsertAsync(
                    new IdempotencyRecord(workspaceId, IdempotencyKeys.CreatePost, newKey, requestHash!, post.Id, now), cancellationToken);
            }
            return new PostDetails(post, targets);
        }, cancellationToken);

    public Task<PostDetails> GetAsync(string workspaceId, string postId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            return new PostDetails(post, targets);
        }, cancellationToken);

    public Task<IReadOnlyList<PostEvent>> GetHistoryAsync(string workspaceId, string postId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            await LoadAsync(session, workspaceId, postId, cancellationToken);
            return await session.Events.ListForPostAsync(postId, cancellationToken);
        }, cancellationToken);

    public Task<PostPage> ListAsync(string workspaceId, PostQuery query, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var posts = await session.Posts.ListAsync(workspaceId, query, cancellationToken);
            var total = await session.Posts.CountAsync(workspaceId, query, cancellationToken);
            var targets = posts.Count == 0
                ? []
                : await session.Targets.ListForPostsAsync(posts.Select(p => p.Id).ToList(), cancellationToken);
            var byPost = targets.ToLookup(t => t.PostId);
            var details = posts.Select(p => new PostDetails(p, OrderTargets(p, byPost[p.Id]))).ToList();
            return new PostPage(details, total, query.Limit, query.Offset);
        }, cancellationToken);

    public Task<PostDetails> UpdateAsync(string workspaceId, UpdatePostCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, _) = await LoadAsync(session, workspaceId, command.PostId, cancellationToken);
            EnsureVersion(post, command.Version);
            if (post.Status is not (PostStatus.Draft or PostStatus.Scheduled))
                throw Problems.InvalidTransition(post.Status, "update", "draft, scheduled");

            var set = command.PlatformSetId is null
                ? await ResolvePlatformSetAsync(session, workspaceId, post.PlatformSetId, cancellationToken)
                : await ResolvePlatformSetAsync(session, workspaceId, command.PlatformSetId, cancellationToken);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            var updated = post with
            {
                Content = command.Content ?? post.Content,
                Platforms = command.Platforms ?? post.Platforms,
                PlatformSetId = set.Id,
                ScheduledFor = command.ScheduledFor?.ToUniversalTime() ?? post.ScheduledFor,
                Status = command.ScheduledFor is null ? post.Status : PostStatus.Scheduled,
            };
            var draft = new PostDraft(updated.Content, updated.Platforms, command.ScheduledFor, updated.Status == PostStatus.Scheduled);
            validator.EnsureValid(new RuleContext(draft, accounts, now, RulePurpose.Save));
            if (updated.Status == PostStatus.Scheduled && post.Status != PostStatus.Scheduled)
                await EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);

            var saved = await ChangeAsync(session, post, updated, "updated", null, cancellationToken);
            // Targets of a draft or scheduled post are all pending: replacing them loses nothing.
            await session.Targets.DeleteForPostAsync(post.Id, cancellationToken);
            var targets = NewTargets(saved, accounts, now);
            foreach (var target in targets)
                await session.Targets.InsertAsync(target, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    public Task<PostDetails> ScheduleAsync(string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, CancellationToken cancellationToken) =>
        ScheduleAsync(workspaceId, postId, scheduledFor, version, planHash: null, cancellationToken);

    /// <summary>Schedules a post; with <paramref name="planHash"/>, only if the post still matches what validate_post checked.</summary>
    public Task<PostDetails> ScheduleAsync(
        string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, string? planHash, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            EnsureVersion(post, version);
            EnsureCanMove(post, PostStatus.Scheduled, "schedule");
            PostPlan.EnsureUnchanged(post, planHash);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            validator.EnsureValid(new RuleContext(new PostDraft(post.Content, post.Platforms, scheduledFor), accounts, now, RulePurpose.Save));
            if (post.Status != PostStatus.Scheduled)
                await EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);
            var found = await risks.AssessAsync(session, workspaceId, post.Id, post.Platforms, accounts, scheduledFor, cancellationToken);

            var updated = post with { Status = PostStatus.Scheduled, ScheduledFor = scheduledFor.ToUniversalTime() };
            var saved = await ChangeAsync(session, post, updated, post.Status == PostStatus.Scheduled ? "rescheduled" : "scheduled",
                $"scheduledFor={scheduledFor.ToUniversalTime():O}", cancellationToken);
            return new PostDetails(saved, targets, Risks: found);
        }, cancellationToken);

    public Task<PostDetails> CancelAsync(string workspaceId, string postId, int? version, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            EnsureVersion(post, version);
            EnsureCanMove(post, PostStatus.Discarded, "cancel");
            var saved = await ChangeAsync(session, post, post with { Status = PostStatus.Discarded }, "discarded", null, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    public Task<PostValidation> ValidateAsync(string workspaceId, ValidatePostCommand command, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var now = time.GetUtcNow();
            if (command.PostId is { } postId)
            {
                var (post, _) = await LoadAsync(session, workspaceId, postId, cancellationToken);
                var accounts = await AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
                // A stored schedule was checked when it was set; re-check it only while it can still change.
                var scheduledFor = post.Status == PostStatus.Scheduled ? post.ScheduledFor : null;
                var draft = new PostDraft(post.Content, post.Platforms, scheduledFor);
                var postRisks = scheduledFor is { } when
                    ? await risks.AssessAsync(session, workspaceId, post.Id, post.Platforms, accounts, when, cancellationToken)
                    : [];
                return new PostValidation(post.Id, validator.Validate(new RuleContext(draft, accounts, now, RulePurpose.Save)), PostPlan.HashOf(post), postRisks);
            }

            var create = command.Draft ?? throw new DomainValidationException(
                [new Problem(ErrorCodes.ValidationFailed, "Pass either postId or content and platforms.", "$")]);
            var set = await ResolvePlatformSetAsync(session, workspaceId, create.PlatformSetId, cancellationToken);
            var setAccounts = await AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            var report = validator.Validate(new RuleContext(
                new PostDraft(create.Content, create.Platforms, create.ScheduledFor), setAccounts, now, RulePurpose.Save));
            var draftRisks = create.ScheduledFor is { } scheduledAt
                ? await risks.AssessAsync(session, workspaceId, null, create.Platforms, setAccounts, scheduledAt, cancellationToken)
                : [];
            return new PostValidation(null, report, PostPlan.HashOf(create.Content, create.Platforms, create.ScheduledFor), draftRisks);
        }, cancellationToken);

    /// <summary>Publishes every target of a draft or scheduled post now.</summary>
    public Task<PostDetails> PublishAsync(string workspaceId, string postId, int? version, CancellationToken cancellationToken) =>
        PublishAsync(workspaceId, new PublishPostCommand(postId, version), cancellationToken);

    /// <summary>
    /// Publishes every target of a draft or scheduled post now; refuses with PLAN_CHANGED when the plan hash is given and no
    /// longer matches, and replays the post as it is now for a repeated idempotency key.
    /// </summary>
    public Task<PostDetails> PublishAsync(string workspaceId, PublishPostCommand command, CancellationToken cancellationToken) =>
        PublishTargetsAsync(workspaceId, command.PostId, command.Version, requested: null, retry: false, leaseOwner: null,
            command.PlanHash, command.IdempotencyKey is null ? null : (command.IdempotencyKey, IdempotencyKeys.RequestHash(command with { IdempotencyKey = null })),
            cancellationToken);

    /// <summary>Publishes again only the failed targets (optionally only some platforms) of a partial or failed post.</summary>
    public Task<PostDetails> RetryAsync(string workspaceId, string postId, IReadOnlyList<Platform>? platforms, int? version, CancellationToken cancellationToken) =>
        PublishTargetsAsync(workspaceId, postId, version, platforms, retry: true, leaseOwner: null, planHash: null, idempotency: null, cancellationToken);

    /// <summary>
    /// Publishes a scheduled post the scheduler has leased, through the same claim, publish and finish as publish_post.
    /// Null (and the lease given up) when the post was cancelled, rescheduled to later or taken over meanwhile.
    /// </summary>
    public async Task<PostDetails?> FireScheduledAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken)
    {
        try
        {
            return await PublishTargetsAsync(workspaceId, postId, version: null, requested: null, retry: false, leaseOwner, planHash: null, idempotency: null,
                cancellationToken);
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

    private async Task<PostDetails> PublishTargetsAsync(
        string workspaceId, string postId, int? version, IReadOnlyList<Platform>? requested, bool retry, string? leaseOwner,
        string? planHash, (string Key, string RequestHash)? idempotency, CancellationToken cancellationToken)
    {
        // 1. Claim: the post and its chosen targets move to publishing in one transaction, so a second
        //    publish of the same post fails on the status check instead of posting twice.
        var (claimed, work, replayed) = await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            // A repeated key answers before any check: the post has moved on since the first call (its version too).
            if (idempotency is { } repeat
                && await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.PublishPost, repeat.Key, cancellationToken) is { } stored)
            {
                IdempotencyKeys.EnsureSameRequest(stored, repeat.RequestHash);
                var (first, firstTargets) = await LoadAsync(session, workspaceId, stored.PostId, cancellationToken);
                return (first, new List<(PostTarget Target, Account Account)>(), new PostDetails(first, firstTargets, Replayed: true));
            }

            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            // The scheduler re-checks inside this transaction: cancel_post and update_post win until a target starts.
            if (leaseOwner is not null && (post.Status != PostStatus.Scheduled || post.ScheduledFor > now
                    || !await session.Posts.HoldsLeaseAsync(post.Id, leaseOwner, now, cancellationToken)))
                throw new NoLongerDueException();
            EnsureVersion(post, version);
            if (retry && post.Status is not (PostStatus.Partial or PostStatus.Failed))
                throw Problems.InvalidTransition(post.Status, "retry", "partial, failed");
            EnsureCanMove(post, PostStatus.Publishing, retry ? "retry" : "publish");
            PostPlan.EnsureUnchanged(post, planHash);

            var chosen = ChooseTargetsToPublish(targets, requested, retry);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            var chosenPlatforms = chosen.Select(t => t.Platform).ToList();
            validator.EnsureValid(new RuleContext(new PostDraft(post.Content, chosenPlatforms, null), accounts, now, RulePurpose.Publish));

            var saved = await ChangeAsync(session, post, post with { Status = PostStatus.Publishing }, retry ? "retry_started" : "publish_started",
                $"platforms={string.Join(",", chosenPlatforms.Select(p => p.ToWireName()))}", cancellationToken);
            var jobs = new List<(PostTarget Target, Account Account)>();
            foreach (var target in chosen)
            {
                var publishing = target with { Status = TargetStatus.Publishing, AttemptCount = target.AttemptCount + 1, ErrorCode = null, ErrorMessage = null, UpdatedAt = now };
                await session.Targets.UpdateAsync(publishing, cancellationToken);
                await AppendAsync(session, saved, target.Platform, "target_publishing", target.Status.ToWireName(), publishing.Status.ToWireName(),
                    $"attempt={publishing.AttemptCount}", cancellationToken);
                jobs.Add((publishing, accounts[target.Platform]));
            }
            // In the claim transaction: the key exists exactly when this publish started.
            if (idempotency is { } key)
            {
                await session.IdempotencyKeys.InsertAsync(
                    new IdempotencyRecord(workspaceId, IdempotencyKeys.PublishPost, key.Key, key.RequestHash, post.Id, now), cancellationToken);
            }
            return (saved, jobs, (PostDetails?)null);
        }, cancellationToken);
        if (replayed is not null)
            return replayed;

        changeNotifier.PostChanged(workspaceId, postId);
        // 2. Publish each target outside any transaction (platform calls are slow) and record each outcome.
        await Task.WhenAll(work.Select(job => PublishOneAsync(claimed, job.Target, job.Account, cancellationToken)));

        // 3. Sum up the targets into the post's status.
        var finished = await store.WriteAsync(async session =>
        {
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            var final = PostTransitions.Aggregate(targets);
            var saved = await ChangeAsync(session, post, post with { Status = final }, "publish_finished", null, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);
        changeNotifier.PostChanged(workspaceId, postId);
        return finished;
    }

    private static List<PostTarget> ChooseTargetsToPublish(IReadOnlyList<PostTarget> targets, IReadOnlyList<Platform>? requested, bool retry)
    {
        if (!retry)
            return targets.Where(t => t.Status is TargetStatus.Pending or TargetStatus.Failed).ToList();

        var failed = targets.Where(t => t.Status == TargetStatus.Failed).ToList();
        if (requested is null)
            return failed;

        for (var i = 0; i < requested.Count; i++)
        {
            var target = targets.FirstOrDefault(t => t.Platform == requested[i]);
            if (target is null || target.Status != TargetStatus.Failed)
            {
                throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
                    target is null
                        ? $"The post does not target {requested[i].ToWireName()}."
                        : $"The {requested[i].ToWireName()} target is '{target.Status.ToWireName()}'; only failed targets are retried.",
                    $"$.platforms[{i}]", requested[i], "Call get_post to see which targets failed."));
            }
        }
        return failed.Where(t => requested.Contains(t.Platform)).ToList();
    }

    private async Task PublishOneAsync(Post post, PostTarget target, Account account, CancellationToken cancellationToken)
    {
        using var slot = await concurrency.EnterAsync(target.Platform, account.Id, cancellationToken);
        PublishOutcome outcome;
        try
        {
            var request = new PublishRequest(post.Id, target.Platform, account, post.Content.TextFor(target.Platform),
                post.Content.Media, post.Content.LinkUrl, post.Content.SettingsFor(target.Platform), target.AttemptCount)
            {
                Handles = new StoredPublishHandles(store, post.Id, target.Platform, time),
            };
            outcome = await publishers.For(account).PublishAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The raw exception may carry URLs or tokens: log it, give the agent a clean message.
            logger.LogError(ex, "Publishing post {PostId} to {Platform} threw", post.Id, target.Platform.ToWireName());
            outcome = PublishOutcome.Failed(ErrorCodes.PlatformError, $"{target.Platform.ToWireName()} publishing failed unexpectedly.");
        }

        await store.WriteAsync(async session =>
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
            var detail = outcome.Succeeded ? $"platformPostId={outcome.PlatformPostId}" : $"error={outcome.ErrorCode}";
            await session.Events.AppendAsync(new PostEvent(0, post.Id, target.Platform, "target_" + done.Status.ToWireName(),
                target.Status.ToWireName(), done.Status.ToWireName(), newVersion, detail, now), cancellationToken);
            return done;
        }, cancellationToken);
    }

    /// <summary>Takes live targets down. Where a platform cannot withdraw, answers WITHDRAW_NOT_SUPPORTED and changes nothing.</summary>
    public async Task<WithdrawResult> WithdrawAsync(
        string workspaceId, string postId, IReadOnlyList<Platform>? requested, int? version, CancellationToken cancellationToken)
    {
        var (post, targets, accounts) = await store.ReadAsync(async session =>
        {
            var (p, t) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            var a = await AccountsByPlatformAsync(session, workspaceId, p.PlatformSetId, cancellationToken);
            return (p, t, a);
        }, cancellationToken);
        EnsureVersion(post, version);
        EnsureCanMove(post, PostStatus.Withdrawn, "withdraw");

        var chosen = ChooseTargetsToWithdraw(targets, requested);
        foreach (var target in chosen)
        {
            var account = accounts.GetValueOrDefault(target.Platform);
            if (account is null || !publishers.For(account).CapabilitiesFor(target.Platform).CanWithdraw)
            {
                var index = requested is null ? -1 : requested.ToList().IndexOf(target.Platform);
                throw new ConflictException(new Problem(ErrorCodes.WithdrawNotSupported,
                    $"{target.Platform.ToWireName()} does not allow taking a post down through its API; nothing was withdrawn.",
                    index >= 0 ? $"$.platforms[{index}]" : "$.platforms", target.Platform,
                    $"Remove the post on {target.Platform.ToWireName()} by hand, and call withdraw_post with platforms that exclude it."));
            }
        }

        var outcomes = new List<TargetActionOutcome>();
        foreach (var target in chosen)
        {
            var account = accounts[target.Platform];
            WithdrawOutcome outcome;
            try
            {
                outcome = await publishers.For(account).WithdrawAsync(
                    new WithdrawRequest(post.Id, target.Platform, account, target.PlatformPostId!), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Withdrawing post {PostId} from {Platform} threw", post.Id, target.Platform.ToWireName());
                outcome = WithdrawOutcome.Failed(ErrorCodes.PlatformError, $"{target.Platform.ToWireName()} withdraw failed unexpectedly.");
            }
            outcomes.Add(new TargetActionOutcome(target.Platform, outcome.Succeeded, outcome.ErrorCode, outcome.ErrorMessage));
            await store.WriteAsync(async session =>
            {
                var now = time.GetUtcNow();
                var newVersion = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
                if (outcome.Succeeded)
                    await session.Targets.UpdateAsync(target with { Status = TargetStatus.Withdrawn, UpdatedAt = now }, cancellationToken);
                await session.Events.AppendAsync(new PostEvent(0, post.Id, target.Platform,
                    outcome.Succeeded ? "target_withdrawn" : "target_withdraw_failed", target.Status.ToWireName(),
                    outcome.Succeeded ? TargetStatus.Withdrawn.ToWireName() : target.Status.ToWireName(), newVersion,
                    outcome.Succeeded ? null : $"error={outcome.ErrorCode}", now), cancellationToken);
                return 0;
            }, cancellationToken);
        }

        var details = await store.WriteAsync(async session =>
        {
            var (current, currentTargets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            var anyLive = currentTargets.Any(t => t.Status.IsLive());
            var final = anyLive ? current.Status : PostStatus.Withdrawn;
            var saved = await ChangeAsync(session, current, current with { Status = final }, "withdraw_finished",
                $"withdrawn={string.Join(",", outcomes.Where(o => o.Succeeded).Select(o => o.Platform.ToWireName()))}", cancellationToken);
            return new PostDetails(saved, currentTargets);
        }, cancellationToken);
        changeNotifier.PostChanged(workspaceId, postId);
        return new WithdrawResult(details, outcomes);
    }

    private static List<PostTarget> ChooseTargetsToWithdraw(IReadOnlyList<PostTarget> targets, IReadOnlyList<Platform>? requested)
    {
        if (requested is null)
        {
            var live = targets.Where(t => t.Status.IsLive()).ToList();
            if (live.Count == 0)
                throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
                    "No target of this post is live, so there is nothing to withdraw.", "$.postId", Hint: "Call get_post to see each target's status."));
            return live;
        }

        var chosen = new List<PostTarget>();
        for (var i = 0; i < requested.Count; i++)
        {
            var target = targets.FirstOrDefault(t => t.Platform == requested[i]);
            if (target is null || !target.Status.IsLive())
            {
                throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
                    target is null
                        ? $"The post does not target {requested[i].ToWireName()}."
                        : $"The {requested[i].ToWireName()} target is '{target.Status.ToWireName()}'; only published or in_review targets can be withdrawn.",
                    $"$.platforms[{i}]", requested[i], "Call get_post to see each target's status."));
            }
            chosen.Add(target);
        }
        return chosen;
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

    // ---- helpers -------------------------------------------------------------------------------

    /// <summary>A write that can move the next due time: wakes the scheduler once it has committed, so it reads the change.</summary>
    private async Task<PostDetails> WriteThenWakeSchedulerAsync(Func<IStoreSession, Task<PostDetails>> work, CancellationToken cancellationToken)
    {
        var details = await store.WriteAsync(work, cancellationToken);
        schedulerSignal.Poke();
        changeNotifier.PostChanged(details.Post.WorkspaceId, details.Post.Id);
        return details;
    }

    private static async Task<(Post Post, IReadOnlyList<PostTarget> Targets)> LoadAsync(
        IStoreSession session, string workspaceId, string postId, CancellationToken cancellationToken)
    {
        var post = await session.Posts.GetAsync(workspaceId, postId, cancellationToken) ?? throw Problems.PostNotFound(postId);
        var targets = await session.Targets.ListForPostAsync(post.Id, cancellationToken);
        return (post, OrderTargets(post, targets));
    }

    private static IReadOnlyList<PostTarget> OrderTargets(Post post, IEnumerable<PostTarget> targets) =>
        targets.OrderBy(t => IndexOf(post.Platforms, t.Platform)).ToList();

    private static int IndexOf(IReadOnlyList<Platform> platforms, Platform platform)
    {
        for (var i = 0; i < platforms.Count; i++)
        {
            if (platforms[i] == platform) return i;
        }
        return int.MaxValue;
    }

    private static void EnsureVersion(Post post, int? expected)
    {
        if (expected is { } version && version != post.Version)
            throw Problems.VersionConflict(version, post.Version);
    }

    private static void EnsureCanMove(Post post, PostStatus to, string action)
    {
        if (!PostTransitions.CanMove(post.Status, to))
            throw Problems.InvalidTransition(post.Status, action, string.Join(", ", PostTransitions.SourcesOf(to).Select(s => s.ToWireName())));
    }

    private async Task<Post> ChangeAsync(IStoreSession session, Post before, Post after, string eventType, string? detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var saved = after with { Version = before.Version + 1, UpdatedAt = now };
        if (!await session.Posts.UpdateAsync(saved, before.Version, cancellationToken))
        {
            var current = await session.Posts.GetAsync(before.WorkspaceId, before.Id, cancellationToken);
            throw Problems.VersionConflict(before.Version, current?.Version ?? before.Version);
        }
        await AppendAsync(session, saved, null, eventType, before.Status.ToWireName(), saved.Status.ToWireName(), detail, cancellationToken);
        return saved;
    }

    private Task AppendAsync(IStoreSession session, Post post, Platform? platform, string eventType, string? from, string? to, string? detail, CancellationToken cancellationToken) =>
        session.Events.AppendAsync(new PostEvent(0, post.Id, platform, eventType, from, to, post.Version, detail, time.GetUtcNow()), cancellationToken);

    private async Task EnsurePostQuotaAsync(IStoreSession session, string workspaceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var quota = quotas.Value.PostsPerMonth;
        var used = await session.Posts.CountCreatedSinceAsync(workspaceId, MonthStart(now), cancellationToken);
        if (used >= quota)
            throw QuotaExceeded($"This workspace has created {used} posts this month; its quota is {quota}.", "$.content", MonthStart(now).AddMonths(1));
    }

    private static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static LimitReachedException QuotaExceeded(string message, string path, DateTimeOffset resetsAt) => new(new Problem(
        ErrorCodes.QuotaExceeded, $"{message} The quota resets at {resetsAt:O}.", path,
        Hint: "Wait for the quota to reset, or ask the person running the server to raise it."));

    /// <summary>Checks both the number of scheduled posts now and the monthly quota of scheduling.</summary>
    private async Task EnsureScheduleCapacityAsync(IStoreSession session, string workspaceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var monthly = quotas.Value.ScheduledPostsPerMonth;
        var scheduledThisMonth = await session.Events.CountScheduledSinceAsync(workspaceId, MonthStart(now), cancellationToken);
        if (scheduledThisMonth >= monthly)
            throw QuotaExceeded($"This workspace has scheduled {scheduledThisMonth} posts this month; its quota is {monthly}.", "$.scheduledFor", MonthStart(now).AddMonths(1));

        var limit = scheduling.Value.MaxScheduledPerWorkspace;
        var scheduled = await session.Posts.CountInStatusAsync(workspaceId, PostStatus.Scheduled, cancellationToken);
        if (scheduled >= limit)
        {
            throw new LimitReachedException(new Problem(ErrorCodes.ScheduleLimitReached,
                $"This workspace already has {scheduled} scheduled posts; the limit is {limit}.", "$.scheduledFor",
                Hint: "Wait for scheduled posts to go out, or cancel_post some, then try again; or save this post as a draft."));
        }
    }

    private static async Task<PlatformSet> ResolvePlatformSetAsync(IStoreSession session, string workspaceId, string? platformSetId, CancellationToken cancellationToken)
    {
        if (platformSetId is null)
        {
            return await session.PlatformSets.GetDefaultAsync(workspaceId, cancellationToken)
                ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                    "This workspace has no default platform set.", "$.platformSetId", Hint: "Call list_platform_sets and pass a platformSetId."));
        }
        return await session.PlatformSets.GetAsync(workspaceId, platformSetId, cancellationToken)
            ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                $"No platform set with id '{platformSetId}' exists in this workspace.", "$.platformSetId",
                Hint: "Call list_platform_sets to see the sets, or omit platformSetId to use the default."));
    }

    private static async Task<IReadOnlyDictionary<Platform, Account>> AccountsByPlatformAsync(
        IStoreSession session, string workspaceId, string platformSetId, CancellationToken cancellationToken)
    {
        var accounts = await session.Accounts.ListInSetAsync(workspaceId, platformSetId, cancellationToken);
        return accounts.ToDictionary(a => a.Platform);
    }

    private static List<PostTarget> NewTargets(Post post, IReadOnlyDictionary<Platform, Account> accounts, DateTimeOffset now) =>
        post.Platforms.Select(platform => new PostTarget(post.Id, platform, accounts[platform].Id, TargetStatus.Pending,
            null, null, null, null, 0, now, now, null)).ToList();
}
