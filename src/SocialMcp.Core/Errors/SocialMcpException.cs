using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Errors;

/// <summary>
/// Base of the few typed exceptions the domain throws. The host's one translator turns them into
/// tool results with <c>isError</c>; their messages are written for the agent and never carry secrets.
/// </summary>
public abstract class SocialMcpException(Problem problem, IReadOnlyList<Problem>? problems = null)
    : Exception(problem.Message)
{
    public Problem Problem { get; } = problem;

    /// <summary>Every problem found, when there were several (the first is <see cref="Problem"/>).</summary>
    public IReadOnlyList<Problem> Problems { get; } = problems ?? [problem];
}

/// <summary>The object does not exist in the caller's workspace (another owner's object is "not found" too).</summary>
public sealed class NotFoundException(Problem problem) : SocialMcpException(problem);

/// <summary>The request breaks a rule; nothing was changed.</summary>
public sealed class DomainValidationException(IReadOnlyList<Problem> problems)
    : SocialMcpException(problems[0], problems);

/// <summary>The request conflicts with the current state (status or version); nothing was changed.</summary>
public sealed class ConflictException(Problem problem) : SocialMcpException(problem);

/// <summary>A workspace limit stops the request; nothing was changed.</summary>
public sealed class LimitReachedException(Problem problem) : SocialMcpException(problem);

public static class Problems
{
    public static NotFoundException PostNotFound(string postId) => new(new Problem(
        ErrorCodes.PostNotFound,
        $"No post with id '{postId}' exists in this workspace.",
        "$.postId",
        Hint: "Check the id, or call list_posts to find the post."));

    public static ConflictException VersionConflict(int expected, int actual) => new(new Problem(
        ErrorCodes.VersionConflict,
        $"The post is at version {actual}, not {expected}: it changed since you read it.",
        "$.version",
        Hint: "Call get_post to read the current version and state, then retry with that version."));

    public static ConflictException InvalidTransition(PostStatus from, string action, string allowed) => new(new Problem(
        ErrorCodes.InvalidStatusTransition,
        $"Cannot {action} a post whose status is '{from.ToWireName()}'. Allowed from: {allowed}.",
        "$.postId",
        Hint: "Call get_post to see the post's status and targets."));
}
