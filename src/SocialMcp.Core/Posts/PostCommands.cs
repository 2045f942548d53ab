using SocialMcp.Core.Domain;
using SocialMcp.Core.Validation;

namespace SocialMcp.Core.Posts;

/// <summary>
/// <see cref="IdempotencyKey"/>, when given, makes a repeat with the same arguments return the first post instead of a new one.
/// </summary>
public sealed record CreatePostCommand
{
    public required PostContent Content { get; init; }
    public required IReadOnlyList<Platform> Platforms { get; init; }
    public string? PlatformSetId { get; init; }
    public DateTimeOffset? ScheduledFor { get; init; }
    public string? IdempotencyKey { get; init; }
    public PublishPolicy? Policy { get; init; }
    public TimeSpan? Tolerance { get; init; }
    /// <summary>An IANA time zone id results also give times in (<see cref="PostTimeZones"/>).</summary>
    public string? TimeZone { get; init; }

    /// <summary>Issue 15: <c>"next"</c> schedules the post into the platform set's next free queue slot (instead of <see cref="ScheduledFor"/>).</summary>
    public string? Slot { get; init; }

    /// <summary>Issue 15: how late the scheduler may still fire the post; null: <c>Scheduling:MaxLateness</c>.</summary>
    public TimeSpan? MaxLateness { get; init; }
}

/// <summary>
/// <see cref="PlanHash"/> (from validate_post) refuses the publish if the post changed since; <see cref="IdempotencyKey"/>
/// makes a repeat with the same arguments return the post as it is now instead of publishing again.
/// </summary>
public sealed record PublishPostCommand(string PostId, int? Version = null, string? PlanHash = null, string? IdempotencyKey = null);

/// <summary>
/// Null members keep their stored value; <see cref="Content"/> replaces the whole content. On a draft or scheduled post every
/// member may change; on a partial or failed post only the content of its failed targets (and policy, tolerance, time zone):
/// see <see cref="PostEdits"/>.
/// </summary>
public sealed record UpdatePostCommand
{
    public required string PostId { get; init; }
    public required int Version { get; init; }
    public PostContent? Content { get; init; }
    public IReadOnlyList<Platform>? Platforms { get; init; }
    public string? PlatformSetId { get; init; }
    public DateTimeOffset? ScheduledFor { get; init; }
    public PublishPolicy? Policy { get; init; }
    public TimeSpan? Tolerance { get; init; }
    public string? TimeZone { get; init; }
    public TimeSpan? MaxLateness { get; init; }
}

/// <summary>
/// A person's (or agent's) answer after checking the account on the platform: a needs_reconciliation target is live as
/// <see cref="PlatformPostId"/>, or it is not there (the target becomes failed and retry_post may publish it); or a live
/// target was removed by hand (it becomes withdrawn). <see cref="RecordedBy"/> names who said so, for the event.
/// </summary>
public sealed record ResolveTargetCommand(
    string PostId, Platform Platform, TargetResolution Outcome, string? PlatformPostId, string? PublicUrl, int? Version,
    string? RecordedBy = null);

/// <summary>resolve_target's outcomes; <see cref="TargetResolutions"/> has their wire names.</summary>
public enum TargetResolution
{
    Published,
    NotPublished,
    WithdrawnManually,
}

public static class TargetResolutions
{
    public const string Published = "published";
    public const string NotPublished = "not_published";
    public const string WithdrawnManually = "withdrawn_manually";

    public static IReadOnlyList<string> All { get; } = [Published, NotPublished, WithdrawnManually];

    public static string ToWireName(this TargetResolution outcome) => outcome switch
    {
        TargetResolution.Published => Published,
        TargetResolution.NotPublished => NotPublished,
        _ => WithdrawnManually,
    };

    public static TargetResolution ParseTargetResolution(string name) => name switch
    {
        Published => TargetResolution.Published,
        NotPublished => TargetResolution.NotPublished,
        WithdrawnManually => TargetResolution.WithdrawnManually,
        _ => throw new ArgumentException($"Unknown outcome '{name}'.", nameof(name)),
    };
}

/// <summary>validate_post checks either a would-be post or a stored one.</summary>
public sealed record ValidatePostCommand(CreatePostCommand? Draft, string? PostId);

public sealed record PostPage(IReadOnlyList<PostDetails> Posts, int Total, int Limit, int Offset);

/// <summary>
/// <see cref="PlanHash"/> is <see cref="PostPlan"/>'s hash of what each platform would receive; <see cref="Risks"/> are
/// <see cref="ScheduleRisks"/>' findings when a scheduled time is checked (empty otherwise).
/// </summary>
/// <param name="Media">What the library's probe said about each mediaId item (issue 13); empty without library media.</param>
public sealed record PostValidation(
    string? PostId, ValidationReport Report, string PlanHash, IReadOnlyList<ScheduleRisk>? Risks = null,
    IReadOnlyList<Media.ProbedMediaItem>? Media = null);

/// <summary>What happened to one target in a withdraw.</summary>
public sealed record TargetActionOutcome(Platform Platform, bool Succeeded, string? ErrorCode, string? ErrorMessage);

public sealed record WithdrawResult(PostDetails Post, IReadOnlyList<TargetActionOutcome> Outcomes);
