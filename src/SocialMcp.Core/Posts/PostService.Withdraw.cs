using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Core.Posts;

/// <summary>withdraw_post: taking live targets down, each through <see cref="TargetWithdrawal"/>.</summary>
public sealed partial class PostService
{
    /// <summary>Takes live targets down. Where a platform cannot withdraw, answers WITHDRAW_NOT_SUPPORTED and changes nothing.</summary>
    public async Task<WithdrawResult> WithdrawAsync(
        string workspaceId, string postId, IReadOnlyList<Platform>? requested, int? version, CancellationToken cancellationToken)
    {
        var (post, targets, accounts) = await store.ReadAsync(async session =>
        {
            var (p, t) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            var a = await PostChanges.AccountsByPlatformAsync(session, workspaceId, p.PlatformSetId, cancellationToken);
            return (p, t, a);
        }, cancellationToken);
        PostChanges.EnsureVersion(post, version);
        PostChanges.EnsureCanMove(post, PostStatus.Withdrawn, "withdraw");

        var chosen = ChooseTargetsToWithdraw(targets, requested);
        foreach (var target in chosen)
        {
            var account = accounts.GetValueOrDefault(target.Platform);
            if (account is null || !withdrawal.CanWithdraw(account, target.Platform))
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
            outcomes.Add(await withdrawal.WithdrawAsync(post, target, accounts[target.Platform], "target_withdrawn", null, cancellationToken));

        var details = await store.WriteAsync(async session =>
        {
            var (current, currentTargets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            var anyLive = currentTargets.Any(t => t.Status.IsLive());
            var final = anyLive ? current.Status : PostStatus.Withdrawn;
            var saved = await changes.ChangeAsync(session, current, current with { Status = final }, "withdraw_finished",
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
}
