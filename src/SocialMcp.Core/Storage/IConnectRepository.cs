using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Storage;

/// <summary>Where a stored connect stands. <c>exchanging</c>: its state was consumed and the code is being exchanged (or an identity stored).</summary>
public static class ConnectStates
{
    public const string Pending = "pending";
    public const string Exchanging = "exchanging";
    public const string ChoiceRequired = "choice_required";
    public const string Connected = "connected";
    public const string Failed = "failed";
    public const string Expired = "expired";
}

/// <summary>
/// A started connect as stored: the SHA-256 of its state (never the state), the PKCE verifier and any grant waiting for
/// an identity choice as vault references, and how it ended.
/// </summary>
public sealed record ConnectRecord
{
    public required string Id { get; init; }
    public required string StateHash { get; init; }
    public required string WorkspaceId { get; init; }
    public required Platform Platform { get; init; }
    public string? PlatformSetId { get; init; }
    public string? PlatformSetName { get; init; }
    public required ConnectChannel Channel { get; init; }
    public required Uri RedirectUri { get; init; }
    public required string VerifierReference { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? AccountId { get; init; }
    public bool Renewed { get; init; }
    public string? ProblemCode { get; init; }
    public string? ProblemMessage { get; init; }
    public string? ProblemHint { get; init; }
    public IReadOnlyList<IdentityChoice> Choices { get; init; } = [];
    public string? PendingGrantReference { get; init; }
}

public interface IConnectRepository
{
    Task InsertAsync(ConnectRecord connect, CancellationToken cancellationToken);

    Task<ConnectRecord?> GetAsync(string workspaceId, string connectId, CancellationToken cancellationToken);

    Task<ConnectRecord?> FindByStateHashAsync(string stateHash, CancellationToken cancellationToken);

    /// <summary>
    /// Consumes a state once, atomically: pending, unexpired and of this platform → exchanging, and returns the row. Null when
    /// it is unknown, used, expired or of another platform (nothing changes then).
    /// </summary>
    Task<ConnectRecord?> ConsumeAsync(string stateHash, Platform platform, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Takes a choice_required connect to exchanging (one chooser wins); false when it is not waiting for a choice.</summary>
    Task<bool> TakeChoiceAsync(string workspaceId, string connectId, CancellationToken cancellationToken);

    /// <summary>Writes how the connect ended or where it waits: status, account, problem, choices, pending grant, completed time.</summary>
    Task<bool> UpdateOutcomeAsync(ConnectRecord connect, CancellationToken cancellationToken);
}
