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
    /// </summary>
    public async Task<PostTarget> RunAsync(
        Post post, PostTarget target, Account account, DateTimeOffset deadline, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        PublishOutcome outcome;
        var reconnectRequired = false;
        // Media are fetched, probed and opened before the platform slot: a slow URL holds nothing others share.
        await using var media = await mediaStep.PrepareAsync(post, target.Platform, account, cancellationToken);
        if (media.Failure is { } refused)
            return await recorder.RecordOutcomeAsync(post, target, account, refused, cancellationToken);
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
                    (outcome, reconnectRequired) = await CallPlatformRenewingOnceAsync(post, target, account, media, cancellationToken);
                    // A rate limit (429 + reset) or a used-up quota (YouTube's daily units, a publishing cap) both say when to come back.
                    resetAt = outcome.ErrorCode is ErrorCodes.RateLimited or ErrorCodes.QuotaExhausted ? outcome.RetryAfter : null;
                    reason = outcome.ErrorCode == ErrorCodes.QuotaExhausted
                        ? $"{target.Platform.ToWireName()} quota used up"
                        : $"{target.Platform.ToWireName()} asked to wait (rate limit)";
                }
            }
            if (!waiter.ShouldWait(resetAt, deadline, waits))
                break;
            await waiter.WaitAsync(post, target, resetAt!.Value, reason, progress, cancellationToken);
        }
        return await recorder.RecordOutcomeAsync(post, target, account, outcome, cancellationToken, reconnectRequired);
    }

    /// <summary>
    /// Publishes; when the platform says the token expired and the account can be refreshed, refreshes it once (forced) and
    /// publishes once more. Safe for the ledger: an AUTH_EXPIRED answer means the platform created nothing, and the retry
    /// is the same attempt (same attempt id, same handles), so an adapter that got part-way reconciles from its handles.
    /// <c>ReconnectRequired</c> is true when only a reconnect can help: the refresh found the grant dead, or the platform
    /// refused the renewed token too.
    /// </summary>
    private async Task<(PublishOutcome Outcome, bool ReconnectRequired)> CallPlatformRenewingOnceAsync(
        Post post, PostTarget target, Account account, TargetMedia.PreparedMedia media, CancellationToken cancellationToken)
    {
        var outcome = await CallPlatformAsync(post, target, account, media, cancellationToken);
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
        var retried = await CallPlatformAsync(post, target, renewed, media, cancellationToken);
        return (retried, retried.ErrorCode == ErrorCodes.AuthExpired);
    }

    private async Task<PublishOutcome> CallPlatformAsync(Post post, PostTarget target, Account account, TargetMedia.PreparedMedia media,
        CancellationToken cancellationToken)
    {
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
                Attempt = target.AttemptCount,
                Handles = recorder.HandlesFor(post.Id, target.Platform),
                MediaContent = media.HasContent ? media : null,
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
