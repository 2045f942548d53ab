using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Posts;

/// <summary>The legal moves of a post's status. Anything not listed answers INVALID_STATUS_TRANSITION.</summary>
public static class PostTransitions
{
    private static readonly Dictionary<PostStatus, PostStatus[]> Allowed = new()
    {
        // Draft → Draft and Scheduled → Scheduled are edits (update_post, reschedule).
        [PostStatus.Draft] = [PostStatus.Draft, PostStatus.Scheduled, PostStatus.Publishing, PostStatus.Discarded, PostStatus.AwaitingApproval],
        // Scheduled → Failed: the scheduler fired it and the publish-time checks failed (e.g. the token expired meanwhile).
        // Scheduled → Missed: the scheduler found it later than its lateness allows (no process ran at its time).
        // Scheduled → Draft: unschedule_post, until the scheduler's claim has started publishing it.
        [PostStatus.Scheduled] = [PostStatus.Scheduled, PostStatus.Publishing, PostStatus.Failed, PostStatus.Discarded, PostStatus.Missed, PostStatus.Draft, PostStatus.AwaitingApproval],
        // A missed post is never published by itself: publish_post (now, asked explicitly), schedule_post (a new time),
        // unschedule_post (back to draft) or cancel_post (discarded).
        [PostStatus.Missed] = [PostStatus.Publishing, PostStatus.Scheduled, PostStatus.Draft, PostStatus.Discarded, PostStatus.AwaitingApproval],
        [PostStatus.Publishing] = [PostStatus.Published, PostStatus.Partial, PostStatus.Failed],
        // Partial → Partial / Published → Published: some targets withdrawn, others still live.
        [PostStatus.Published] = [PostStatus.Published, PostStatus.Withdrawn, PostStatus.AwaitingApproval],
        [PostStatus.Partial] = [PostStatus.Partial, PostStatus.Publishing, PostStatus.Discarded, PostStatus.Withdrawn, PostStatus.AwaitingApproval],
        // Partial → Partial and Failed → Failed are also edits of the failed targets (update_post, see PostEdits).
        [PostStatus.Failed] = [PostStatus.Failed, PostStatus.Publishing, PostStatus.Discarded, PostStatus.AwaitingApproval],
        // Awaiting approval (issue 16): approved, the held action goes on (scheduled, publishing, or a withdraw of the live
        // post); rejected, the post returns to the status it had (ApprovalRequest.ReturnStatus).
        [PostStatus.AwaitingApproval] =
        [
            PostStatus.Draft, PostStatus.Scheduled, PostStatus.Publishing, PostStatus.Published, PostStatus.Partial,
            PostStatus.Failed, PostStatus.Missed, PostStatus.Discarded,
        ],
        [PostStatus.Discarded] = [],
        [PostStatus.Withdrawn] = [],
    };

    public static bool CanMove(PostStatus from, PostStatus to) => Allowed[from].Contains(to);

    /// <summary>The statuses from which a post may move to <paramref name="to"/>, for error messages.</summary>
    public static IReadOnlyList<PostStatus> SourcesOf(PostStatus to) =>
        Allowed.Where(pair => pair.Value.Contains(to) && pair.Key != to).Select(pair => pair.Key).Order().ToList();

    /// <summary>
    /// Whether retry_post publishes this target: a failed one, or on an all_or_nothing post one that its rollback took down
    /// (it goes up again with the rest). A target someone withdrew on purpose (withdraw_post, withdrawn_manually) never does.
    /// </summary>
    public static bool CanRetry(Post post, PostTarget target) =>
        target.Status == TargetStatus.Failed || (post.Policy == PublishPolicy.AllOrNothing && WasRolledBack(target));

    /// <summary>An all_or_nothing rollback took this target down (not a person, not withdraw_post).</summary>
    public static bool WasRolledBack(PostTarget target) =>
        target.Status == TargetStatus.Withdrawn && target.WithdrawnBy == WithdrawalCause.Rollback;

    /// <summary>
    /// Whether update_post may change what this target publishes: one that has not gone out (pending) or that retry_post
    /// would publish again. Live, withdrawn and needs_reconciliation targets keep what they went out with.
    /// </summary>
    public static bool IsEditable(Post post, PostTarget target) => target.Status == TargetStatus.Pending || CanRetry(post, target);

    /// <summary>
    /// The post status that sums up its targets after a publish attempt. Given the post, a thread target that stopped part-way
    /// with its first parts live (issue 15) counts as partly live: the post is partial, not failed, so withdraw_post can take
    /// those parts down and nothing live hides behind a failed post.
    /// </summary>
    public static PostStatus Aggregate(IReadOnlyCollection<PostTarget> targets, Post? post = null)
    {
        var live = targets.Count(t => t.Status.IsLive());
        var partlyLive = post is not null && targets.Any(t => IsPartlyLive(post, t));
        return live == targets.Count ? PostStatus.Published
            : live == 0 && !partlyLive ? PostStatus.Failed
            : PostStatus.Partial;
    }

    /// <summary>A thread target that did not finish (failed, needs_reconciliation) while its first parts are live.</summary>
    public static bool IsPartlyLive(Post post, PostTarget target) =>
        target.Status is TargetStatus.Failed or TargetStatus.NeedsReconciliation && Publishing.TargetSteps.HeadIsUp(post, target);
}
