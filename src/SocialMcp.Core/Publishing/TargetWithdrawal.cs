using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Publishing;

/// <summary>Takes one live target down through its platform and records what happened. Shared by withdraw_post and the all_or_nothing rollback.</summary>
public sealed class TargetWithdrawal(
    IPublisherResolver publishers, IStore store, IAccountTokenRefresher refresher, TimeProvider time, ILogger<TargetWithdrawal> logger)
{
    public bool CanWithdraw(Account account, Platform platform) => publishers.For(account).CapabilitiesFor(platform).CanWithdraw;

    /// <summary>
    /// Withdraws the target: withdrawn with <paramref name="eventType"/>, or an event saying the attempt failed (the target
    /// stays live). A publisher that throws counts as a failed attempt. <paramref name="cause"/> is kept on the target: only a
    /// rollback's targets go up again with retry_post.
    /// </summary>
    public async Task<TargetActionOutcome> WithdrawAsync(
        Post post, PostTarget target, Account account, WithdrawalCause cause, string eventType, string? detail, CancellationToken cancellationToken)
    {
        var outcome = await CallPlatformAsync(post, target, account, cancellationToken);
        // The token expired: renew it once and try again (a refused delete took nothing down, so trying again is safe).
        if (outcome.ErrorCode == ErrorCodes.AuthExpired && !account.IsSandbox && account.RefreshModel is not (null or RefreshModel.ReconnectOnly)
            && await refresher.RefreshAsync(account.Id, force: true, cancellationToken) == RefreshResult.Refreshed)
        {
            outcome = await CallPlatformAsync(post, target, await refresher.EnsureFreshAsync(account, cancellationToken), cancellationToken);
        }
        await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var newVersion = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
            if (outcome.Succeeded)
                await session.Targets.UpdateAsync(target with { Status = TargetStatus.Withdrawn, WithdrawnBy = cause, UpdatedAt = now }, cancellationToken);
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

    private async Task<WithdrawOutcome> CallPlatformAsync(Post post, PostTarget target, Account account, CancellationToken cancellationToken)
    {
        try
        {
            return await publishers.For(account).WithdrawAsync(
                new WithdrawRequest(post.Id, target.Platform, account, target.PlatformPostId!), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Withdrawing post {PostId} from {Platform} threw", post.Id, target.Platform.ToWireName());
            return WithdrawOutcome.Failed(ErrorCodes.PlatformError, $"{target.Platform.ToWireName()} withdraw failed unexpectedly.");
        }
    }
}
