using SocialMcp.Core.Domain;
using SocialMcp.Core.Platforms;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Issue 15: what the later parts of a thread and a first comment publish, and when a target still owes one. Part 0 is the
/// target row itself; parts 1 … n-1 and the comment are <see cref="TargetStep"/> rows, each with a handle namespace of its own.
/// </summary>
public static class TargetSteps
{
    /// <summary>
    /// The post as part <paramref name="index"/> goes out: its text, media and overrides in place of the head's, so the media
    /// step and the platform call need not know about threads. Part 0 is the post itself; the link stays on the head.
    /// </summary>
    public static Post PartView(Post post, int index)
    {
        if (index == 0)
            return post;
        var part = post.Content.Parts[index];
        return post with
        {
            Content = post.Content with { Text = part.Text, Media = part.Media, PlatformOverrides = part.PlatformOverrides, LinkUrl = null, Thread = null, FirstComment = null, ReplyTo = null },
        };
    }

    /// <summary>The post as its first comment on <paramref name="platform"/> goes out: the comment's text only.</summary>
    public static Post CommentView(Post post, FirstComment comment) => post with
    {
        Content = new PostContent(comment.Text, [], null, new Dictionary<Platform, PlatformOverride>()),
    };

    /// <summary>Part 0 of a thread is live while the rest is not: its id is on the target row, which is not yet published.</summary>
    public static bool HeadIsUp(Post post, PostTarget target) => post.Content.IsThread && target.PlatformPostId is not null;

    public static TargetStep? Part(PostTarget target, int index) =>
        target.Steps.FirstOrDefault(s => s.Kind == TargetStepKind.Part && s.Index == index);

    public static TargetStep? Comment(PostTarget target) => target.Steps.FirstOrDefault(s => s.Kind == TargetStepKind.Comment);

    /// <summary>
    /// A published target whose first comment has not gone out: none tried yet, or one that failed or was left publishing.
    /// A comment that needs reconciliation waits for a person (retrying it could comment twice).
    /// </summary>
    public static bool OwesComment(Post post, PostTarget target) =>
        target.Status == TargetStatus.Published && target.PlatformPostId is not null
        && post.Content.FirstCommentFor(target.Platform) is not null
        && Comment(target)?.Status is not (TargetStatus.Published or TargetStatus.Withdrawn or TargetStatus.NeedsReconciliation);

    /// <summary>
    /// Whether a first comment is a post of its own (an X or Threads self-reply) that withdraw_post takes down by itself; a
    /// comment on Facebook, Instagram, LinkedIn or YouTube goes with the post it is on.
    /// </summary>
    public static bool CommentIsAPost(Platform platform) => PlatformCatalog.For(platform).Conversation.Replies == ReplyKind.Post;

    /// <summary>How a step is named in messages and events: "thread[3] (part 4 of 5)", "first comment".</summary>
    public static string Describe(TargetStepKind kind, int index, int parts) =>
        kind == TargetStepKind.Comment ? "first comment" : $"thread[{index}] (part {index + 1} of {parts})";

    /// <summary>The target's handles seen through a step's namespace, so part 3's "tweet_id" never meets part 0's.</summary>
    public static IPublishHandles Prefixed(IPublishHandles handles, string prefix) => new PrefixedHandles(handles, prefix);

    private sealed class PrefixedHandles(IPublishHandles inner, string prefix) : IPublishHandles
    {
        public Task<string?> GetAsync(string kind, CancellationToken cancellationToken) => inner.GetAsync(prefix + kind, cancellationToken);

        public Task SetAsync(string kind, string value, CancellationToken cancellationToken) => inner.SetAsync(prefix + kind, value, cancellationToken);
    }
}
