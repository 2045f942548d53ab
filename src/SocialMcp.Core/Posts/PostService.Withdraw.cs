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

        var chosen = ChooseTargetsToWithdraw(post, targets, requested);
        var manual = chosen.Where(t => accounts.GetValueOrDefault(t.Platform) is not { } account || !withdrawal.CanWithdraw(account, t.Platform)).ToList();
        if (manual.Count > 0)
            throw CannotWithdrawThroughApi(manual, chosen, requested);

        var outcomes = new List<TargetActionOutcome>();
        foreach (var target in chosen)
            outcomes.Add(await withdrawal.WithdrawAsync(post, target, accounts[target.Platform], WithdrawalCause.WithdrawPost, "target_withdrawn", null, cancellationToken));

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

    /// <summary>
    /// The live targets (all, or those requested), and thread targets that stopped part-way with their first parts live
    /// (<see cref="PostTransitions.IsPartlyLive"/>): their live parts come down too.
    /// </summary>
    private static List<PostTarget> ChooseTargetsToWithdraw(Post post, IReadOnlyList<PostTarget> targets, IReadOnlyList<Platform>? requested)
    {
        bool Withdrawable(PostTarget t) => t.Status.IsLive() || PostTransitions.IsPartlyLive(post, t);
        if (requested is null)
        {
            var live = targets.Where(Withdrawable).ToList();
            if (live.Count == 0)
                throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
                    "No target of this post is live, so there is nothing to withdraw.", "$.postId", Hint: "Call get_post to see each target's status."));
            return live;
        }

        var chosen = new List<PostTarget>();
        for (var i = 0; i < requested.Count; i++)
        {
            var target = targets.FirstOrDefault(t => t.Platform == requested[i]);
            if (target is null || !Withdrawable(target))
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
    /// WITHDRAW_NOT_SUPPORTED, saying exactly what the person must do: delete the post on the platform by hand (Instagram
    /// and TikTok have no delete in their publishing APIs: docs/platforms.md#instagram-withdraw, #tiktok-withdraw), then
    /// record it with resolve_target; and which platforms withdraw_post can still take down.
    /// </summary>
    private static ConflictException CannotWithdrawThroughApi(
        IReadOnlyList<PostTarget> manual, IReadOnlyList<PostTarget> chosen, IReadOnlyList<Platform>? requested)
    {
        var first = manual[0];
        var index = requested is null ? -1 : requested.ToList().IndexOf(first.Platform);
        var names = string.Join(", ", manual.Select(t => t.Platform.ToWireName()));
        var steps = string.Join(" ", manual.Select(ManualSteps));
        var rest = chosen.Where(t => !manual.Contains(t)).Select(t => t.Platform.ToWireName()).ToList();
        return new ConflictException(new Problem(ErrorCodes.WithdrawNotSupported,
            $"{names} cannot take a post down through {(manual.Count == 1 ? "its" : "their")} API, so a person must delete it there; "
            + "nothing was withdrawn.",
            index >= 0 ? $"$.platforms[{index}]" : "$.platforms", first.Platform,
            steps + (rest.Count == 0 ? "" : $" To take down the rest, call withdraw_post with platforms [{string.Join(", ", rest)}].")));
    }

    private static string ManualSteps(PostTarget target)
    {
        var name = target.Platform.ToWireName();
        var record = $"then call resolve_target with platform {name} and outcome withdrawn_manually to record it.";
        if (target.AccountIsSandbox == true)
            return $"{name} is a sandbox account, so nothing is live anywhere real: {record}";
        var where = target.PublicUrl is { } url ? $"open {url}" : $"find the post (id {target.PlatformPostId ?? "unknown"}) on the account";
        var who = target.AccountHandle is { } handle ? $" signed in as {handle}" : "";
        return $"{name}: {where}{who}, delete the post there in the {name} app or website, {record}";
    }
}
