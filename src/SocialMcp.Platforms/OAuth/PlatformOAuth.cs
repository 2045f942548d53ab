using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.OAuth;

/// <summary>
/// The client side of the eight platforms' authorization-code flows, driven by their <see cref="OAuthProfile"/>s
/// (docs/platforms.md#oauth). Every token-endpoint call goes through the OAuth HttpClient, which never retries: a
/// refresh that may have reached the platform is not sent again, because a rotating refresh token sent twice kills
/// the grant. Tokens, codes and secrets stay out of every message and log line; only ids and platform error codes go there.
/// </summary>
public sealed class PlatformOAuth(
    IHttpClientFactory clients,
    IOptionsMonitor<PlatformOptions> options,
    TimeProvider time,
    ILogger<PlatformOAuth> logger) : IPlatformOAuth
{
    public bool IsConfigured(Platform platform)
    {
        var settings = OptionsOf(platform);
        return !string.IsNullOrWhiteSpace(settings.ClientId) && !string.IsNullOrWhiteSpace(settings.ClientSecret);
    }

    public IReadOnlyList<string> RequiredSettings(Platform platform)
    {
        var name = platform.ToWireName();
        return [$"Platforms:{name}:ClientId", $"Platforms:{name}:ClientSecret"];
    }

    public RefreshModel RefreshModelOf(Platform platform) => ProfileOf(platform).Refresh;

    public bool UsesPkce(Platform platform) => ProfileOf(platform).Pkce != PkceKind.None;

    /// <summary>The profile as configured now (scopes, region, partner status), for callers and tests that show it.</summary>
    public OAuthProfile ProfileOf(Platform platform) => OAuthProfiles.For(platform, OptionsOf(platform));

    public Uri BuildAuthorizationUrl(Platform platform, string state, string codeVerifier, Uri redirectUri)
    {
        var settings = OptionsOf(platform);
        var profile = OAuthProfiles.For(platform, settings);
        var (clientId, _) = Credentials(profile, settings);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new(profile.ClientIdParameter, clientId),
            new("redirect_uri", redirectUri.AbsoluteUri),
            new("scope", string.Join(profile.ScopeSeparator, profile.Scopes)),
            new("state", state),
        };
        if (profile.Pkce != PkceKind.None)
        {
            parameters.Add(new("code_challenge", Pkce.Challenge(profile.Pkce, codeVerifier)));
            parameters.Add(new("code_challenge_method", Pkce.Method));
        }
        parameters.AddRange(profile.ExtraAuthorizeParameters);
        var url = OAuthUrls.Resolve(profile.AuthorizeUrl, OAuthUrls.EmulatedRoot(profile, settings));
        return WithQuery(url, parameters);
    }

    public async Task<ConnectedGrant> ExchangeCodeAsync(Platform platform, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        var settings = OptionsOf(platform);
        var profile = OAuthProfiles.For(platform, settings);
        var credentials = Credentials(profile, settings);
        var root = OAuthUrls.EmulatedRoot(profile, settings);
        var client = clients.CreateClient(OAuthHttpClients.NameOf(platform));

        if (profile.StripCodeSuffix && code.EndsWith("#_", StringComparison.Ordinal))
            code = code[..^2];
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri.AbsoluteUri),
        };
        if (profile.Pkce != PkceKind.None)
            parameters.Add(new("code_verifier", codeVerifier));

        return await LoggedAsync(profile, OAuthStep.CodeExchange, null, async () =>
        {
            var request = TokenRequest(profile, OAuthUrls.Resolve(profile.TokenUrl, root), parameters, credentials);
            var answer = await ReadAnswerAsync(client, request, OAuthStep.CodeExchange, profile, cancellationToken);
            var grant = answer.ToGrant(time.GetUtcNow());

            if (profile.LongLived is { } longLived)
            {
                // Meta's code gives a one-hour token; the ~60-day one is fetched at once, while the short one still works.
                var exchange = LongLivedRequest(longLived.ExchangeUrl, root, longLived.ExchangeGrantType, longLived.TokenParameter,
                    answer.AccessToken, longLived.SendsClientId ? credentials.ClientId : null, credentials.ClientSecret);
                var longAnswer = await ReadAnswerAsync(client, exchange, OAuthStep.LongLivedExchange, profile, cancellationToken);
                var longGrant = longAnswer.ToGrant(time.GetUtcNow());
                grant = longGrant with { Scopes = longGrant.Scopes.Count > 0 ? longGrant.Scopes : grant.Scopes };
            }

            var apiRoot = OAuthUrls.ApiRoot(profile, settings);
            var lookup = new IdentityLookup(client, profile, apiRoot, OAuthUrls.IsRealHost(profile, apiRoot), answer, grant, credentials.ClientId);
            var identities = await profile.DiscoverIdentitiesAsync(lookup, cancellationToken);
            logger.LogInformation("{Platform}: code exchanged; {Count} publishing identities found", platform.ToWireName(), identities.Count);
            return new ConnectedGrant(grant, identities);
        });
    }

    public async Task<TokenGrant> RefreshAsync(Account account, AccountTokens tokens, CancellationToken cancellationToken)
    {
        var settings = OptionsOf(account.Platform);
        var profile = OAuthProfiles.For(account.Platform, settings);
        var credentials = Credentials(profile, settings);
        var root = OAuthUrls.EmulatedRoot(profile, settings, AccountBaseUrl(account));
        var client = clients.CreateClient(OAuthHttpClients.NameOf(account.Platform));

        return await LoggedAsync(profile, OAuthStep.Refresh, account.Id, async () =>
        {
            HttpRequestMessage request;
            if (profile.Refresh == RefreshModel.ExtendAccessToken && profile.LongLived is { } longLived)
            {
                // Meta: no refresh token; the long-lived access token itself is renewed (docs/platforms.md#oauth-refresh).
                request = LongLivedRequest(longLived.ExtendUrl, root, longLived.ExtendGrantType, longLived.TokenParameter, tokens.AccessToken,
                    longLived.SendsClientId ? credentials.ClientId : null, longLived.ExtendSendsSecret ? credentials.ClientSecret : null);
            }
            else
            {
                // LinkedIn outside the partner program gives no refresh token: only reconnecting helps.
                if (tokens.RefreshToken is not { Length: > 0 } refreshToken)
                    throw new OAuthException(OAuthFailureKind.DeadGrant,
                        $"{profile.DisplayName} gave this account no refresh token; reconnect the account before its access expires.", "no_refresh_token");
                request = TokenRequest(profile, OAuthUrls.Resolve(profile.TokenUrl, root),
                    [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], credentials);
            }
            var answer = await ReadAnswerAsync(client, request, OAuthStep.Refresh, profile, cancellationToken);
            // Google leaves refresh_token out of a refresh answer: the one we hold stays good (docs/platforms.md#youtube-oauth).
            return answer.ToGrant(time.GetUtcNow(), keptRefreshToken: profile.Refresh == RefreshModel.ExtendAccessToken ? null : tokens.RefreshToken);
        });
    }

    public async Task<bool> RevokeAsync(Account account, string token, CancellationToken cancellationToken)
    {
        var settings = OptionsOf(account.Platform);
        var profile = OAuthProfiles.For(account.Platform, settings);
        if (profile.RevokeUrl is not { } revokeUrl)
            return false;
        var credentials = Credentials(profile, settings);
        var url = OAuthUrls.Resolve(revokeUrl, OAuthUrls.EmulatedRoot(profile, settings, AccountBaseUrl(account)));
        var client = clients.CreateClient(OAuthHttpClients.NameOf(account.Platform));
        List<KeyValuePair<string, string>> parameters = [new("token", token)];
        using var request = profile.RevokeSendsClient
            ? TokenRequest(profile, url, parameters, credentials)
            : new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(parameters) };
        try
        {
            await LoggedAsync(profile, OAuthStep.Revoke, account.Id,
                async () => await OAuthCalls.SendAsync(client, request, OAuthStep.Revoke, profile, cancellationToken));
            return true;
        }
        catch (OAuthException ex) when (ex.Kind == OAuthFailureKind.DeadGrant)
        {
            return true; // the token was dead already: nothing left to revoke
        }
    }

    private PlatformOptions OptionsOf(Platform platform) => options.Get(platform.ToWireName());

    private static (string ClientId, string ClientSecret) Credentials(OAuthProfile profile, PlatformOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ClientId) || string.IsNullOrWhiteSpace(settings.ClientSecret))
        {
            var name = profile.Platform.ToWireName();
            throw new OAuthException(OAuthFailureKind.Misconfigured,
                $"{profile.DisplayName} is not configured: set Platforms:{name}:ClientId and Platforms:{name}:ClientSecret.", "not_configured");
        }
        return (settings.ClientId, settings.ClientSecret);
    }

    /// <summary>A token-endpoint request with our client authentication in the platform's style.</summary>
    private static HttpRequestMessage TokenRequest(OAuthProfile profile, Uri url, IReadOnlyList<KeyValuePair<string, string>> parameters,
        (string ClientId, string ClientSecret) credentials)
    {
        switch (profile.ClientAuth)
        {
            case ClientAuthStyle.Basic:
                // RFC 6749 §2.3.1: id and secret are form-encoded before joining (a no-op for X's URL-safe ids and secrets).
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                    $"{Uri.EscapeDataString(credentials.ClientId)}:{Uri.EscapeDataString(credentials.ClientSecret)}"));
                return new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new FormUrlEncodedContent(parameters),
                    Headers = { Authorization = new AuthenticationHeaderValue("Basic", basic) },
                };
            case ClientAuthStyle.Query:
                // Facebook: GET oauth/access_token?client_id&redirect_uri&client_secret&code, no grant_type (docs/platforms.md#facebook-oauth).
                var query = new List<KeyValuePair<string, string>> { new("client_id", credentials.ClientId) };
                query.AddRange(parameters.Where(p => p.Key != "grant_type" || p.Value != "authorization_code"));
                query.Add(new("client_secret", credentials.ClientSecret));
                return new HttpRequestMessage(HttpMethod.Get, WithQuery(url, query));
            default:
                var body = new List<KeyValuePair<string, string>>
                {
                    new(profile.ClientIdParameter, credentials.ClientId),
                    new("client_secret", credentials.ClientSecret),
                };
                body.AddRange(parameters);
                return new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(body) };
        }
    }

    /// <summary>Meta's long-lived exchange or extension: a GET with the token (and the secret where the platform wants it) in the query.</summary>
    private static HttpRequestMessage LongLivedRequest(Uri realUrl, Uri? root, string grantType, string tokenParameter, string token,
        string? clientId, string? clientSecret)
    {
        var query = new List<KeyValuePair<string, string>> { new("grant_type", grantType) };
        if (clientId is not null)
            query.Add(new("client_id", clientId));
        if (clientSecret is not null)
            query.Add(new("client_secret", clientSecret));
        query.Add(new(tokenParameter, token));
        return new HttpRequestMessage(HttpMethod.Get, WithQuery(OAuthUrls.Resolve(realUrl, root), query));
    }

    private static async Task<TokenAnswer> ReadAnswerAsync(HttpClient client, HttpRequestMessage request, OAuthStep step, OAuthProfile profile,
        CancellationToken cancellationToken)
    {
        using (request)
        {
            var body = await OAuthCalls.SendAsync(client, request, step, profile, cancellationToken);
            return TokenAnswer.Read(body, profile.ScopeSeparator) ?? throw OAuthCalls.Unreadable(profile, step);
        }
    }

    /// <summary>Runs a step and logs its failure by kind and platform code (never the exception's message, which could change to carry more).</summary>
    private async Task<T> LoggedAsync<T>(OAuthProfile profile, OAuthStep step, string? accountId, Func<Task<T>> run)
    {
        try
        {
            return await run();
        }
        catch (OAuthException ex)
        {
            logger.LogWarning("{Platform}: {Step} failed for account {AccountId}: {Kind} {PlatformError}",
                profile.Platform.ToWireName(), step, accountId ?? "(new)", ex.Kind, ex.PlatformError);
            throw;
        }
    }

    private static Uri? AccountBaseUrl(Account account) =>
        account.Metadata.ValueKind == JsonValueKind.Object && account.Metadata.TryGetProperty("apiBaseUrl", out var value)
        && value.ValueKind == JsonValueKind.String && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var url)
            ? url
            : null;

    private static Uri WithQuery(Uri url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var query = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return new UriBuilder(url) { Query = query }.Uri;
    }
}
