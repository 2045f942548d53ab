using System.Collections.Concurrent;
using System.Web;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Tests.Accounts;

/// <summary>
/// A platform's token endpoints, in memory, shared by every refresher that uses it (two processes on one database share
/// one platform). Refresh tokens rotate where the model says so — the old one dies when a new one is issued — and a
/// used or revoked refresh token is a dead grant. Refreshes can be made to fail, or held in flight by a gate.
/// Every token it issues contains "SECRET" so a test can look for leaks.
/// </summary>
public sealed class FakePlatformOAuth(TimeProvider clock) : IPlatformOAuth
{
    private readonly ConcurrentDictionary<string, string> _verifierByState = new();
    private readonly ConcurrentDictionary<string, byte> _liveRefreshTokens = new();
    /// <summary>Live access tokens and when each expires.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _liveAccessTokens = new();
    private readonly ConcurrentQueue<OAuthFailureKind> _nextRefreshFailures = new();
    private int _issued;
    private int _refreshCalls;

    public HashSet<Platform> Unconfigured { get; } = [];

    public Dictionary<Platform, RefreshModel> Models { get; } = new()
    {
        [Platform.X] = RefreshModel.RotatingRefreshToken,
        [Platform.TikTok] = RefreshModel.RotatingRefreshToken,
        [Platform.YouTube] = RefreshModel.RefreshToken,
        [Platform.Amazon] = RefreshModel.RefreshToken,
        [Platform.Facebook] = RefreshModel.ExtendAccessToken,
        [Platform.Instagram] = RefreshModel.ExtendAccessToken,
        [Platform.Threads] = RefreshModel.ExtendAccessToken,
        [Platform.LinkedIn] = RefreshModel.ReconnectOnly,
    };

    public TimeSpan AccessLifetime { get; set; } = TimeSpan.FromHours(2);

    public TimeSpan? RefreshLifetime { get; set; }

    /// <summary>The identities the next code exchanges return; one "@alice" by default.</summary>
    public List<PublishingIdentity> Identities { get; set; } = [new() { PlatformAccountId = "acct-1", Handle = "@alice", DisplayName = "Alice" }];

    /// <summary>When set, a refresh waits for it after counting itself (so a test can pile callers onto one refresh).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int RefreshCalls => Volatile.Read(ref _refreshCalls);

    public ConcurrentQueue<DateTimeOffset> RefreshTimes { get; } = new();

    /// <summary>Every token, refresh token and code this fake has handed out or accepted: none may appear in plain anywhere.</summary>
    public ConcurrentBag<string> Secrets { get; } = [];

    public string? LatestRefreshToken { get; private set; }

    public string? LatestAccessToken { get; private set; }

    public void FailNextRefreshes(params OAuthFailureKind[] kinds)
    {
        foreach (var kind in kinds)
            _nextRefreshFailures.Enqueue(kind);
    }

    /// <summary>The person revoked the app: every refresh token and access token dies.</summary>
    public void RevokeAll()
    {
        _liveRefreshTokens.Clear();
        _liveAccessTokens.Clear();
    }

    /// <summary>Whether the platform takes this access token now: issued by it, not revoked, not expired.</summary>
    public bool IsLiveAccessToken(string? token) =>
        token is not null && _liveAccessTokens.TryGetValue(token, out var expiresAt) && clock.GetUtcNow() < expiresAt;

    /// <summary>The platform forgets an access token early (it says "expired" although our stored expiry says otherwise).</summary>
    public void ExpireAccessToken(string token) => _liveAccessTokens.TryRemove(token, out _);

    public bool IsConfigured(Platform platform) => !Unconfigured.Contains(platform);

    public IReadOnlyList<string> RequiredSettings(Platform platform) =>
        [$"Platforms:{platform.ToWireName()}:ClientId", $"Platforms:{platform.ToWireName()}:ClientSecret"];

    public RefreshModel RefreshModelOf(Platform platform) => Models[platform];

    public bool UsesPkce(Platform platform) => true;

    public Uri BuildAuthorizationUrl(Platform platform, string state, string codeVerifier, Uri redirectUri)
    {
        _verifierByState[state] = codeVerifier;
        Secrets.Add(codeVerifier);
        return new Uri($"https://auth.example/{platform.ToWireName()}/authorize?state={HttpUtility.UrlEncode(state)}&redirect_uri={HttpUtility.UrlEncode(redirectUri.AbsoluteUri)}");
    }

    /// <summary>The state inside an authorization URL this fake built.</summary>
    public static string StateOf(Uri authorizationUrl) => HttpUtility.ParseQueryString(authorizationUrl.Query)["state"]!;

    /// <summary>The code the platform would put on the redirect for this state (a secret like any code).</summary>
    public string CodeFor(string state)
    {
        var code = "code-SECRET-" + state;
        Secrets.Add(code);
        return code;
    }

    public Task<ConnectedGrant> ExchangeCodeAsync(Platform platform, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        var state = code.StartsWith("code-SECRET-", StringComparison.Ordinal) ? code["code-SECRET-".Length..] : "";
        if (!_verifierByState.TryRemove(state, out var expected) || expected != codeVerifier)
            throw new OAuthException(OAuthFailureKind.Refused, "The code or its PKCE verifier is wrong.", "invalid_grant");
        return Task.FromResult(new ConnectedGrant(Issue(platform), Identities));
    }

    public async Task<TokenGrant> RefreshAsync(Account account, AccountTokens tokens, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _refreshCalls);
        RefreshTimes.Enqueue(clock.GetUtcNow());
        if (Gate is { } gate)
            await gate.Task.WaitAsync(cancellationToken);
        if (_nextRefreshFailures.TryDequeue(out var failure))
        {
            throw new OAuthException(failure, $"Refresh failed ({failure}).",
                failure switch { OAuthFailureKind.DeadGrant => "invalid_grant", OAuthFailureKind.Misconfigured => "invalid_client", _ => "temporarily_unavailable" });
        }
        var model = Models[account.Platform];
        if (model == RefreshModel.ExtendAccessToken)
        {
            if (!_liveAccessTokens.TryRemove(tokens.AccessToken, out var expiresAt) || expiresAt <= clock.GetUtcNow())
                throw new OAuthException(OAuthFailureKind.DeadGrant, "The token cannot be extended.", "190");
            return Issue(account.Platform);
        }
        if (tokens.RefreshToken is null || !_liveRefreshTokens.ContainsKey(tokens.RefreshToken))
            throw new OAuthException(OAuthFailureKind.DeadGrant, "The refresh token is invalid.", "invalid_grant");
        if (model == RefreshModel.RotatingRefreshToken)
            _liveRefreshTokens.TryRemove(tokens.RefreshToken, out _);
        // A refresh token that does not rotate stays as it is: the platform returns none (we keep ours).
        return Issue(account.Platform, withRefresh: model == RefreshModel.RotatingRefreshToken);
    }

    public Task<bool> RevokeAsync(Account account, string token, CancellationToken cancellationToken)
    {
        _liveRefreshTokens.TryRemove(token, out _);
        return Task.FromResult(true);
    }

    private TokenGrant Issue(Platform platform, bool withRefresh = true)
    {
        var n = Interlocked.Increment(ref _issued);
        var now = clock.GetUtcNow();
        var access = $"access-{n}-SECRET";
        _liveAccessTokens[access] = now + AccessLifetime;
        Secrets.Add(access);
        LatestAccessToken = access;
        string? refresh = null;
        if (withRefresh && Models[platform] is RefreshModel.RefreshToken or RefreshModel.RotatingRefreshToken)
        {
            refresh = $"refresh-{n}-SECRET";
            _liveRefreshTokens[refresh] = 0;
            Secrets.Add(refresh);
            LatestRefreshToken = refresh;
        }
        return new TokenGrant
        {
            AccessToken = access,
            AccessExpiresAt = now + AccessLifetime,
            RefreshToken = refresh,
            RefreshExpiresAt = refresh is not null && RefreshLifetime is { } life ? now + life : null,
            Scopes = ["post.write", "offline.access"],
        };
    }
}
