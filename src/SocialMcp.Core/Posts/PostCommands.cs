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
}

/// <summary>
/// <see cref="PlanHash"/> (from validate_post) refuses the publish if the post changed since; <see cref="IdempotencyKey"/>
/// makes a repeat with the same arguments return the post as it is now instead of publishing again.
/// </summary>
public sealed record PublishPostCommand(string PostId, int? Version = null, string? PlanHash = null, string? IdempotencyKey = null);

/// <summary>Null members keep their stored value; <see cref="Content"/> replaces the whole content.</summary>
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
}

/// <summary>
/// A person's (or agent's) answer for a needs_reconciliation target after checking the account: it is live as
/// <see cref="PlatformPostId"/>, or it is not there (the target becomes failed and retry_post may publish it).
/// </summary>
public sealed record ResolveTargetCommand(
    string PostId, Platform Platform, bool Published, string? PlatformPostId, string? PublicUrl, int? Version);

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
