namespace SocialMcp.Core.Access;

/// <summary>One tool call, as the audit log keeps it: who, from which client, what, how it ended. Never arguments.</summary>
public sealed record AuditEntry(
    string WorkspaceId,
    string? KeyId,
    string? ClientName,
    string? ClientVersion,
    string? SessionId,
    string Tool,
    string Outcome,
    double DurationMs,
    DateTimeOffset OccurredAt);
