using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Publishing;

/// <summary>Takes one live target down through its platform and records what happened. Shared by withdraw_post and the all_or_nothing rollback.</summary>
public sealed class TargetWithdrawal(
    IPublisherResolver publishers, IStore store, IAccountTokenRefresher refresher, TargetRecorder recorder, TimeProvider time, ILogger<TargetWithdrawal> logger)
{
    public bool CanWithdraw(Account account, Platform platform) => publishers.For(account).CapabilitiesFor(platform).CanWithdraw;

    /// <summary>
    /// Withdraws the target: withdrawn with <paramref name="eventType"/>, or an event saying the attempt failed (the target
    /// stays live). A publisher that throws counts as a failed attempt. <paramref name="cause"/> is kept on the target: only a
    /// rollback's targets go up again with retry_post.
    /// </summary>
    /// <para>
    /// Issue 15: a thread comes down last part first, and a first comment that is a post of its own (an X or Threads
    /// self-reply) before the parts; each removed step is marked withdrawn at once. A step that will not come down stops
    /// there: the target stays live and the outcome names the step. Comments on Facebook, Instagram, LinkedIn and YouTube
    /// go with their post and are marked withdrawn with it.
    /// </para>
    public async Task<TargetActionOutcome> WithdrawAsync(
        Post post, PostTarget target, Account account, WithdrawalCause cause, string eventType, string? detail, CancellationToken cancellationToken)
    {
        if (await WithdrawStepsAsync(post, target, account, detail, cancellationToken) is { } stepFailed)
            return stepFailed;
        var outcome = await CallPlatformRenewingOnceAsync(post, target, account, target.PlatformPostId!, null, cancellationToken);
        await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var newVersion = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
            if (outcome.Succeeded)
            {
                await session.Targets.UpdateAsync(target with { Status = TargetStatus.Withdrawn, WithdrawnBy = cause, UpdatedAt = now }, cancellationToken);
                // Comments on the post (not posts of their own) went with it.
                foreach (var comment in target.Steps.Where(s => s.Kind == TargetStepKind.Comment && s.Status.IsLive()))
                    await session.Steps.UpsertAsync(comment with { Status = TargetStatus.Withdrawn, UpdatedAt = now }, cancellationToken);
            }
            await session.Events.AppendAsync(new PostEvent
            {
                Id = 0,
                PostId = post.Id,
                Platform = target.Platform,
                EventType = outcome.Succeeded ? eventType : "target_withdraw_failed",
                FromStatus = target.Status.ToWireName(),
                ToStatus = outcome.Succeeded ? TargetStatus.Withdrawn.ToWireName() : target.Status.ToWireName(),
                PostVersion = newVersion,
                Detail = outcome.Succeeded ? detail : $"error={outcome.ErrorCode}" + (detail is null ? "" : $" {detail}"),
                OccurredAt = now,
            }, cancellationToken);
            return 0;
        }, cancellationToken);
        return new TargetActionOutcome(target.Platform, outcome.Succeeded, outcome.ErrorCode, outcome.ErrorMessage);
    }

    /// <summary>
    /// Takes down the live steps of a thread or self-reply comment, the comment first and then the parts last first, each
    /// marked withdrawn as soon as it is gone. Null when all came down (or there were none); otherwise the failure, naming the step.
    /// </summary>
    private async Task<TargetActionOutcome?> WithdrawStepsAsync(Post post, PostTarget target, Account account, string? detail, CancellationToken cancellationToken)
    {
        var parts = target.Steps.Where(s => s.Kind == TargetStepKind.Part).ToDictionary(s => s.Index);
        var order = target.Steps
            .Where(s => s.Status.IsLive() && s.PlatformPostId is not null)
            .Where(s => s.Kind == TargetStepKind.Part || TargetSteps.CommentIsAPost(target.Platform))
            .OrderBy(s => s.Kind == TargetStepKind.Comment ? 0 : 1)
            .ThenByDescending(s => s.Index)
            .ToList();
        var count = Math.Max(post.Content.Parts.Count, parts.Count == 0 ? 1 : parts.Keys.Max() + 1);
        foreach (var step in order)
        {
            // The post it answers: part i-1 (the head for part 1), and the head for the comment.
            var parent = step.Kind == TargetStepKind.Part && step.Index > 1 && parts.TryGetValue(step.Index - 1, out var previous)
                ? previous.PlatformPostId
                : target.PlatformPostId;
            var outcome = await CallPlatformRenewingOnceAsync(post, target, account, step.PlatformPostId!, parent, cancellationToken);
            var name = TargetSteps.Describe(step.Kind, step.Index, count);
            if (!outcome.Succeeded)
            {
                await recorder.AppendEventAsync(post, target, "target_withdraw_failed", target.Status,
                    $"error={outcome.ErrorCode} step={name}" + (detail is null ? "" : $" {detail}"), cancellationToken);
                return new TargetActionOutcome(target.Platform, false, outcome.ErrorCode,
                    $"Taking down {name} failed, so the post is still live: {outcome.ErrorMessage}");
            }
            await recorder.MarkStepsWithdrawnAsync(post, [step], detail ?? "", cancellationToken);
        }
        return null;
    }

    private async Task<WithdrawOutcome> CallPlatformRenewingOnceAsync(
        Post post, PostTarget target, Account account, string platformPostId, string? parentPlatformPostId, CancellationToken cancellationToken)
    {
        var outcome = await CallPlatformAsync(post, target, account, platformPostId, parentPlatformPostId, cancellationToken);
        // The token expired: renew it once and try again (a refused delete took nothing down, so trying again is safe).
        if (outcome.ErrorCode == ErrorCodes.AuthExpired && !account.IsSandbox && account.RefreshModel is not (null or RefreshModel.ReconnectOnly)
            && await refresher.RefreshAsync(account.Id, force: true, cancellationToken) == RefreshResult.Refreshed)
        {
            outcome = await CallPlatformAsync(post, target, await refresher.EnsureFreshAsync(account, cancellationToken), platformPostId, parentPlatformPostId,
                cancellationToken);
        }
        return outcome;
    }

    private async Task<WithdrawOutcome> CallPlatformAsync(
        Post post, PostTarget target, Account account, string platformPostId, string? parentPlatformPostId, CancellationToken cancellationToken)
    {
        try
        {
            return await publishers.For(account).WithdrawAsync(
                new WithdrawRequest(post.Id, target.Platform, account, platformPostId, parentPlatformPostId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Withdrawing post {PostId} from {Platform} threw", post.Id, target.Platform.ToWireName());
            return WithdrawOutcome.Failed(ErrorCodes.PlatformError, $"{target.Platform.ToWireName()} withdraw failed unexpectedly.");
        }
    }
}
