using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;
using SocialMcp.Platforms.OAuth.Profiles;

namespace SocialMcp.Platforms.OAuth;

/// <summary>How the PKCE challenge is sent (docs/platforms.md#oauth).</summary>
public enum PkceKind
{
    /// <summary>The platform takes no PKCE (LinkedIn's web flow, Meta's manual flow): nothing is sent.</summary>
    None,

    /// <summary>RFC 7636 S256: base64url(SHA-256(verifier)).</summary>
    S256,

    /// <summary>TikTok's S256: the SHA-256 written as lower-case hex, not base64url (docs/platforms.md#tiktok-oauth).</summary>
    HexS256,
}

/// <summary>How our app proves itself at the token endpoint.</summary>
public enum ClientAuthStyle
{
    /// <summary>HTTP Basic <c>base64(id:secret)</c>; X rejects the secret in the body (docs/platforms.md#x-oauth).</summary>
    Basic,

    /// <summary>Id and secret in the form body.</summary>
    Body,

    /// <summary>A GET with id, secret and code in the query string (Facebook's code exchange, docs/platforms.md#facebook-oauth).</summary>
    Query,
}

/// <summary>How the person's token is swapped for a long-lived one right after the code exchange, and later extended (Meta).</summary>
/// <param name="ExchangeUrl">The long-lived exchange endpoint (a GET).</param>
/// <param name="ExchangeGrantType"><c>fb_exchange_token</c>, <c>ig_exchange_token</c>, <c>th_exchange_token</c>.</param>
/// <param name="ExtendUrl">The endpoint that renews a long-lived token (a GET).</param>
/// <param name="ExtendGrantType"><c>fb_exchange_token</c> again for Facebook; <c>ig_refresh_token</c>, <c>th_refresh_token</c>.</param>
/// <param name="TokenParameter">Where the token goes: Facebook names it <c>fb_exchange_token</c>, Instagram and Threads <c>access_token</c>.</param>
/// <param name="SendsClientId">Facebook's exchange wants the client id too; Instagram's and Threads' only the secret.</param>
/// <param name="ExtendSendsSecret">Facebook extends with the same call as the exchange (secret included); Instagram and Threads refresh with the token alone.</param>
public sealed record LongLivedExchange(
    Uri ExchangeUrl,
    string ExchangeGrantType,
    Uri ExtendUrl,
    string ExtendGrantType,
    string TokenParameter,
    bool SendsClientId,
    bool ExtendSendsSecret);

/// <summary>
/// One platform's authorization-code flow as data: its endpoints (the real absolute URLs; the URL rule maps them onto an
/// emulator), scopes, PKCE and client-authentication styles, refresh model and quirks, and how to find the identities
/// a grant can publish as. Built per call from the platform's options (<see cref="OAuthProfiles.For"/>), because a few
/// facts are settings (Amazon's region, LinkedIn's partner status, scope overrides).
/// </summary>
public sealed record OAuthProfile
{
    public required Platform Platform { get; init; }

    /// <summary>The platform's name as people write it, for messages.</summary>
    public required string DisplayName { get; init; }

    public required Uri AuthorizeUrl { get; init; }

    /// <summary>The code exchange and (for refresh-token platforms) refresh endpoint.</summary>
    public required Uri TokenUrl { get; init; }

    public Uri? RevokeUrl { get; init; }

    /// <summary>Whether the revoke call carries our client credentials (Google's takes the token alone).</summary>
    public bool RevokeSendsClient { get; init; } = true;

    /// <summary>Meta's long-lived exchange and extension; null elsewhere.</summary>
    public LongLivedExchange? LongLived { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>How the platform joins scopes: a space or a comma.</summary>
    public required string ScopeSeparator { get; init; }

    public required PkceKind Pkce { get; init; }

    public required ClientAuthStyle ClientAuth { get; init; }

    /// <summary>The name of the client id parameter: <c>client_id</c>, or TikTok's <c>client_key</c>.</summary>
    public string ClientIdParameter { get; init; } = "client_id";

    public required RefreshModel Refresh { get; init; }

    /// <summary>Authorization parameters beyond the standard ones (Google's <c>access_type=offline</c>, <c>prompt=consent</c>).</summary>
    public IReadOnlyDictionary<string, string> ExtraAuthorizeParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Instagram appends <c>#_</c> to the code; it is not part of it (docs/platforms.md#instagram-oauth).</summary>
    public bool StripCodeSuffix { get; init; }

    /// <summary>
    /// The API root identity discovery reads from on the real platform when it differs from the adapter's
    /// (<see cref="PlatformOptions.DefaultBaseUrls"/>): Instagram Login tokens work on graph.instagram.com only.
    /// </summary>
    public Uri? RealApiRoot { get; init; }

    /// <summary>Lists the identities the grant can publish as, reading the platform's "who am I" endpoints.</summary>
    public required Func<IdentityLookup, CancellationToken, Task<IReadOnlyList<PublishingIdentity>>> DiscoverIdentitiesAsync { get; init; }

    /// <summary>Every host the profile's real URLs use: a configured base URL on one of these is the real platform, not an emulator.</summary>
    public IEnumerable<string> RealHosts =>
        new[] { AuthorizeUrl, TokenUrl, RevokeUrl, LongLived?.ExchangeUrl, LongLived?.ExtendUrl, RealApiRoot }
            .OfType<Uri>()
            .Select(u => u.Host)
            .Append(new Uri(PlatformOptions.DefaultBaseUrls[Platform]).Host);
}

/// <summary>The eight platforms' profiles; each platform's facts live in its own file under Profiles/.</summary>
public static class OAuthProfiles
{
    public static OAuthProfile For(Platform platform, PlatformOptions options)
    {
        var profile = platform switch
        {
            Platform.X => XOAuth.Profile(),
            Platform.LinkedIn => LinkedInOAuth.Profile(options),
            Platform.TikTok => TikTokOAuth.Profile(),
            Platform.YouTube => YouTubeOAuth.Profile(),
            Platform.Facebook => FacebookOAuth.Profile(),
            Platform.Instagram => InstagramOAuth.Profile(),
            Platform.Threads => ThreadsOAuth.Profile(),
            Platform.Amazon => AmazonOAuth.Profile(options),
            _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, null),
        };
        return options.Scopes is { Length: > 0 } configured
            ? profile with { Scopes = configured.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) }
            : profile;
    }

    /// <summary>A boolean from <c>Platforms:{p}:Settings:{name}</c>.</summary>
    internal static bool Flag(PlatformOptions options, string name) =>
        options.Settings.TryGetValue(name, out var text) && bool.TryParse(text, out var value) && value;
}
