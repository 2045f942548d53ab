using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Posts;

/// <summary>
/// publish_post publishes a draft, scheduled or missed post, once (a missed post only when asked: the scheduler never does). Every other status is refused with INVALID_STATUS_TRANSITION
/// and a hint for that status; a partial or failed post is never quietly retried (retry_post does that, and says so).
/// </summary>
public static class PublishChecks
{
    public static void EnsurePublishable(Post post, IReadOnlyList<PostTarget> targets)
    {
        if (post.Status is PostStatus.Draft or PostStatus.Scheduled or PostStatus.Missed)
            return;
        var states = string.Join(", ", targets.Select(t => $"{t.Platform.ToWireName()} {t.Status.ToWireName()}"));
        throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
            $"publish_post publishes only draft, scheduled or missed posts; this post is '{post.Status.ToWireName()}' ({states}). Nothing was published.",
            "$.postId", Hint: HintFor(post, targets)));
    }

    private static string HintFor(Post post, IReadOnlyList<PostTarget> targets)
    {
        var retryable = targets.Where(t => PostTransitions.CanRetry(post, t)).Select(t => t.Platform.ToWireName()).ToList();
        var unsettled = targets.Where(t => t.Status == TargetStatus.NeedsReconciliation).Select(t => t.Platform.ToWireName()).ToList();
        return post.Status switch
        {
            PostStatus.Partial or PostStatus.Failed when retryable.Count > 0 =>
                $"Call retry_post to publish the failed targets again ({string.Join(", ", retryable)}); if their errorCode says the content "
                + "or media was refused, fix it first with update_post.",
            PostStatus.Partial or PostStatus.Failed when unsettled.Count > 0 =>
                $"Settle {string.Join(", ", unsettled)} with resolve_target first (check the account on the platform).",
            PostStatus.Publishing => "It is being published now: follow it with get_post.",
            PostStatus.AwaitingApproval =>
                $"It is waiting for a person to approve its {post.Approval?.Action.ToWireName() ?? "action"}: approve_post or reject_post (a key with the posts:approve scope) decides; get_post shows the request.",
            PostStatus.Published or PostStatus.Partial => "It is already live: withdraw_post takes it down; create_post makes a new post.",
            _ => "It can no longer be published: create_post makes a new post.",
        };
    }
}
