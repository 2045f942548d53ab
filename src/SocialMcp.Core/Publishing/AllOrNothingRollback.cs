using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// all_or_nothing: when a target did not go out (failed, or cannot be accounted for) and others did, takes those down again
/// where the platform allows it, and says for each live target what became of it.
/// </summary>
public sealed class AllOrNothingRollback(IStore store, TargetWithdrawal withdrawal, TargetRecorder recorder, ILogger<AllOrNothingRollback> logger)
{
    /// <summary>Null when there was nothing to undo: every target went out, or none did.</summary>
    public async Task<IReadOnlyList<RolledBackTarget>?> RollBackIfIncompleteAsync(Post post, CancellationToken cancellationToken)
    {
        var (targets, accounts) = await store.ReadAsync(async session =>
        {
            var (_, t) = await PostChanges.LoadAsync(session, post.WorkspaceId, post.Id, cancellationToken);
            return (t, await PostChanges.AccountsByPlatformAsync(session, post.WorkspaceId, post.PlatformSetId, cancellationToken));
        }, cancellationToken);
        var missing = targets.Where(t => t.Status is TargetStatus.Failed or TargetStatus.NeedsReconciliation or TargetStatus.Publishing).ToList();
        // A thread that stopped part-way has its first parts live though its target is not (issue 15): they come down too.
        var live = targets.Where(t => t.Status.IsLive() || PostTransitions.IsPartlyLive(post, t)).ToList();
        if (missing.Count == 0 || live.Count == 0)
            return null;

        var because = string.Join(", ", missing.Select(t => $"{t.Platform.ToWireName()} {t.Status.ToWireName()}" + (t.ErrorCode is null ? "" : $" ({t.ErrorCode})")));
        var rollback = new List<RolledBackTarget>();
        foreach (var target in live)
        {
            var account = accounts[target.Platform];
            if (!withdrawal.CanWithdraw(account, target.Platform))
            {
                rollback.Add(new RolledBackTarget(target.Platform, false, ErrorCodes.WithdrawNotSupported,
                    $"{target.Platform.ToWireName()} cannot delete posts through its API, so this target is still live ({target.PublicUrl ?? target.PlatformPostId}); remove it by hand."));
                await recorder.AppendEventAsync(post, target, "target_rollback_failed", target.Status, $"error={ErrorCodes.WithdrawNotSupported} because={because}", cancellationToken);
                continue;
            }
            var outcome = await withdrawal.WithdrawAsync(post, target, account, WithdrawalCause.Rollback, "target_rolled_back", $"because={because}", cancellationToken);
            rollback.Add(outcome.Succeeded
                ? new RolledBackTarget(target.Platform, true, null, $"Taken down again because {because}.")
                : new RolledBackTarget(target.Platform, false, outcome.ErrorCode,
                    $"Taking it down failed ({outcome.ErrorMessage}); it is still live. Call withdraw_post for it."));
        }
        logger.LogWarning("All-or-nothing post {PostId} did not fully go out ({Because}); rolled back {Count} live target(s)",
            post.Id, because, rollback.Count(r => r.Withdrawn));
        return rollback;
    }
}
