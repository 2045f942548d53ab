using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Posts;

/// <summary>
/// The lateness policy (a scheduled post found too late becomes <c>missed</c>) and unscheduling (a scheduled or missed post
/// back to draft). Both race the scheduler's claim; each side re-checks the status inside its own write transaction, and
/// SQLite runs one write transaction at a time, so exactly one of them wins.
/// </summary>
public sealed partial class PostService
{
    /// <summary>
    /// For the scheduler, on a due post it has leased: when the post's scheduled time is further back than its lateness
    /// (<see cref="Post.MaxLateness"/>, else <paramref name="defaultLateness"/>), marks it <c>missed</c> in one transaction —
    /// status, event <c>post_missed</c> with how late, lease released — and tells whoever watches it. Null, changing nothing,
    /// when the post is within its lateness or no longer this worker's scheduled post (then the fire re-checks and skips it).
    /// </summary>
    public async Task<PostDetails?> MissIfTooLateAsync(
        string workspaceId, string postId, string leaseOwner, TimeSpan defaultLateness, CancellationToken cancellationToken)
    {
        var missed = await store.WriteAsync<PostDetails?>(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            if (post.Status != PostStatus.Scheduled || post.ScheduledFor is not { } scheduledFor
                || !await session.Posts.HoldsLeaseAsync(post.Id, leaseOwner, now, cancellationToken))
                return null;
            var lateness = post.MaxLateness ?? defaultLateness;
            var lateBy = now - scheduledFor;
            if (lateBy <= lateness)
                return null;
            var saved = await changes.ChangeAsync(session, post, post with { Status = PostStatus.Missed }, "post_missed",
                $"lateBySeconds={(long)lateBy.TotalSeconds} maxLatenessSeconds={(long)lateness.TotalSeconds} scheduledFor={scheduledFor:O}",
                cancellationToken);
            await session.Posts.ReleaseLeaseAsync(post.Id, leaseOwner, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);
        if (missed is not null)
            changeNotifier.PostChanged(workspaceId, postId);
        return missed;
    }

    /// <summary>
    /// Puts a scheduled (or missed) post back to draft, its time cleared, version checked, as long as nothing has started:
    /// the status is read inside this write transaction, so a scheduler that claimed the post first (publishing) makes this
    /// refuse, and one that claims after finds a draft and skips it.
    /// </summary>
    public Task<PostDetails> UnscheduleAsync(string workspaceId, string postId, int version, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            // Status first: a post the scheduler has started publishing has a newer version too, and "publishing has started"
            // is the answer that tells the agent what happened.
            if (post.Status is not (PostStatus.Scheduled or PostStatus.Missed))
                throw CannotUnschedule(post, targets);
            PostChanges.EnsureVersion(post, version);
            var saved = await changes.ChangeAsync(session, post, post with { Status = PostStatus.Draft, ScheduledFor = null }, "unscheduled",
                post.ScheduledFor is { } was ? $"scheduledFor={was:O}" : null, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    private static ConflictException CannotUnschedule(Post post, IReadOnlyList<PostTarget> targets)
    {
        var hint = post.Status switch
        {
            PostStatus.Draft => "It is already a draft: nothing to do.",
            PostStatus.Publishing => "Publishing has started, so it can no longer go back to draft: follow it with get_post, then withdraw_post what went live if it should come down.",
            PostStatus.Published or PostStatus.Partial => "It has already gone out: withdraw_post takes the live targets down.",
            PostStatus.Failed => "It was tried and failed: update_post fixes it and retry_post publishes it, or cancel_post discards it.",
            _ => "It can no longer be scheduled: create_post makes a new post.",
        };
        var states = string.Join(", ", targets.Select(t => $"{t.Platform.ToWireName()} {t.Status.ToWireName()}"));
        return new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
            $"unschedule_post moves only scheduled or missed posts back to draft; this post is '{post.Status.ToWireName()}' ({states}). Nothing was changed.",
            "$.postId", Hint: hint));
    }
}
