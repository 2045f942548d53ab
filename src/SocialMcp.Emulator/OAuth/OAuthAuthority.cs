using System.Security.Cryptography;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.OAuth;

/// <summary>Why the authority refused a token-endpoint call; each platform's routes answer it in the platform's own shape.</summary>
public enum OAuthRefusal
{
    /// <summary>Unknown client, or a wrong secret (401 invalid_client).</summary>
    InvalidClient,

    /// <summary>A confidential X client that did not use HTTP Basic (401 unauthorized_client).</summary>
    MissingClientAuthorization,

    /// <summary>A code or refresh token that is unknown, used, expired, revoked, for another client or redirect, or a wrong verifier.</summary>
    InvalidGrant,

    /// <summary>A required parameter is missing.</summary>
    InvalidRequest,

    UnsupportedGrantType,

    /// <summary>An Instagram or Threads token refreshed before it was old enough.</summary>
    TooEarly,
}

/// <summary>Tokens one successful token-endpoint call issued.</summary>
/// <param name="RefreshToken">The grant's refresh token (null when it has none); <see cref="AnswerRefreshToken"/> says whether the answer names it.</param>
public sealed record OAuthIssue(string AccessToken, TimeSpan ExpiresIn, string? RefreshToken, TimeSpan? RefreshExpiresIn, IReadOnlyList<string> Scopes,
    OAuthDemoUser User, bool AnswerRefreshToken);

/// <summary>What a token-endpoint call came to: tokens, or a refusal and a description safe to show (never a token or secret).</summary>
public sealed record OAuthOutcome(OAuthIssue? Issue, OAuthRefusal? Refusal, string Description)
{
    public static OAuthOutcome Refused(OAuthRefusal refusal, string description) => new(null, refusal, description);

    public static OAuthOutcome Issued(OAuthIssue issue) => new(issue, null, "");
}

/// <summary>What the authorize page does: show an error page, or redirect with a code or an error.</summary>
public sealed record AuthorizeOutcome(string? PageError, string? Code, string? RedirectError, string? RedirectErrorDescription, IReadOnlyList<string> Scopes);

/// <summary>
/// The OAuth authority behind every emulated platform (docs/emulator.md): registered clients, single-use authorization
/// codes bound to client, redirect and PKCE challenge, grants with access tokens issued through
/// <see cref="EmulatorState.IssueToken"/> (so the API endpoints accept them), each platform's refresh rule, revocation,
/// and the failure switches tests and <c>socialmcp emulator</c> flags set. Every time comes from the emulator's clock.
/// </summary>
public sealed class OAuthAuthority
{
    private readonly EmulatorState _state;
    private readonly object _gate = new();
    private readonly Dictionary<(Platform, string), OAuthClient> _clients = [];
    private readonly Dictionary<Platform, OAuthPlatformSettings> _settings;
    private readonly Dictionary<Platform, OAuthDemoUser> _users;
    private readonly Dictionary<string, Code> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grant> _grantsByRefreshToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grant> _grantsByAccessToken = new(StringComparer.Ordinal);
    private readonly List<Grant> _grants = [];
    private readonly Dictionary<Platform, int> _refreshFailures = [];
    private readonly List<string> _issuedSecrets = [];

    internal OAuthAuthority(EmulatorState state)
    {
        _state = state;
        _settings = PlatformNames.All.ToDictionary(p => p, OAuthPlatformSettings.DefaultsFor);
        _users = PlatformNames.All.ToDictionary(p => p, OAuthDemoUser.For);
        foreach (var platform in PlatformNames.All)
        {
            // The demo LinkedIn app is a partner so that refresh works out of the box; tests register a non-partner to see the other side.
            RegisterClient(new OAuthClient(platform, OAuthClient.DemoClientId(platform), OAuthClient.DemoClientSecret(platform), [])
            {
                AnyRedirect = true,
                IsPartner = platform == Platform.LinkedIn,
            });
        }
    }

    /// <summary>Accepts <c>http://127.0.0.1:{any port}/…</c> (and localhost, [::1]) redirects on every platform, not only where the platform does.</summary>
    public bool AllowLoopbackEverywhere { get; set; }

    public OAuthPlatformSettings Settings(Platform platform) => _settings[platform];

    public OAuthDemoUser DemoUser(Platform platform) => _users[platform];

    public OAuthClient DemoClient(Platform platform) => Client(platform, OAuthClient.DemoClientId(platform))!;

    /// <summary>Registers (or replaces) a client; tests register their own with exact redirects, public clients or non-partners.</summary>
    public OAuthClient RegisterClient(OAuthClient client)
    {
        lock (_gate)
            _clients[(client.Platform, client.ClientId)] = client;
        return client;
    }

    public OAuthClient? Client(Platform platform, string? clientId)
    {
        if (clientId is null)
            return null;
        lock (_gate)
            return _clients.GetValueOrDefault((platform, clientId));
    }

    /// <summary>Sets the access-token lifetime (Meta: the short- and the long-lived one) of one platform, or of all when null.</summary>
    public void SetAccessTokenLifetime(TimeSpan lifetime, Platform? platform = null)
    {
        IEnumerable<OAuthPlatformSettings> targets = platform is { } one ? [_settings[one]] : _settings.Values;
        foreach (var settings in targets)
        {
            settings.AccessTokenLifetime = lifetime;
            if (settings.LongLivedTokenLifetime is not null)
                settings.LongLivedTokenLifetime = lifetime;
        }
    }

    /// <summary>Sets the refresh-token lifetime of one platform, or of all that issue refresh tokens when null.</summary>
    public void SetRefreshTokenLifetime(TimeSpan? lifetime, Platform? platform = null)
    {
        IEnumerable<OAuthPlatformSettings> targets = platform is { } one ? [_settings[one]] : _settings.Values.Where(s => s.Refresh != RefreshRule.ExtendAccessToken);
        foreach (var settings in targets)
            settings.RefreshTokenLifetime = lifetime;
    }

    /// <summary>Makes the demo user decline consent on one platform, or on all when null.</summary>
    public void DeclineConsent(bool decline = true, Platform? platform = null)
    {
        IEnumerable<OAuthPlatformSettings> targets = platform is { } one ? [_settings[one]] : _settings.Values;
        foreach (var settings in targets)
            settings.Decline = decline;
    }

    /// <summary>The next <paramref name="count"/> refreshes (refresh_token grants, Meta extensions) of the platform answer the dead-grant error.</summary>
    public void FailNextRefreshes(Platform platform, int count = 1)
    {
        lock (_gate)
            _refreshFailures[platform] = _refreshFailures.GetValueOrDefault(platform) + count;
    }

    /// <summary>Revokes every grant of the platform (as when the person removes the app): its refresh token and access tokens die.</summary>
    public int RevokeGrants(Platform platform)
    {
        lock (_gate)
        {
            var live = _grants.Where(g => g.Platform == platform && !g.Revoked).ToList();
            live.ForEach(RevokeLocked);
            return live.Count;
        }
    }

    /// <summary>Revokes the grant an access or refresh token belongs to; false when the token is unknown.</summary>
    public bool RevokeGrantOf(string token)
    {
        lock (_gate)
        {
            if (GrantOf(token) is not { } grant)
                return false;
            RevokeLocked(grant);
            return true;
        }
    }

    /// <summary>
    /// Every authorization code, access token (user and Page tokens) and refresh token the authority has issued, in
    /// order, read-only: for tests that check none of them leaks into logs, pages, results or a database file.
    /// </summary>
    public IReadOnlyList<string> IssuedSecrets()
    {
        lock (_gate)
            return [.. _issuedSecrets];
    }

    /// <summary>Token-endpoint calls of a platform by grant type (authorization_code, refresh_token, fb_exchange_token, …).</summary>
    public int TokenCalls(Platform platform, string grantType) => _state.Calls(platform, TokenCallName(grantType));

    internal static string TokenCallName(string grantType) => "oauth.token." + grantType;

    private DateTimeOffset Now => _state.Time.GetUtcNow();

    // ---- authorize -----------------------------------------------------------------------------------------

    /// <summary>
    /// The consent page: an unknown client or a redirect that is not allowed gets an error page (never a redirect);
    /// otherwise the demo user consents (or declines) and a code bound to client, redirect and challenge is issued.
    /// </summary>
    /// <param name="facebookLogin">Instagram through the Facebook dialog: the consenting user is Facebook's, with Pages and their Instagram accounts.</param>
    public AuthorizeOutcome Authorize(Platform platform, string? clientId, string? redirectUri, string? responseType, string? scope,
        string? challenge, string? challengeMethod, bool offline, bool facebookLogin = false)
    {
        _state.CountCall(platform, "oauth.authorize");
        var settings = _settings[platform];
        if (Client(platform, clientId) is not { } client)
            return new AuthorizeOutcome("The client_id is not the id of a registered app.", null, null, null, []);
        if (redirectUri is null || !RedirectAllowed(client, facebookLogin ? _settings[Platform.Facebook] : settings, redirectUri))
            return new AuthorizeOutcome("The redirect_uri is not registered for this app.", null, null, null, []);
        if (responseType != "code")
            return Failed("unsupported_response_type", "response_type must be code.");

        var scopes = SplitScopes(scope);
        string? method = null;
        if (settings.Pkce != PkceRule.None)
        {
            if (challenge is null && settings.Pkce == PkceRule.Required)
                return Failed("invalid_request", "code_challenge is required.");
            if (challenge is not null)
            {
                method = challengeMethod ?? "plain";
                if (method is not ("S256" or "plain"))
                    return Failed("invalid_request", "code_challenge_method must be S256 or plain.");
            }
        }
        else
        {
            challenge = null;
        }
        if (settings.Decline)
            return Failed("access_denied", "The user denied the request.");

        var code = RandomToken(32);
        lock (_gate)
            _issuedSecrets.Add(code);
        lock (_gate)
            _codes[code] = new Code(platform, client.ClientId, redirectUri, challenge, method, scopes, offline, Now + settings.CodeLifetime)
            {
                User = facebookLogin ? _users[Platform.Facebook] : _users[platform],
            };
        return new AuthorizeOutcome(null, code, null, null, scopes);

        static AuthorizeOutcome Failed(string error, string description) => new(null, null, error, description, []);
    }

    private bool RedirectAllowed(OAuthClient client, OAuthPlatformSettings settings, string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0)
            return false;
        if (client.AnyRedirect || client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
            return true;
        // docs/emulator.md#redirects: the platforms that accept a loopback redirect accept it on any port.
        return (settings.LoopbackRedirects || AllowLoopbackEverywhere) && uri.IsLoopback && uri.Scheme == Uri.UriSchemeHttp;
    }

    // ---- token endpoint ------------------------------------------------------------------------------------

    /// <summary>Checks the client's id and secret (a public client presents none).</summary>
    public OAuthClient? AuthenticateClient(Platform platform, string? clientId, string? clientSecret)
    {
        if (Client(platform, clientId) is not { } client)
            return null;
        if (client.ClientSecret is null)
            return clientSecret is null ? client : null;
        return clientSecret is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(clientSecret), System.Text.Encoding.UTF8.GetBytes(client.ClientSecret)) ? client : null;
    }

    /// <summary>grant_type=authorization_code: the code once, with the redirect it was issued for and the verifier of its challenge.</summary>
    public OAuthOutcome ExchangeCode(Platform platform, OAuthClient client, string? code, string? redirectUri, string? verifier)
    {
        _state.CountCall(platform, TokenCallName("authorization_code"));
        if (code is null)
            return OAuthOutcome.Refused(OAuthRefusal.InvalidRequest, "code is required.");
        var settings = _settings[platform];
        lock (_gate)
        {
            if (!_codes.TryGetValue(code, out var issued) || issued.Platform != platform)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The authorization code is invalid.");
            if (issued.Used)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The authorization code has been used.");
            if (issued.ExpiresAt <= Now)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The authorization code has expired.");
            if (issued.ClientId != client.ClientId)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The authorization code was issued to another client.");
            if (issued.RedirectUri != redirectUri)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The redirect_uri does not match the authorization request.");
            if (issued.Challenge is not null && !Pkce.Verify(issued.Challenge, issued.Method!, verifier, settings.Pkce == PkceRule.OptionalHex))
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The code_verifier does not match the code_challenge.");
            if (issued.Challenge is null && settings.Pkce == PkceRule.Required)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The authorization request carried no code_challenge.");
            // Single use, and a code that failed on the checks above stays usable for the right request (as on the platforms).
            issued.Used = true;

            var grant = new Grant(platform, client, issued.User, issued.Scopes, Now);
            _grants.Add(grant);
            if (GetsRefreshToken(settings, client, issued))
            {
                grant.RefreshExpiresAt = settings.RefreshTokenLifetime is { } life ? Now + life : null;
                SetRefreshToken(grant, NewRefreshToken(platform));
            }
            var lifetime = settings.AccessTokenLifetime;
            var access = IssueAccess(grant, lifetime, longLived: false);
            return OAuthOutcome.Issued(Issue(grant, access, lifetime, answerRefresh: grant.RefreshToken is not null));
        }
    }

    private static bool GetsRefreshToken(OAuthPlatformSettings settings, OAuthClient client, Code code) => settings.Refresh switch
    {
        RefreshRule.ExtendAccessToken => false,
        RefreshRule.PartnerFixedWindow => client.IsPartner,
        // X: only with offline.access; Google: only with access_type=offline (docs/platforms.md#x-auth-and-tokens).
        _ when settings.Platform == Platform.X => code.Scopes.Contains("offline.access"),
        _ when settings.Platform == Platform.YouTube => code.Offline,
        _ => true,
    };

    /// <summary>grant_type=refresh_token with the platform's rotation rule.</summary>
    public OAuthOutcome Refresh(Platform platform, OAuthClient client, string? refreshToken)
    {
        _state.CountCall(platform, TokenCallName("refresh_token"));
        if (refreshToken is null)
            return OAuthOutcome.Refused(OAuthRefusal.InvalidRequest, "refresh_token is required.");
        var settings = _settings[platform];
        lock (_gate)
        {
            if (TakeForcedFailure(platform))
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The refresh token is invalid, expired or revoked.");
            if (!_grantsByRefreshToken.TryGetValue(refreshToken, out var grant) || grant.Platform != platform || grant.Revoked
                || grant.Client.ClientId != client.ClientId || grant.RefreshExpiresAt <= Now)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "The refresh token is invalid, expired or revoked.");
            if (settings.Refresh == RefreshRule.Rotating)
            {
                // docs/platforms.md#x-auth-and-tokens, #tiktok-auth-and-tokens: the previous refresh token stops working once a new one is issued.
                _grantsByRefreshToken.Remove(refreshToken);
                if (settings.RefreshTokenLifetime is { } life)
                    grant.RefreshExpiresAt = Now + life;
                SetRefreshToken(grant, NewRefreshToken(platform));
            }
            var lifetime = settings.AccessTokenLifetime;
            var access = IssueAccess(grant, lifetime, longLived: false);
            return OAuthOutcome.Issued(Issue(grant, access, lifetime, answerRefresh: settings.Refresh != RefreshRule.StableOmitted));
        }
    }

    /// <summary>
    /// Meta's long-lived exchanges (docs/platforms.md#facebook-auth-and-tokens): fb_exchange_token, ig_exchange_token and
    /// th_exchange_token turn a live token into a long-lived one; the client is the one the token was issued to. Exchanging
    /// a long-lived Facebook token again is how it is "refreshed", so that counts as a refresh for the failure switch.
    /// </summary>
    public OAuthOutcome ExchangeForLongLived(Platform platform, string grantType, OAuthClient client, string? accessToken)
    {
        _state.CountCall(platform, TokenCallName(grantType));
        lock (_gate)
        {
            if (Live(platform, accessToken) is not { } grant)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "Error validating access token: the session has expired or is invalid.");
            if (grant.Client.ClientId != client.ClientId)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidClient, "Error validating client secret.");
            if (grant.Issued[accessToken!].LongLived && TakeForcedFailure(platform))
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "Error validating access token: the session has been invalidated.");
            var lifetime = _settings[platform].LongLivedTokenLifetime ?? _settings[platform].AccessTokenLifetime;
            var access = IssueAccess(grant, lifetime, longLived: true);
            return OAuthOutcome.Issued(Issue(grant, access, lifetime, answerRefresh: false));
        }
    }

    /// <summary>ig_refresh_token and th_refresh_token: a live long-lived token at least the minimum age gets a new long-lived one.</summary>
    public OAuthOutcome RefreshLongLived(Platform platform, string grantType, string? accessToken)
    {
        _state.CountCall(platform, TokenCallName(grantType));
        var settings = _settings[platform];
        lock (_gate)
        {
            if (TakeForcedFailure(platform))
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "Error validating access token: the session has been invalidated.");
            if (Live(platform, accessToken) is not { } grant)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidGrant, "Error validating access token: the session has expired or is invalid.");
            var lifetime = settings.LongLivedTokenLifetime ?? settings.AccessTokenLifetime;
            var issued = grant.Issued[accessToken!];
            if (!issued.LongLived)
                return OAuthOutcome.Refused(OAuthRefusal.InvalidRequest, "Only a long-lived token can be refreshed.");
            if (Now - issued.At < settings.MinimumAgeForRefresh(lifetime))
                return OAuthOutcome.Refused(OAuthRefusal.TooEarly, "The token is too new to be refreshed.");
            var access = IssueAccess(grant, lifetime, longLived: true);
            return OAuthOutcome.Issued(Issue(grant, access, lifetime, answerRefresh: false));
        }
    }

    /// <summary>Revokes the grant of an access or refresh token, if it is the client's; false for an unknown token.</summary>
    public bool Revoke(Platform platform, OAuthClient? client, string? token)
    {
        _state.CountCall(platform, "oauth.revoke");
        if (token is null)
            return false;
        lock (_gate)
        {
            if (GrantOf(token) is not { } grant || grant.Platform != platform || client is not null && grant.Client.ClientId != client.ClientId)
                return false;
            RevokeLocked(grant);
            return true;
        }
    }

    // ---- identities ----------------------------------------------------------------------------------------

    /// <summary>
    /// Page tokens for the Pages of the user a Facebook token belongs to (docs/platforms.md#facebook-auth-and-tokens):
    /// from a long-lived user token they never expire, from a short-lived one they die with it. Revoking the grant kills them.
    /// </summary>
    public IReadOnlyList<(OAuthSubAccount Page, EmulatorToken Token)> PageTokens(Platform platform, string userToken)
    {
        lock (_gate)
        {
            if (Live(platform, userToken) is not { } grant)
                return [];
            var user = _state.Authenticate(platform, userToken)!;
            var longLived = grant.Issued[userToken].LongLived;
            return grant.User.SubAccounts.Select(page =>
            {
                // On Instagram (through Facebook Login) a Page's token stands for the Instagram account behind the Page.
                var (accountId, name) = platform == Platform.Instagram && page.InstagramAccountId is { } ig ? (ig, page.InstagramUsername ?? page.Name) : (page.Id, page.Name);
                var token = _state.IssueToken(platform, accountId, name, scopes: grant.Scopes,
                    expiresAt: longLived ? DateTimeOffset.MaxValue : user.ExpiresAt);
                grant.Issued[token.Token] = new IssuedToken(Now, LongLived: false);
                _grantsByAccessToken[token.Token] = grant;
                _issuedSecrets.Add(token.Token);
                return (page, token);
            }).ToList();
        }
    }

    /// <summary>
    /// The Instagram account (behind one of the user's Pages) a live Facebook Login user token may act for, or null
    /// (docs/emulator.md#identities).
    /// </summary>
    public OAuthSubAccount? ActsFor(Platform platform, string token, string accountId)
    {
        lock (_gate)
        {
            if (platform != Platform.Instagram || Live(platform, token) is not { } grant)
                return null;
            return grant.User.SubAccounts.FirstOrDefault(p => p.InstagramAccountId == accountId) is { } page
                ? new OAuthSubAccount(accountId, page.InstagramUsername ?? page.Name)
                : null;
        }
    }

    /// <summary>The demo user a live token of a grant stands for (null for tokens tests issued directly).</summary>
    public OAuthDemoUser? UserOf(Platform platform, string? accessToken)
    {
        lock (_gate)
            return Live(platform, accessToken)?.User;
    }

    /// <summary>The client id a live token of a grant was issued to (null for an unknown, dead or directly issued token).</summary>
    public string? UserClientOf(Platform platform, string? accessToken)
    {
        lock (_gate)
            return Live(platform, accessToken)?.Client.ClientId;
    }

    // ---- internals -----------------------------------------------------------------------------------------

    private Grant? Live(Platform platform, string? accessToken)
    {
        if (accessToken is null || !_grantsByAccessToken.TryGetValue(accessToken, out var grant) || grant.Revoked || grant.Platform != platform)
            return null;
        return _state.Authenticate(platform, accessToken) is null ? null : grant;
    }

    private Grant? GrantOf(string token) =>
        _grantsByAccessToken.GetValueOrDefault(token) ?? _grantsByRefreshToken.GetValueOrDefault(token);

    private bool TakeForcedFailure(Platform platform)
    {
        if (_refreshFailures.GetValueOrDefault(platform) <= 0)
            return false;
        _refreshFailures[platform]--;
        return true;
    }

    private void RevokeLocked(Grant grant)
    {
        grant.Revoked = true;
        if (grant.RefreshToken is not null)
            _grantsByRefreshToken.Remove(grant.RefreshToken);
        foreach (var token in grant.Issued.Keys)
            _state.Revoke(token);
    }

    private void SetRefreshToken(Grant grant, string refreshToken)
    {
        grant.RefreshToken = refreshToken;
        _grantsByRefreshToken[refreshToken] = grant;
        _issuedSecrets.Add(refreshToken);
    }

    private EmulatorToken IssueAccess(Grant grant, TimeSpan lifetime, bool longLived)
    {
        var token = _state.IssueToken(grant.Platform, grant.User.AccountId, grant.User.Username, lifetime, grant.Scopes);
        grant.Issued[token.Token] = new IssuedToken(Now, longLived);
        _grantsByAccessToken[token.Token] = grant;
        _issuedSecrets.Add(token.Token);
        return token;
    }

    private OAuthIssue Issue(Grant grant, EmulatorToken access, TimeSpan lifetime, bool answerRefresh) =>
        new(access.Token, lifetime, grant.RefreshToken, grant.RefreshExpiresAt is { } at ? at - Now : null, grant.Scopes.ToList(), grant.User,
            answerRefresh && grant.RefreshToken is not null);

    private static string NewRefreshToken(Platform platform) => $"emu-rt-{platform.ToWireName()}-{RandomToken(24)}";

    private static string RandomToken(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Scopes as sent: space- or comma-separated, depending on the platform (both are accepted everywhere).</summary>
    public static IReadOnlyList<string> SplitScopes(string? scope) =>
        (scope ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    private sealed class Code(Platform platform, string clientId, string redirectUri, string? challenge, string? method, IReadOnlyList<string> scopes,
        bool offline, DateTimeOffset expiresAt)
    {
        public Platform Platform { get; } = platform;
        public string ClientId { get; } = clientId;
        public string RedirectUri { get; } = redirectUri;
        public string? Challenge { get; } = challenge;
        public string? Method { get; } = method;
        public IReadOnlyList<string> Scopes { get; } = scopes;
        public bool Offline { get; } = offline;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public required OAuthDemoUser User { get; init; }
        public bool Used { get; set; }
    }

    private sealed record IssuedToken(DateTimeOffset At, bool LongLived);

    private sealed class Grant(Platform platform, OAuthClient client, OAuthDemoUser user, IReadOnlyList<string> scopes, DateTimeOffset createdAt)
    {
        public Platform Platform { get; } = platform;
        public OAuthClient Client { get; } = client;
        public OAuthDemoUser User { get; } = user;
        public IReadOnlyList<string> Scopes { get; } = scopes;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public string? RefreshToken { get; set; }
        public DateTimeOffset? RefreshExpiresAt { get; set; }
        public bool Revoked { get; set; }

        /// <summary>Every access token of the grant (user and Page tokens), so revoking the grant kills them all.</summary>
        public Dictionary<string, IssuedToken> Issued { get; } = new(StringComparer.Ordinal);
    }
}
