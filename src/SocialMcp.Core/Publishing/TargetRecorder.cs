using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Telemetry;
using SocialMcp.Core.Webhooks;

namespace SocialMcp.Core.Publishing;

/// <summary>A target's outcome as decided when its platform answered, before (or without yet) being written.</summary>
/// <param name="Done">The target row as the outcome leaves it; <paramref name="At"/> is when the outcome was known.</param>
public sealed record SettledOutcome(
    Post Post, PostTarget Target, Account Account, PublishOutcome Outcome, bool ReconnectRequired, PostTarget Done, DateTimeOffset At);

/// <summary>
/// Step 3 of the ledger for one target: its outcome, its events and its intermediate handles, each in a transaction of its
/// own so that what a platform did is durable before the next call — except the outcome of a publish's last target, which
/// the finish transaction writes with the post's status (<see cref="OutcomeHandOff"/>).
/// </summary>
public sealed class TargetRecorder(IStore store, TimeProvider time, WebhookOutbox outbox, Accounts.OAuth.AccountAlarms alarms)
{
    /// <summary>
    /// Writes a target's outcome, its event, the post's version and (for AUTH_EXPIRED) the account's token health together;
    /// <paramref name="reconnectRequired"/>: a refresh did not help, so the account waits for a person to reconnect it.
    /// </summary>
    public Task<PostTarget> RecordOutcomeAsync(
        Post post, PostTarget target, Account account, PublishOutcome outcome, CancellationToken cancellationToken, bool reconnectRequired = false) => RecordAsync(Settle(post, target, account, outcome, reconnectRequired), cancellationToken);

    /// <summary>Writes a settled outcome in a unit of its own.</summary>
    public async Task<PostTarget> RecordAsync(SettledOutcome settled, CancellationToken cancellationToken)
    {
        var done = await store.WriteAsync(session => WriteOutcomeAsync(session, settled, cancellationToken), cancellationToken);
        CountOutcome(settled);
        return done;
    }

    /// <summary>
    /// What a target becomes with <paramref name="outcome"/>, decided now but not written: <see cref="RecordOutcomeAsync"/>
    /// writes it at once; the last target of a publish hands it to the finish transaction instead (<see cref="OutcomeHandOff"/>).
    /// </summary>
    public SettledOutcome Settle(Post post, PostTarget target, Account account, PublishOutcome outcome, bool reconnectRequired)
    {
        var now = time.GetUtcNow();
        var done = target with
        {
            Status = outcome.Status,
            PlatformPostId = outcome.PlatformPostId ?? target.PlatformPostId,
            PublicUrl = outcome.PublicUrl ?? target.PublicUrl,
            ErrorCode = outcome.ErrorCode,
            ErrorMessage = outcome.StoredErrorMessage,
            PlatformErrorCode = outcome.PlatformErrorCode,
            PlatformErrorMessage = outcome.PlatformErrorMessage,
            PlatformHttpStatus = outcome.PlatformHttpStatus,
            RetryAt = outcome.Succeeded ? null : outcome.RetryAfter,
            UpdatedAt = now,
            PublishedAt = outcome.Succeeded ? now : target.PublishedAt,
        };
        return new SettledOutcome(post, target, account, outcome, reconnectRequired, done, now);
    }

    /// <summary>
    /// The writes of one settled outcome inside <paramref name="session"/>'s transaction: the target row, the account's token
    /// health, the post's version, the event, and the webhook of a target that needs reconciliation.
    /// </summary>
    public async Task<PostTarget> WriteOutcomeAsync(IStoreSession session, SettledOutcome settled, CancellationToken cancellationToken)
    {
        var (post, target, account, outcome, reconnectRequired, done, now) = settled;
        await session.Targets.UpdateAsync(done, cancellationToken);
        if (outcome.ErrorCode == ErrorCodes.AuthExpired)
        {
            await session.Accounts.MarkTokenExpiredAsync(account.Id, now, cancellationToken);
            if (reconnectRequired)
                await alarms.MarkReconnectRequiredAsync(session, account.Id, "auth_expired: refused after a refresh", now, cancellationToken);
        }
        var newVersion = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
        var detail = outcome.Succeeded ? $"platformPostId={outcome.PlatformPostId}"
            : done.Status == TargetStatus.NeedsReconciliation ? $"reason={outcome.ErrorMessage}"
            : $"error={outcome.ErrorCode}";
        await session.Events.AppendAsync(new PostEvent
        {
            Id = 0,
            PostId = post.Id,
            Platform = target.Platform,
            EventType = "target_" + done.Status.ToWireName(),
            FromStatus = target.Status.ToWireName(),
            ToStatus = done.Status.ToWireName(),
            PostVersion = newVersion,
            Detail = $"{detail} attemptId={target.AttemptId}",
            OccurredAt = now,
        }, cancellationToken);
        if (done.Status == TargetStatus.NeedsReconciliation && target.Status != TargetStatus.NeedsReconciliation)
        {
            await outbox.RecordPostAsync(session, WebhookEventTypes.TargetNeedsReconciliation, post with { Version = newVersion },
                new Dictionary<string, string?> { ["platform"] = target.Platform.ToWireName(), ["reason"] = outcome.ErrorMessage },
                cancellationToken);
        }
        return done;
    }

    /// <summary>Telemetry: counted once the outcome is stored (a transaction that retried is not counted twice); every outcome comes here.</summary>
    public static void CountOutcome(SettledOutcome settled)
    {
        if (!SocialMcpTelemetry.PublishOutcomes.Enabled)
            return;
        var (outcome, done) = (settled.Outcome, settled.Done);
        SocialMcpTelemetry.PublishOutcomes.Add(1,
            new KeyValuePair<string, object?>(SocialMcpTelemetry.Tags.Platform, settled.Target.Platform.ToWireName()),
            new KeyValuePair<string, object?>(SocialMcpTelemetry.Tags.Outcome, outcome.Succeeded ? done.Status.ToWireName() : outcome.ErrorCode ?? done.Status.ToWireName()));
    }

    /// <summary>
    /// Part 0 of a thread went out: its id and URL go on the target row, which stays <c>publishing</c> until every part is
    /// live, so a resume knows the head is up and never posts it again.
    /// </summary>
    public Task<PostTarget> RecordHeadAsync(Post post, PostTarget target, PublishOutcome outcome, int parts, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var head = target with { PlatformPostId = outcome.PlatformPostId, PublicUrl = outcome.PublicUrl, PublishedAt = now, UpdatedAt = now };
            await session.Targets.UpdateAsync(head, cancellationToken);
            await AppendStepEventAsync(session, post, target.Platform, "target_part_published", TargetStatus.Publishing, TargetStatus.Published,
                $"part=0 of={parts} platformPostId={outcome.PlatformPostId} attemptId={target.AttemptId}", now, cancellationToken);
            return head;
        }, cancellationToken);

    /// <summary>A step is about to call its platform: <c>publishing</c>, one more attempt, durable before the call.</summary>
    public Task<TargetStep> StartStepAsync(Post post, Platform platform, TargetStepKind kind, int index, TargetStep? before, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var step = (before ?? new TargetStep
            {
                PostId = post.Id, Platform = platform, Kind = kind, Index = index, Status = TargetStatus.Pending, AttemptCount = 0, UpdatedAt = now,
            }) with
            {
                Status = TargetStatus.Publishing,
                AttemptCount = (before?.AttemptCount ?? 0) + 1,
                ErrorCode = null, ErrorMessage = null, PlatformErrorCode = null, PlatformErrorMessage = null, PlatformHttpStatus = null,
                UpdatedAt = now,
            };
            await session.Steps.UpsertAsync(step, cancellationToken);
            return step;
        }, cancellationToken);

    /// <summary>
    /// A step's outcome with its event (<c>target_part_published</c>, <c>target_comment_failed</c>, …) in one transaction;
    /// <paramref name="targetUpdate"/>, when given, is written with it (a first comment's error shown on its live target).
    /// </summary>
    public Task<TargetStep> RecordStepAsync(
        Post post, PostTarget target, TargetStep step, PublishOutcome outcome, int parts, PostTarget? targetUpdate, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var done = step with
            {
                Status = outcome.Status,
                PlatformPostId = outcome.PlatformPostId ?? step.PlatformPostId,
                PublicUrl = outcome.PublicUrl ?? step.PublicUrl,
                ErrorCode = outcome.ErrorCode,
                ErrorMessage = outcome.StoredErrorMessage,
                PlatformErrorCode = outcome.PlatformErrorCode,
                PlatformErrorMessage = outcome.PlatformErrorMessage,
                PlatformHttpStatus = outcome.PlatformHttpStatus,
                PublishedAt = outcome.Succeeded ? now : step.PublishedAt,
                UpdatedAt = now,
            };
            await session.Steps.UpsertAsync(done, cancellationToken);
            if (targetUpdate is not null)
                await session.Targets.UpdateAsync(targetUpdate with { UpdatedAt = now }, cancellationToken);
            var what = step.Kind == TargetStepKind.Comment ? "comment" : "part";
            var position = step.Kind == TargetStepKind.Comment ? "" : $"part={step.Index} of={parts} ";
            var detail = outcome.Succeeded ? $"platformPostId={outcome.PlatformPostId}"
                : done.Status == TargetStatus.NeedsReconciliation ? $"reason={outcome.ErrorMessage}"
                : $"error={outcome.ErrorCode}";
            await AppendStepEventAsync(session, post, step.Platform, $"target_{what}_{done.Status.ToWireName()}", step.Status, done.Status,
                $"{position}{detail} attemptId={target.AttemptId}", now, cancellationToken);
            return done;
        }, cancellationToken);

    /// <summary>A step taken down (withdraw_post, a rollback): withdrawn, with its event.</summary>
    public Task MarkStepsWithdrawnAsync(Post post, IReadOnlyList<TargetStep> steps, string detail, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            foreach (var step in steps)
            {
                await session.Steps.UpsertAsync(step with { Status = TargetStatus.Withdrawn, UpdatedAt = now }, cancellationToken);
                var what = step.Kind == TargetStepKind.Comment ? "comment" : "part";
                await AppendStepEventAsync(session, post, step.Platform, $"target_{what}_withdrawn", step.Status, TargetStatus.Withdrawn,
                    (step.Kind == TargetStepKind.Comment ? "" : $"part={step.Index} ") + detail, now, cancellationToken);
            }
            return 0;
        }, cancellationToken);

    private static async Task AppendStepEventAsync(IStoreSession session, Post post, Platform platform, string eventType, TargetStatus from, TargetStatus to,
        string detail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var version = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
        await session.Events.AppendAsync(new PostEvent
        {
            Id = 0,
            PostId = post.Id,
            Platform = platform,
            EventType = eventType,
            FromStatus = from.ToWireName(),
            ToStatus = to.ToWireName(),
            PostVersion = version,
            Detail = detail,
            OccurredAt = now,
        }, cancellationToken);
    }

    /// <summary>An event about a target that does not change its row (a wait, a rollback that failed), with the post's version bump.</summary>
    public Task AppendEventAsync(Post post, PostTarget target, string eventType, TargetStatus status, string detail, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var version = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
            await session.Events.AppendAsync(new PostEvent
            {
                Id = 0,
                PostId = post.Id,
                Platform = target.Platform,
                EventType = eventType,
                FromStatus = target.Status.ToWireName(),
                ToStatus = status.ToWireName(),
                PostVersion = version,
                Detail = detail,
                OccurredAt = now,
            }, cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>Where the adapter keeps this target's handles across attempts and restarts.</summary>
    public IPublishHandles HandlesFor(string postId, Platform platform) => new StoredPublishHandles(store, postId, platform, time);

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
}
