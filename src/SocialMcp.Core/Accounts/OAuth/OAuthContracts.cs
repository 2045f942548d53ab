using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>
/// Tokens one answer of a platform's token endpoint gave: a code exchange, a refresh, or a long-lived exchange.
/// Expiry is always computed from the answer's <c>expires_in</c> fields, never from a constant (docs/platforms.md#oauth).
/// </summary>
public sealed record TokenGrant
{
    public required string AccessToken { get; init; }

    /// <summary>When the access token stops working; null when the platform gave no expiry (a Facebook Page token).</summary>
    public DateTimeOffset? AccessExpiresAt { get; init; }

    /// <summary>The refresh token, when the platform issued one (null for Meta, and for LinkedIn outside its partner program).</summary>
    public string? RefreshToken { get; init; }

    public DateTimeOffset? RefreshExpiresAt { get; init; }

    /// <summary>The scopes the person granted, split with the platform's separator.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];
}

/// <summary>
/// One identity a person can publish as, found after the code exchange: the member themselves, or one of several
/// (Facebook Pages, Instagram business accounts behind Pages, Amazon brand profiles) that the person chooses among.
/// </summary>
public sealed record PublishingIdentity
{
    public required string PlatformAccountId { get; init; }

    public required string Handle { get; init; }

    public string? DisplayName { get; init; }

    /// <summary>The identity's own token where it differs from the person's (a Page token); null to use the grant's.</summary>
    public TokenGrant? Grant { get; init; }

    /// <summary>Values the adapter needs for this identity (e.g. an Amazon profile id), stored in the account's metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>What a completed code exchange gives: the person's grant and the identities it can publish as.</summary>
public sealed record ConnectedGrant(TokenGrant Grant, IReadOnlyList<PublishingIdentity> Identities);

/// <summary>How a platform keeps an account's access alive (docs/platforms.md, each platform's "Tokens" section).</summary>
public enum RefreshModel
{
    /// <summary>A refresh token that stays the same (YouTube; Amazon unless it returns a new one).</summary>
    RefreshToken,

    /// <summary>A refresh token that is replaced on every refresh; the old one dies (X, TikTok).</summary>
    RotatingRefreshToken,

    /// <summary>No refresh token: the long-lived access token is itself exchanged for a new one before it expires (Facebook, Instagram, Threads).</summary>
    ExtendAccessToken,

    /// <summary>No way to refresh: the person reconnects ahead of expiry (LinkedIn outside its partner program).</summary>
    ReconnectOnly,
}

/// <summary>The tokens an account holds now, decrypted for one refresh. Never logged.</summary>
public sealed record AccountTokens(string AccessToken, string? RefreshToken, DateTimeOffset? AccessExpiresAt);

/// <summary>Why a token-endpoint call failed.</summary>
public enum OAuthFailureKind
{
    /// <summary>The grant is dead (invalid_grant, X's invalid_request on a token, revoked, expired): the person must reconnect.</summary>
    DeadGrant,

    /// <summary>Worth trying again later (5xx, timeouts, temporarily_unavailable, rate limits).</summary>
    Transient,

    /// <summary>Our app's credentials or redirect are wrong (invalid_client, unauthorized_client, redirect mismatch).</summary>
    Misconfigured,

    /// <summary>The person said no, or the callback carried an error or a bad code.</summary>
    Refused,
}

/// <summary>A token endpoint (or the authorization redirect) refused; the message never contains a token, code or secret.</summary>
public sealed class OAuthException(OAuthFailureKind kind, string message, string? platformError = null) : Exception(message)
{
    public OAuthFailureKind Kind { get; } = kind;

    /// <summary>The platform's own error code (e.g. <c>invalid_grant</c>), for the log and the person; never a secret.</summary>
    public string? PlatformError { get; } = platformError;
}

/// <summary>
/// Each platform's authorization-code flow, implemented in SocialMcp.Platforms/OAuth against the real endpoints (and the
/// emulator, which serves the same paths under <c>/{platform}/</c>). One implementation serves every platform.
/// </summary>
public interface IPlatformOAuth
{
    /// <summary>Whether <c>Platforms:{p}:ClientId</c> and <c>ClientSecret</c> are set.</summary>
    bool IsConfigured(Platform platform);

    /// <summary>The configuration keys a person fills to configure the platform, e.g. <c>Platforms:x:ClientId</c>.</summary>
    IReadOnlyList<string> RequiredSettings(Platform platform);

    RefreshModel RefreshModelOf(Platform platform);

    /// <summary>Whether the platform takes PKCE; when false the verifier is still kept but not sent.</summary>
    bool UsesPkce(Platform platform);

    /// <summary>The URL the person opens: the platform's consent page with our client id, scopes, state and PKCE challenge.</summary>
    Uri BuildAuthorizationUrl(Platform platform, string state, string codeVerifier, Uri redirectUri);

    /// <summary>
    /// Exchanges the code (and the PKCE verifier), swaps a short-lived token for a long-lived one where the platform
    /// offers that, and lists the identities the grant can publish as. Throws <see cref="OAuthException"/>.
    /// </summary>
    Task<ConnectedGrant> ExchangeCodeAsync(Platform platform, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken);

    /// <summary>
    /// Renews an account's access with its refresh token, or by extending its access token (<see cref="RefreshModel"/>).
    /// Throws <see cref="OAuthException"/>; <see cref="OAuthFailureKind.DeadGrant"/> means reconnect.
    /// </summary>
    Task<TokenGrant> RefreshAsync(Account account, AccountTokens tokens, CancellationToken cancellationToken);

    /// <summary>Revokes a token where the platform has an endpoint for it; false where it has none.</summary>
    Task<bool> RevokeAsync(Account account, string token, CancellationToken cancellationToken);
}
