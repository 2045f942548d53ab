using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;

namespace SocialMcp.Core.Publishing;

/// <summary>Step 2 of the ledger for one claimed target: publish it through its platform, waiting for limits, and record the outcome.</summary>
public sealed class TargetRun(
    IPublisherResolver publishers, PublishConcurrency concurrency, DailyCaps caps, LimitWaiter waiter, TargetRecorder recorder,
    IAccountTokenRefresher refresher, TargetMedia mediaStep, ILogger<TargetRun> logger)
{
    /// <summary>
    /// Publishes one target, waiting (outside its concurrency slot) for the account's daily cap, the platform's rate-limit
    /// reset or its quota reset while that still fits before <paramref name="deadline"/>; then records the outcome with the
    /// status change. Each retry after a wait is safe: a refusal created nothing, and the adapter reconciles from its handles.
    /// <para>
    /// Issue 15: a thread goes out part by part, each part a reply to the one before (part 0 to <c>content.replyTo</c> when
    /// set); each part's outcome is durable before the next call, and a resume starts at the first part that is not live.
    /// The target is published once every part is, and only then does its first comment go out, as a step of its own. A
    /// target that is already live is here only for that comment (retry_post): its post is never sent again.
    /// </para>
    /// </summary>
    /// <param name="handOff">This target's part in the publish's outcome hand-off (<see cref="OutcomeHandOff"/>); null: it records its own.</param>
    public async Task<PostTarget> RunAsync(
        Post post, PostTarget target, Account account, DateTimeOffset deadline, IProgress<PublishProgress>? progress, OutcomeHandOff.Ticket? handOff,
        CancellationToken cancellationToken)
    {
        if (target.Status.IsLive())
            return await RunCommentAsync(post, target, account, deadline, progress, cancellationToken);

        var parts = post.Content.IsThread ? post.Content.Parts.Count : 1;
        var head = target;
        if (!TargetSteps.HeadIsUp(post, target))
        {
            var replyTo = post.Content.ReplyTo is { } answered && answered.Platform == target.Platform ? answered.PlatformPostId : null;
            var (outcome, reconnectRequired) = await PublishOnceAsync(
                post, target, account, recorder.HandlesFor(post.Id, target.Platform), target.AttemptCount, replyTo, deadline, progress, cancellationToken);
            if (parts == 1 || !outcome.Succeeded || outcome.Status != TargetStatus.Published || outcome.PlatformPostId is null)
            {
                var done = await RecordFinalAsync(post, target, account, parts == 1 ? outcome : NamePart(outcome, 0, parts), reconnectRequired, handOff, cancellationToken);
                return await RunCommentAsync(post, done, account, deadline, progress, cancellationToken);
            }
            head = await recorder.RecordHeadAsync(post, target, outcome, parts, cancellationToken);
            progress?.Report(new PublishProgress(null, null, head, $"{target.Platform.ToWireName()}: part 1 of {parts} live {outcome.PublicUrl}"));
        }

        var parentId = head.PlatformPostId!;
        for (var index = 1; index < parts; index++)
        {
            var before = TargetSteps.Part(head, index);
            if (before is { Status: TargetStatus.Published, PlatformPostId: { } liveId })
            {
                parentId = liveId;
                continue;
            }
            var (step, outcome, reconnectRequired) = await RunStepAsync(
                post, head, account, TargetStepKind.Part, index, TargetSteps.PartView(post, index), before, parentId, parts, deadline, progress, cancellationToken);
            if (!outcome.Succeeded || step.PlatformPostId is null)
                return await RecordFinalAsync(post, head, account, NamePart(outcome, index, parts), reconnectRequired, handOff, cancellationToken);
            parentId = step.PlatformPostId;
            progress?.Report(new PublishProgress(null, null, head, $"{target.Platform.ToWireName()}: part {index + 1} of {parts} live {step.PublicUrl}"));
        }

        var published = await RecordFinalAsync(post, head, account, PublishOutcome.Published(head.PlatformPostId!, head.PublicUrl), false, handOff, cancellationToken);
        return await RunCommentAsync(post, published, account, deadline, progress, cancellationToken);
    }

    /// <summary>Writes an outcome that was handed off to a finish that will not happen (another target of the publish threw).</summary>
    public Task<PostTarget> RecordHandedOffAsync(SettledOutcome settled, CancellationToken cancellationToken) =>
        recorder.RecordAsync(settled, cancellationToken);

    /// <summary>
    /// The target's outcome: handed to the finish transaction when this is the publish's last target and no first comment
    /// follows it (<see cref="OutcomeHandOff"/>), else written now, in a unit of its own.
    /// </summary>
    private async Task<PostTarget> RecordFinalAsync(Post post, PostTarget target, Account account, PublishOutcome outcome, bool reconnectRequired,
        OutcomeHandOff.Ticket? handOff, CancellationToken cancellationToken)
    {
        var settled = recorder.Settle(post, target, account, outcome, reconnectRequired);
        if (handOff is not null && !TargetSteps.OwesComment(post, settled.Done) && handOff.TryTake(settled))
            return settled.Done;
        return await recorder.RecordAsync(settled, cancellationToken);
    }

    /// <summary>
    /// The first comment of a target that is live: after the post, as its own step replying to part 0. The target is recorded
    /// published before this call, so a failed comment leaves it (and the post) published, with the comment's error shown on it.
    /// </summary>
    private async Task<PostTarget> RunCommentAsync(
        Post post, PostTarget target, Account account, DateTimeOffset deadline, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        if (!TargetSteps.OwesComment(post, target) || post.Content.FirstCommentFor(target.Platform) is not { } comment)
            return target;
        var parts = post.Content.IsThread ? post.Content.Parts.Count : 1;
        var (step, outcome, _) = await RunStepAsync(post, target, account, TargetStepKind.Comment, 0, TargetSteps.CommentView(post, comment),
            TargetSteps.Comment(target), target.PlatformPostId!, parts, deadline, progress, cancellationToken, commentTarget: true);
        progress?.Report(new PublishProgress(null, null, target,
            $"{target.Platform.ToWireName()}: first comment {step.Status.ToWireName()}" + (outcome.Succeeded ? "" : $" {outcome.ErrorCode}")));
        var steps = target.Steps.Where(s => s.Kind != TargetStepKind.Comment).Append(step).ToList();
        return outcome.Succeeded ? target with { ErrorCode = null, ErrorMessage = null, Steps = steps } : CommentFailedOn(target, step) with { Steps = steps };
    }

    /// <summary>One step (a later part or the first comment): publishing, its media, the platform call under its own handles, the outcome.</summary>
    private async Task<(TargetStep Step, PublishOutcome Outcome, bool ReconnectRequired)> RunStepAsync(
        Post post, PostTarget target, Account account, TargetStepKind kind, int index, Post view, TargetStep? before, string replyTo, int parts,
        DateTimeOffset deadline, IProgress<PublishProgress>? progress, CancellationToken cancellationToken, bool commentTarget = false)
    {
        var step = await recorder.StartStepAsync(post, target.Platform, kind, index, before, cancellationToken);
        var handles = TargetSteps.Prefixed(recorder.HandlesFor(post.Id, target.Platform), step.HandlePrefix);
        var (outcome, reconnectRequired) = await PublishOnceAsync(view, target, account, handles, step.AttemptCount, replyTo, deadline, progress, cancellationToken);
        // A first comment's error is shown on its live target too; a comment that went out clears an earlier one.
        PostTarget? targetUpdate = !commentTarget ? null
            : outcome.Succeeded ? (target.ErrorCode is null ? null : target with { ErrorCode = null, ErrorMessage = null })
            : CommentFailedOn(target, step with { ErrorCode = outcome.ErrorCode, ErrorMessage = outcome.ErrorMessage });
        var done = await recorder.RecordStepAsync(post, target, step, outcome, parts, targetUpdate, cancellationToken);
        if (!outcome.Succeeded)
        {
            logger.LogInformation("Post {PostId} on {Platform}: {Step} did not go out: {Code}",
                post.Id, target.Platform.ToWireName(), TargetSteps.Describe(kind, index, parts), outcome.ErrorCode ?? done.Status.ToWireName());
        }
        return (done, outcome, reconnectRequired);
    }

    private static PostTarget CommentFailedOn(PostTarget target, TargetStep step) => target with
    {
        ErrorCode = step.ErrorCode ?? ErrorCodes.PlatformError,
        ErrorMessage = $"The post is live, but its first comment did not go out: {step.ErrorMessage ?? step.Status.ToWireName()} retry_post sends the comment alone.",
    };

    /// <summary>A part's failure as the target's: the message names the part, e.g. "thread[3] (part 4 of 5): …".</summary>
    private static PublishOutcome NamePart(PublishOutcome outcome, int index, int parts) =>
        outcome.Succeeded ? outcome : outcome with { ErrorMessage = $"{TargetSteps.Describe(TargetStepKind.Part, index, parts)}: {outcome.ErrorMessage}" };

    /// <summary>
    /// One platform call of <paramref name="view"/> (the post, or one part or comment of it), its media prepared first and
    /// the limits waited for; the outcome is not recorded here.
    /// </summary>
    private async Task<(PublishOutcome Outcome, bool ReconnectRequired)> PublishOnceAsync(
        Post view, PostTarget target, Account account, IPublishHandles handles, int attempt, string? replyTo, DateTimeOffset deadline,
        IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        PublishOutcome outcome;
        var reconnectRequired = false;
        var call = new PlatformCall(target, handles, attempt, replyTo);
        // Media are fetched, probed and opened before the platform slot: a slow URL holds nothing others share.
        await using var media = await mediaStep.PrepareAsync(view, target.Platform, account, cancellationToken);
        if (media.Failure is { } refused)
            return (refused, false);
        for (var waits = 0; ; waits++)
        {
            DateTimeOffset? resetAt;
            string reason;
            using (await concurrency.EnterAsync(target.Platform, account.Id, account.WorkspaceId, cancellationToken))
            {
                var cap = await caps.FullAsync(account, target.Platform, cancellationToken);
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
                    (outcome, reconnectRequired) = await CallPlatformRenewingOnceAsync(view, call, account, media, cancellationToken);
                    // A rate limit (429 + reset) or a used-up quota (YouTube's daily units, a publishing cap) both say when to come back.
                    resetAt = outcome.ErrorCode is ErrorCodes.RateLimited or ErrorCodes.QuotaExhausted ? outcome.RetryAfter : null;
                    reason = outcome.ErrorCode == ErrorCodes.QuotaExhausted
                        ? $"{target.Platform.ToWireName()} quota used up"
                        : $"{target.Platform.ToWireName()} asked to wait (rate limit)";
                }
            }
            if (!waiter.ShouldWait(resetAt, deadline, waits))
                break;
            await waiter.WaitAsync(view, target, resetAt!.Value, reason, progress, cancellationToken);
        }
        return (outcome, reconnectRequired);
    }

    /// <summary>What one platform call is about beyond the post: which target, under which handles, which attempt, replying to what.</summary>
    private sealed record PlatformCall(PostTarget Target, IPublishHandles Handles, int Attempt, string? ReplyTo);

    /// <summary>
    /// Publishes; when the platform says the token expired and the account can be refreshed, refreshes it once (forced) and
    /// publishes once more. Safe for the ledger: an AUTH_EXPIRED answer means the platform created nothing, and the retry
    /// is the same attempt (same attempt id, same handles), so an adapter that got part-way reconciles from its handles.
    /// <c>ReconnectRequired</c> is true when only a reconnect can help: the refresh found the grant dead, or the platform
    /// refused the renewed token too.
    /// </summary>
    private async Task<(PublishOutcome Outcome, bool ReconnectRequired)> CallPlatformRenewingOnceAsync(
        Post post, PlatformCall call, Account account, TargetMedia.PreparedMedia media, CancellationToken cancellationToken)
    {
        var target = call.Target;
        var outcome = await CallPlatformAsync(post, call, account, media, cancellationToken);
        if (outcome.ErrorCode != ErrorCodes.AuthExpired || account.IsSandbox
            || account.RefreshModel is null or RefreshModel.ReconnectOnly)
            return (outcome, false);

        var renewal = await refresher.RefreshAsync(account.Id, force: true, cancellationToken);
        if (renewal != RefreshResult.Refreshed)
        {
            logger.LogWarning("Post {PostId} on {Platform}: the token expired and renewing account {AccountId} gave {Result}",
                post.Id, target.Platform.ToWireName(), account.Id, renewal);
            return (outcome, renewal == RefreshResult.ReconnectRequired);
        }
        await recorder.AppendEventAsync(post, target, "target_token_renewed", TargetStatus.Publishing,
            $"reason={ErrorCodes.AuthExpired} attemptId={target.AttemptId}", cancellationToken);
        var renewed = await refresher.EnsureFreshAsync(account, cancellationToken);
        var retried = await CallPlatformAsync(post, call, renewed, media, cancellationToken);
        return (retried, retried.ErrorCode == ErrorCodes.AuthExpired);
    }

    private async Task<PublishOutcome> CallPlatformAsync(Post post, PlatformCall call, Account account, TargetMedia.PreparedMedia media,
        CancellationToken cancellationToken)
    {
        var target = call.Target;
        try
        {
            var request = new PublishRequest
            {
                PostId = post.Id,
                Platform = target.Platform,
                Account = account,
                Text = post.Content.TextFor(target.Platform),
                Media = media.ItemsForCall(),
                LinkUrl = post.Content.LinkUrl,
                Settings = post.Content.SettingsFor(target.Platform),
                Attempt = call.Attempt,
                Handles = call.Handles,
                MediaContent = media.HasContent ? media : null,
                ReplyToPlatformPostId = call.ReplyTo,
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
}
