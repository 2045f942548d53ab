namespace SocialMcp.Core.Domain;

/// <summary>Lifecycle of a post as a whole. See <see cref="PostTransitions"/> for the legal moves.</summary>
public enum PostStatus
{
    Draft,
    Scheduled,
    Publishing,
    Published,
    Partial,
    Failed,
    Discarded,
    Withdrawn,

    /// <summary>
    /// The scheduler found the post later than its lateness allows (<c>Scheduling:MaxLateness</c>, issue 15): it is never
    /// published late by itself; publish_post (now) or schedule_post (a new time) brings it back.
    /// </summary>
    Missed,

    /// <summary>
    /// A workspace policy (<c>Approvals:Required</c>, issue 16) holds the publish, schedule or withdraw an agent asked for
    /// until a person approves or rejects it (<see cref="Post.Approval"/> says which action). Nothing reaches a platform
    /// meanwhile, even when the post's time comes.
    /// </summary>
    AwaitingApproval,
}

/// <summary>Lifecycle of one (post, platform) target.</summary>
public enum TargetStatus
{
    Pending,
    Publishing,
    Published,
    InReview,
    Failed,
    Withdrawn,

    /// <summary>
    /// An earlier attempt may have reached the platform and the platform cannot tell whether it created the post:
    /// never published again automatically; a person checks the account and says what happened (resolve_target).
    /// </summary>
    NeedsReconciliation,
}

public static class StatusNames
{
    private static readonly string[] PostNames =
        ["draft", "scheduled", "publishing", "published", "partial", "failed", "discarded", "withdrawn", "missed", "awaiting_approval"];

    private static readonly string[] TargetNames =
        ["pending", "publishing", "published", "in_review", "failed", "withdrawn", "needs_reconciliation"];

    public static IReadOnlyList<string> AllPostStatuses { get; } = PostNames;
    public static IReadOnlyList<string> AllTargetStatuses { get; } = TargetNames;

    public static string ToWireName(this PostStatus status) => PostNames[(int)status];
    public static string ToWireName(this TargetStatus status) => TargetNames[(int)status];

    public static PostStatus ParsePostStatus(string name)
    {
        var index = Array.IndexOf(PostNames, name);
        return index >= 0 ? (PostStatus)index : throw new ArgumentException($"Unknown post status '{name}'.", nameof(name));
    }

    public static TargetStatus ParseTargetStatus(string name)
    {
        var index = Array.IndexOf(TargetNames, name);
        return index >= 0 ? (TargetStatus)index : throw new ArgumentException($"Unknown target status '{name}'.", nameof(name));
    }

    /// <summary>A target that is live on the platform (or waiting for the platform's moderation).</summary>
    public static bool IsLive(this TargetStatus status) => status is TargetStatus.Published or TargetStatus.InReview;
}
