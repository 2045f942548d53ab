using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Core.Posts;

/// <summary>Taking live targets down: withdraw_post, and the rollback of an all_or_nothing post.</summary>
public sealed partial class PostService
{
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
            outcomes.Add(await WithdrawTargetAsync(post, target, accounts[target.Platform], "target_withdrawn", null, cancellationToken));

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

    /// <summary>
    /// Takes one live target down through its platform and records it: withdrawn with <paramref name="eventType"/>, or an event
    /// saying the attempt failed (the target stays live). Shared by withdraw_post and the all_or_nothing rollback.
    /// </summary>
    private async Task<TargetActionOutcome> WithdrawTargetAsync(
        Post post, PostTarget target, Account account, string eventType, string? detail, CancellationToken cancellationToken)
    {
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
        await store.WriteAsync(async session =>
        {
            var now = time.GetUtcNow();
            var newVersion = await session.Posts.BumpVersionAsync(post.Id, now, cancellationToken) ?? post.Version;
            if (outcome.Succeeded)
                await session.Targets.UpdateAsync(target with { Status = TargetStatus.Withdrawn, UpdatedAt = now }, cancellationToken);
            await session.Events.AppendAsync(new PostEvent(0, post.Id, target.Platform,
                outcome.Succeeded ? eventType : "target_withdraw_failed", target.Status.ToWireName(),
                outcome.Succeeded ? TargetStatus.Withdrawn.ToWireName() : target.Status.ToWireName(), newVersion,
                outcome.Succeeded ? detail : $"error={outcome.ErrorCode}" + (detail is null ? "" : $" {detail}"), now), cancellationToken);
            return 0;
        }, cancellationToken);
        return new TargetActionOutcome(target.Platform, outcome.Succeeded, outcome.ErrorCode, outcome.ErrorMessage);
    }
}
