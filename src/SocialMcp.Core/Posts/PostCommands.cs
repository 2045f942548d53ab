using SocialMcp.Core.Domain;
using SocialMcp.Core.Validation;

namespace SocialMcp.Core.Posts;

public sealed record CreatePostCommand(
    PostContent Content,
    IReadOnlyList<Platform> Platforms,
    string? PlatformSetId,
    DateTimeOffset? ScheduledFor);

/// <summary>Null members keep their stored value; <see cref="Content"/> replaces the whole content.</summary>
public sealed record UpdatePostCommand(
    string PostId,
    int Version,
    PostContent? Content,
    IReadOnlyList<Platform>? Platforms,
    string? PlatformSetId,
    DateTimeOffset? ScheduledFor);

/// <summary>validate_post checks either a would-be post or a stored one.</summary>
public sealed record ValidatePostCommand(CreatePostCommand? Draft, string? PostId);

public sealed record PostPage(IReadOnlyList<PostDetails> Posts, int Total, int Limit, int Offset);

public sealed record PostValidation(string? PostId, ValidationReport Report);

/// <summary>What happened to one target in a withdraw.</summary>
public sealed record TargetActionOutcome(Platform Platform, bool Succeeded, string? ErrorCode, string? ErrorMessage);

public sealed record WithdrawResult(PostDetails Post, IReadOnlyList<TargetActionOutcome> Outcomes);
