namespace SocialMcp.Core.Access;

/// <summary>One tool call, as the audit log keeps it: who, from which client, what, how it ended. Never arguments.</summary>
public sealed record AuditEntry
{
    public required string WorkspaceId { get; init; }
    public string? KeyId { get; init; }
    public string? ClientName { get; init; }
    public string? ClientVersion { get; init; }
    public string? SessionId { get; init; }
    public required string Tool { get; init; }
    public required string Outcome { get; init; }
    public required double DurationMs { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}
