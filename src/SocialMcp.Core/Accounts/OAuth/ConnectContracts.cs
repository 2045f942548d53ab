using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>Which way a person came in: the CLI's loopback listener, a signed connect link, or the connect_account tool.</summary>
public enum ConnectChannel { Cli, Link, Tool }

/// <summary>A connect to start: the platform, the set to connect into (the default set when neither id nor name is given).</summary>
public sealed record ConnectRequest
{
    public required string WorkspaceId { get; init; }
    public required Platform Platform { get; init; }
    public string? PlatformSetId { get; init; }
    /// <summary>A set named here that does not exist yet is created on completion (as <c>accounts connect --set</c> always did).</summary>
    public string? PlatformSetName { get; init; }
    /// <summary>Where the platform sends the person back: <c>{OAuth:PublicBaseUrl}/oauth/callback/{platform}</c>, or the CLI's loopback address.</summary>
    public required Uri RedirectUri { get; init; }
    public required ConnectChannel Channel { get; init; }
}

/// <summary>A started connect: the URL the person opens, and the id to ask about it later. The state inside the URL is single-use and expires.</summary>
public sealed record ConnectStarted(string ConnectionId, Uri AuthorizationUrl, DateTimeOffset ExpiresAt);

public enum ConnectStatus { Pending, Connected, ChoiceRequired, Failed, Expired }

/// <summary>An identity offered for choice, without any token.</summary>
public sealed record IdentityChoice(string PlatformAccountId, string Handle, string? DisplayName);

/// <summary>Where a connect stands, for the callback page, the CLI and the tool. Carries no token, code or secret.</summary>
public sealed record ConnectResult
{
    public required string ConnectionId { get; init; }
    public required ConnectStatus Status { get; init; }
    public required Platform Platform { get; init; }
    /// <summary>The workspace the connect belongs to, when known: the callback page binds its choice form to it (ChooseAsync needs it).</summary>
    public string? WorkspaceId { get; init; }
    public string? PlatformSetId { get; init; }
    public string? PlatformSetName { get; init; }
    /// <summary>The stored account, once connected.</summary>
    public Account? Account { get; init; }
    /// <summary>True when an account with the same platform identity already existed and got new tokens in place.</summary>
    public bool Renewed { get; init; }
    /// <summary>The identities to choose among, when <see cref="Status"/> is ChoiceRequired.</summary>
    public IReadOnlyList<IdentityChoice> Choices { get; init; } = [];
    /// <summary>What went wrong and what to do (code, message, hint), when Failed or Expired.</summary>
    public Problem? Problem { get; init; }
}

/// <summary>
/// The one connect flow behind the three ways in (CLI, link, tool): start it, finish it from the platform's redirect,
/// choose an identity when the grant has several, and ask where it stands.
/// </summary>
public interface IAccountConnectFlow
{
    /// <summary>Throws a coded exception: PLATFORM_NOT_CONFIGURED (with the settings to fill), PLATFORM_SET_NOT_FOUND.</summary>
    Task<ConnectStarted> StartAsync(ConnectRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The platform's redirect: consumes the state (single use, 10 minutes, bound to workspace, set and platform),
    /// exchanges the code, stores or renews the account. Never throws for a bad redirect: the result says what went wrong.
    /// </summary>
    Task<ConnectResult> CompleteAsync(Platform platform, string? state, string? code, string? error, string? errorDescription, CancellationToken cancellationToken);

    /// <summary>Finishes a ChoiceRequired connect with the identity the person picked.</summary>
    Task<ConnectResult> ChooseAsync(string workspaceId, string connectionId, string platformAccountId, CancellationToken cancellationToken);

    /// <summary>Where a connect of this workspace stands; null when unknown.</summary>
    Task<ConnectResult?> GetAsync(string workspaceId, string connectionId, CancellationToken cancellationToken);
}

/// <summary>
/// Reconnect links for accounts, signed and short-lived; implemented by the server, which knows OAuth:PublicBaseUrl.
/// Null when the server has no public base URL or the platform has no credentials.
/// </summary>
public interface IReconnectLinks
{
    Uri? ReconnectUrlFor(Account account);
}

/// <summary>The result of renewing one account's access.</summary>
public enum RefreshResult { Refreshed, NotNeeded, Failed, ReconnectRequired }

/// <summary>
/// Keeps accounts' tokens alive: renews one account ahead of expiry or after the platform said "expired". Concurrent
/// refreshes of one account collapse into one, across processes too; a rotated refresh token is stored before the new
/// access token is used.
/// </summary>
public interface IAccountTokenRefresher
{
    /// <param name="force">Refresh even when the stored expiry says the token is still good (the platform said "expired").</param>
    Task<RefreshResult> RefreshAsync(string accountId, bool force, CancellationToken cancellationToken);

    /// <summary>
    /// The account as stored now, renewed first when its access token is expired or inside its renewal margin and it can be
    /// refreshed (the token vault calls this before every platform call). Never throws for a failed refresh: the account is
    /// returned as it is, and the platform's answer says the rest.
    /// </summary>
    Task<Account> EnsureFreshAsync(Account account, CancellationToken cancellationToken);
}
