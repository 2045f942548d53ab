namespace SocialMcp.Core.Domain;

/// <summary>What an agent asked for that waits for a person's approval (issue 16).</summary>
public enum ApprovalAction
{
    Publish,
    Schedule,
    Withdraw,
}

public static class ApprovalActions
{
    public static string ToWireName(this ApprovalAction action) => action switch
    {
        ApprovalAction.Publish => "publish",
        ApprovalAction.Schedule => "schedule",
        _ => "withdraw",
    };

    public static ApprovalAction Parse(string name) => name switch
    {
        "publish" => ApprovalAction.Publish,
        "schedule" => ApprovalAction.Schedule,
        "withdraw" => ApprovalAction.Withdraw,
        _ => throw new ArgumentException($"Unknown approval action '{name}'.", nameof(name)),
    };
}

/// <summary>
/// The action a post in <c>awaiting_approval</c> waits to carry out, and what it returns to when rejected. Stored with the post
/// (JSON), so a restart or another instance finds the same request.
/// </summary>
/// <param name="Action">publish, schedule or withdraw.</param>
/// <param name="ReturnStatus">The status the post had before: a rejection puts it back there.</param>
/// <param name="RequestedAt">When the agent asked.</param>
/// <param name="RequestedBy">Who asked: the API key id or OAuth client of the call (never a secret).</param>
/// <param name="ScheduledFor">For a schedule: the time it asked for (the post keeps it too).</param>
public sealed record ApprovalRequest(
    ApprovalAction Action,
    PostStatus ReturnStatus,
    DateTimeOffset RequestedAt,
    string? RequestedBy,
    DateTimeOffset? ScheduledFor = null)
{
    /// <summary>Free-form settings of the action the decision carries out (e.g. publish_post's options), as the tool stored them.</summary>
    public System.Text.Json.JsonElement? Arguments { get; init; }
}
