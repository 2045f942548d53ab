using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Core.Posts;

/// <summary>
/// The publishing entry points. Each checks and claims through <see cref="PublishingEngine"/>, which runs the ledger (claim,
/// publish each target, record, finish) and its recovery; and settling by hand what a publish could not account for.
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
        publishing.PublishAsync(workspaceId, new PublishRequestSpec
        {
            PostId = command.PostId,
            Version = command.Version,
            PlanHash = command.PlanHash,
            Idempotency = command.IdempotencyKey is null ? null : (command.IdempotencyKey, IdempotencyKeys.RequestHash(command with { IdempotencyKey = null })),
        }, progress, cancellationToken);

    /// <summary>Publishes again only the failed targets (optionally only some platforms) of a partial or failed post.</summary>
    public Task<PostDetails> RetryAsync(string workspaceId, string postId, IReadOnlyList<Platform>? platforms, int? version, CancellationToken cancellationToken) =>
        RetryAsync(workspaceId, postId, platforms, version, progress: null, cancellationToken);

    public Task<PostDetails> RetryAsync(string workspaceId, string postId, IReadOnlyList<Platform>? platforms, int? version,
        IProgress<PublishProgress>? progress, CancellationToken cancellationToken) =>
        publishing.PublishAsync(workspaceId, new PublishRequestSpec { PostId = postId, Version = version, Requested = platforms, Retry = true },
            progress, cancellationToken);

    /// <inheritdoc cref="PublishingEngine.FireScheduledAsync"/>
    public Task<PostDetails?> FireScheduledAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken) =>
        publishing.FireScheduledAsync(workspaceId, postId, leaseOwner, cancellationToken);

    /// <inheritdoc cref="PublishingEngine.AutoRetryAsync"/>
    public Task<PostDetails?> AutoRetryAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken) =>
        publishing.AutoRetryAsync(workspaceId, postId, leaseOwner, cancellationToken);

    /// <inheritdoc cref="PublishingEngine.RecoverAsync"/>
    public Task<PostDetails?> RecoverAsync(string workspaceId, string postId, string leaseOwner, CancellationToken cancellationToken) =>
        publishing.RecoverAsync(workspaceId, postId, leaseOwner, cancellationToken);

    /// <summary>
    /// Settles a target with what a person found on the platform: a needs_reconciliation target is published (with its id)
    /// or not there (failed, so retry_post may publish it); a live target was removed by hand (withdrawn_manually). The
    /// post's status is summed up again unless it is still publishing.
    /// </summary>
    public Task<PostDetails> ResolveTargetAsync(string workspaceId, ResolveTargetCommand command, CancellationToken cancellationToken) =>
        command.Outcome == TargetResolution.WithdrawnManually
            ? RecordManualWithdrawalAsync(workspaceId, command, cancellationToken)
            : ReconcileTargetAsync(workspaceId, command, cancellationToken);

    private Task<PostDetails> ReconcileTargetAsync(string workspaceId, ResolveTargetCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, command.PostId, cancellationToken);
            PostChanges.EnsureVersion(post, command.Version);
            var published = command.Outcome == TargetResolution.Published;
            var target = FindTarget(targets, command.Platform, TargetStatus.NeedsReconciliation,
                "only needs_reconciliation targets are resolved as published or not_published",
                target => target.Status.IsLive() ? " If the person removed it from the platform by hand, use outcome withdrawn_manually." : "");
            if (published && string.IsNullOrWhiteSpace(command.PlatformPostId))
            {
                throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                    "outcome 'published' needs the post's platformPostId as the platform shows it.", "$.platformPostId", command.Platform,
                    "Find the post on the account and pass its id (and publicUrl if you have it).")]);
            }

            var resolved = published
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
            // Approval (issue 16): a post awaiting a decision keeps waiting; the decision sums it up.
            var status = post.Status is PostStatus.Publishing or PostStatus.AwaitingApproval ? post.Status : PostTransitions.Aggregate(current, post);
            // Not there: a retry publishes the post's current content, so what an edit froze for it no longer applies.
            var publishedContent = published || post.PublishedContent is null
                ? post.PublishedContent
                : post.PublishedContent.Where(p => p.Key != command.Platform).ToDictionary(p => p.Key, p => p.Value);
            var saved = await changes.ChangeAsync(session, post, post with { Status = status, PublishedContent = publishedContent }, "target_resolved",
                $"platform={command.Platform.ToWireName()} outcome={(published ? "published platformPostId=" + command.PlatformPostId : "not_published")}",
                cancellationToken);
            return new PostDetails(saved, current);
        }, cancellationToken);

    /// <summary>
    /// A live target that a person removed on the platform by hand (Instagram and TikTok cannot delete through their APIs):
    /// withdrawn, with an event saying so and when; the post is withdrawn once nothing of it is live, as withdraw_post does.
    /// </summary>
    private Task<PostDetails> RecordManualWithdrawalAsync(string workspaceId, ResolveTargetCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, command.PostId, cancellationToken);
            PostChanges.EnsureVersion(post, command.Version);
            if (post.Status is not (PostStatus.Published or PostStatus.Partial))
                throw Problems.InvalidTransition(post.Status, "record a manual withdrawal of", "published, partial");
            var target = FindTarget(targets, command.Platform, null, "only published or in_review targets can be withdrawn",
                target => target.Status == TargetStatus.NeedsReconciliation ? " Settle it first with outcome published or not_published." : "");

            var withdrawn = target with { Status = TargetStatus.Withdrawn, WithdrawnBy = WithdrawalCause.Manual, UpdatedAt = now };
            await session.Targets.UpdateAsync(withdrawn, cancellationToken);
            var current = targets.Select(t => t.Platform == withdrawn.Platform ? withdrawn : t).ToList();
            var status = current.Any(t => t.Status.IsLive()) ? post.Status : PostStatus.Withdrawn;
            var saved = await changes.ChangeAsync(session, post, post with { Status = status }, "withdraw_recorded",
                $"withdrawn={command.Platform.ToWireName()}", cancellationToken);
            await changes.AppendAsync(session, saved, command.Platform, "target_withdrawn_manually", target.Status.ToWireName(),
                withdrawn.Status.ToWireName(),
                $"removed by hand on the platform; recorded by {command.RecordedBy ?? "unknown"} at {now:O}"
                + (target.PlatformPostId is null ? "" : $" platformPostId={target.PlatformPostId}"),
                cancellationToken);
            return new PostDetails(saved, current);
        }, cancellationToken);

    /// <summary>
    /// The post's target on <paramref name="platform"/> in <paramref name="status"/> (or, when null, a live one); otherwise
    /// INVALID_STATUS_TRANSITION at $.platform naming what it is.
    /// </summary>
    private static PostTarget FindTarget(
        IReadOnlyList<PostTarget> targets, Platform platform, TargetStatus? status, string rule, Func<PostTarget, string> advice)
    {
        var target = targets.FirstOrDefault(t => t.Platform == platform);
        if (target is not null && (status is { } wanted ? target.Status == wanted : target.Status.IsLive()))
            return target;
        throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
            target is null
                ? $"The post does not target {platform.ToWireName()}."
                : $"The {platform.ToWireName()} target is '{target.Status.ToWireName()}'; {rule}.{advice(target)}",
            "$.platform", platform, "Call get_post to see each target's status."));
    }
}
