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
    /// Settles a needs_reconciliation target with what a person found on the platform: published (with its id) or not there
    /// (failed, so retry_post may publish it). The post's status is summed up again unless it is still publishing.
    /// </summary>
    public Task<PostDetails> ResolveTargetAsync(string workspaceId, ResolveTargetCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, command.PostId, cancellationToken);
            PostChanges.EnsureVersion(post, command.Version);
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
            var saved = await changes.ChangeAsync(session, post, post with { Status = status }, "target_resolved",
                $"platform={command.Platform.ToWireName()} outcome={(command.Published ? "published platformPostId=" + command.PlatformPostId : "not_published")}",
                cancellationToken);
            return new PostDetails(saved, current);
        }, cancellationToken);
}
