using System.Text.Json;
using System.Text.Json.Serialization;

namespace SocialMcp.Core.Domain;

// Issue 15: threads, replies and first comments.

/// <summary>
/// One part of a thread (<see cref="PostContent.Thread"/>): its own text, media and per-platform overrides. Part 0 is the
/// head; on X and Threads each later part goes out as a reply to the part before it.
/// </summary>
public sealed record ThreadPart(string Text, IReadOnlyList<MediaItem> Media, IReadOnlyDictionary<Platform, PlatformOverride> PlatformOverrides)
{
    public string TextFor(Platform platform) =>
        PlatformOverrides.TryGetValue(platform, out var o) && o.Text is not null ? o.Text : Text;

    public JsonElement? SettingsFor(Platform platform) =>
        PlatformOverrides.TryGetValue(platform, out var o) ? o.Settings : null;
}

/// <summary>A comment the server adds to the post right after it is live (a self-reply on X and Threads).</summary>
public sealed record FirstComment(string Text);

/// <summary>An existing post on one platform that this post answers: a reply (X, Threads) or a comment (Facebook, Instagram, LinkedIn).</summary>
public sealed record ReplyTarget(Platform Platform, string PlatformPostId);

/// <summary>What a <see cref="TargetStep"/> publishes: a later part of a thread, or the first comment.</summary>
public enum TargetStepKind
{
    /// <summary>Thread part <see cref="TargetStep.Index"/> (1 … n-1; part 0 is the target row itself).</summary>
    Part,

    /// <summary>The first comment (index 0).</summary>
    Comment,
}

/// <summary>
/// One platform call of a target beyond its head post, tracked on its own so that a crash or failure resumes from the first
/// step that is not live and never publishes one twice. A step's <see cref="Status"/> uses the target statuses: pending,
/// publishing, published, failed, withdrawn, needs_reconciliation.
/// </summary>
public sealed record TargetStep
{
    public required string PostId { get; init; }
    public required Platform Platform { get; init; }
    public required TargetStepKind Kind { get; init; }
    public required int Index { get; init; }
    public required TargetStatus Status { get; init; }
    public string? PlatformPostId { get; init; }
    public string? PublicUrl { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public string? PlatformErrorCode { get; init; }
    public string? PlatformErrorMessage { get; init; }
    public int? PlatformHttpStatus { get; init; }
    public required int AttemptCount { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The handle namespace of this step (<see cref="Publishing.IPublishHandles"/>), apart from the head's.</summary>
    [JsonIgnore]
    public string HandlePrefix => Kind == TargetStepKind.Comment ? "comment:" : $"part{Index}:";
}

public static class TargetStepKinds
{
    public static string ToWireName(this TargetStepKind kind) => kind == TargetStepKind.Comment ? "comment" : "part";

    public static TargetStepKind Parse(string name) => name switch
    {
        "part" => TargetStepKind.Part,
        "comment" => TargetStepKind.Comment,
        _ => throw new ArgumentException($"Unknown step kind '{name}'.", nameof(name)),
    };
}

/// <summary>
/// How a platform holds conversations (<see cref="Platforms.PlatformDefinition.Conversation"/>): whether a post may be a
/// thread, what a reply is there, whether a first comment can be added, and whether its API reads a post back by id.
/// </summary>
public sealed record ConversationSupport(bool Threads, ReplyKind Replies, bool FirstComment, bool CanReadPosts)
{
    public static ConversationSupport None { get; } = new(false, ReplyKind.None, false, false);

    /// <summary>Most parts of one thread (and at least 2).</summary>
    public const int MaxThreadParts = 25;
}

/// <summary>What <c>replyTo</c> makes of a post on a platform.</summary>
public enum ReplyKind
{
    /// <summary>The platform has no replies through its API.</summary>
    None,

    /// <summary>A post of its own that answers another (X, Threads): it may carry media and be a thread.</summary>
    Post,

    /// <summary>A comment on another post (Facebook, Instagram, LinkedIn): text only.</summary>
    Comment,
}
