using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator.Platforms;

namespace SocialMcp.Emulator.OAuth;

/// <summary>
/// Each platform's authorize, token and revoke endpoints, at <c>/{platform}/</c> + the real URL's path (docs/emulator.md#urls),
/// with the platform's own parameter names, client authentication and answer shapes (docs/platforms.md, "auth and tokens").
/// Handlers are typed to return IResult so the emulator's fault filter applies to them like to the API endpoints.
/// </summary>
public static class OAuthRoutes
{
    /// <summary>The path under <c>/{platform}/</c> of each platform's token endpoint, for tests' fault plans (5xx, slow answers).</summary>
    public static string TokenPath(Platform platform) => platform switch
    {
        Platform.X => "2/oauth2/token",
        Platform.LinkedIn => "oauth/v2/accessToken",
        Platform.TikTok => "v2/oauth/token/",
        Platform.YouTube => "token",
        Platform.Facebook => $"{FacebookEmulator.GraphVersion}/oauth/access_token",
        Platform.Amazon => "auth/o2/token",
        // Instagram and Threads: the code exchange; their long-lived calls are access_token and refresh_access_token.
        _ => "oauth/access_token",
    };

    /// <summary>The path under <c>/{platform}/</c> of each platform's authorize page.</summary>
    public static string AuthorizePath(Platform platform) => platform switch
    {
        Platform.X => "i/oauth2/authorize",
        Platform.LinkedIn => "oauth/v2/authorization",
        Platform.TikTok => "v2/auth/authorize/",
        Platform.YouTube => "o/oauth2/v2/auth",
        Platform.Facebook => $"{FacebookEmulator.GraphVersion}/dialog/oauth",
        Platform.Amazon => "ap/oa",
        _ => "oauth/authorize",
    };

    public static void Map(Platform platform, RouteGroupBuilder routes, EmulatorState state)
    {
        var authority = state.OAuth;
        routes.MapGet(AuthorizePath(platform), Handler(http => Task.FromResult(Authorize(platform, authority, http, facebookLogin: false))));
        switch (platform)
        {
            case Platform.X:
                routes.MapPost(TokenPath(platform), Handler(http => StandardTokenAsync(platform, authority, http)));
                routes.MapPost("2/oauth2/revoke", Handler(http => StandardRevokeAsync(platform, authority, http)));
                break;
            case Platform.LinkedIn:
                routes.MapPost(TokenPath(platform), Handler(http => StandardTokenAsync(platform, authority, http)));
                routes.MapPost("oauth/v2/revoke", Handler(http => StandardRevokeAsync(platform, authority, http)));
                break;
            case Platform.TikTok:
                routes.MapPost(TokenPath(platform), Handler(http => StandardTokenAsync(platform, authority, http)));
                routes.MapPost("v2/oauth/revoke/", Handler(http => StandardRevokeAsync(platform, authority, http)));
                break;
            case Platform.YouTube:
                routes.MapPost(TokenPath(platform), Handler(http => StandardTokenAsync(platform, authority, http)));
                routes.MapPost("revoke", Handler(http => StandardRevokeAsync(platform, authority, http)));
                break;
            case Platform.Amazon:
                // Login with Amazon has no revocation endpoint (docs/platforms.md#amazon-auth-and-tokens).
                routes.MapPost(TokenPath(platform), Handler(http => StandardTokenAsync(platform, authority, http)));
                break;
            case Platform.Facebook:
                // The code exchange is a GET with the secret in the query (3p); POST is accepted as well.
                routes.MapGet(TokenPath(platform), Handler(http => MetaTokenAsync(platform, authority, http, facebookStyle: true)));
                routes.MapPost(TokenPath(platform), Handler(http => MetaTokenAsync(platform, authority, http, facebookStyle: true)));
                break;
            default:
                // Instagram Login and Threads: POST code exchange, then GET access_token (exchange) and refresh_access_token.
                routes.MapPost(TokenPath(platform), Handler(http => MetaTokenAsync(platform, authority, http, facebookStyle: false)));
                routes.MapGet("access_token", Handler(http => MetaTokenAsync(platform, authority, http, facebookStyle: false)));
                routes.MapGet("refresh_access_token", Handler(http => MetaTokenAsync(platform, authority, http, facebookStyle: false)));
                if (platform == Platform.Instagram)
                {
                    // Instagram through Facebook Login (the adapter's graph.facebook.com root): Facebook's dialog and token
                    // endpoints, and the user's Pages with the Instagram accounts behind them (docs/emulator.md#identities).
                    var version = FacebookEmulator.GraphVersion;
                    routes.MapGet($"{version}/dialog/oauth", Handler(http => Task.FromResult(Authorize(platform, authority, http, facebookLogin: true))));
                    routes.MapGet($"{version}/oauth/access_token", Handler(http => MetaTokenAsync(platform, authority, http, facebookStyle: true)));
                    routes.MapPost($"{version}/oauth/access_token", Handler(http => MetaTokenAsync(platform, authority, http, facebookStyle: true)));
                    routes.MapGet("{userId}/accounts", Handler(http => InstagramPages.AccountsAsync(http, state)));
                }
                break;
        }
    }

    private static Delegate Handler(Func<HttpContext, Task<IResult>> handle) => handle;

    // ---- authorize -----------------------------------------------------------------------------------------

    private static IResult Authorize(Platform platform, OAuthAuthority authority, HttpContext http, bool facebookLogin)
    {
        var query = http.Request.Query;
        string? Param(string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
        // TikTok names the client client_key (docs/platforms.md#tiktok-auth-and-tokens).
        var clientId = platform == Platform.TikTok ? Param("client_key") : Param("client_id");
        var redirectUri = Param("redirect_uri");
        var outcome = authority.Authorize(platform, clientId, redirectUri, Param("response_type") ?? (IsMeta(platform) ? "code" : null), Param("scope"),
            Param("code_challenge"), Param("code_challenge_method"), Param("access_type") == "offline", facebookLogin);
        if (outcome.PageError is { } pageError)
            return ErrorPage(platform, pageError);

        var parameters = new List<(string, string)>();
        if (outcome.Code is { } code)
        {
            parameters.Add(("code", code));
            if (platform == Platform.TikTok)
                parameters.Add(("scopes", string.Join(',', outcome.Scopes)));
        }
        else
        {
            parameters.Add(("error", outcome.RedirectError!));
            if (IsMeta(platform) && outcome.RedirectError == "access_denied")
            {
                parameters.Add(("error_code", "200"));
                parameters.Add(("error_reason", "user_denied"));
            }
            parameters.Add(("error_description", outcome.RedirectErrorDescription!));
        }
        if (Param("state") is { } state)
            parameters.Add(("state", state));
        // Instagram appends "#_" to the redirect that carries the code (docs/platforms.md#instagram-auth-and-tokens).
        var fragment = platform == Platform.Instagram && !facebookLogin && outcome.Code is not null ? "#_" : "";
        return Results.Redirect(WithQuery(redirectUri!, parameters) + fragment);
    }

    private static string WithQuery(string uri, IEnumerable<(string Name, string Value)> parameters)
    {
        var builder = new StringBuilder(uri);
        var separator = uri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return builder.ToString();
    }

    /// <summary>What a platform shows instead of redirecting to a redirect it cannot trust: a page, never a redirect.</summary>
    private static IResult ErrorPage(Platform platform, string message) => Results.Content(
        $"<!DOCTYPE html><html><head><title>Authorization error</title></head><body><h1>{WebUtility.HtmlEncode(platform.ToWireName())}: authorization error</h1>"
        + $"<p>{WebUtility.HtmlEncode(message)}</p></body></html>",
        "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);

    private static bool IsMeta(Platform platform) => platform is Platform.Facebook or Platform.Instagram or Platform.Threads;

    // ---- X, LinkedIn, TikTok, Google, Amazon ---------------------------------------------------------------

    private static async Task<IResult> StandardTokenAsync(Platform platform, OAuthAuthority authority, HttpContext http)
    {
        var form = await GraphEmulation.ReadParametersAsync(http.Request);
        var (client, refused) = AuthenticateClient(platform, authority, http, form);
        if (refused is not null)
            return refused;
        var grantType = form.GetValueOrDefault("grant_type");
        var outcome = grantType switch
        {
            "authorization_code" => authority.ExchangeCode(platform, client!, form.GetValueOrDefault("code"), form.GetValueOrDefault("redirect_uri"),
                form.GetValueOrDefault("code_verifier")),
            "refresh_token" => authority.Refresh(platform, client!, form.GetValueOrDefault("refresh_token")),
            _ => OAuthOutcome.Refused(OAuthRefusal.UnsupportedGrantType, "grant_type must be authorization_code or refresh_token."),
        };
        return outcome.Issue is { } issue ? StandardAnswer(platform, issue) : StandardRefusal(platform, outcome, grantType == "refresh_token");
    }

    private static async Task<IResult> StandardRevokeAsync(Platform platform, OAuthAuthority authority, HttpContext http)
    {
        var form = await GraphEmulation.ReadParametersAsync(http.Request);
        OAuthClient? client = null;
        // Google's revoke takes the token alone (docs/platforms.md#youtube-auth-and-tokens); the others authenticate the client.
        if (platform != Platform.YouTube)
        {
            (client, var refused) = AuthenticateClient(platform, authority, http, form);
            if (refused is not null)
                return refused;
        }
        var revoked = authority.Revoke(platform, client, form.GetValueOrDefault("token"));
        return platform switch
        {
            Platform.X => Results.Json(new JsonObject { ["revoked"] = true }),
            Platform.TikTok => Results.Json(new JsonObject()),
            Platform.YouTube when !revoked => OAuthJson(400, new JsonObject { ["error"] = "invalid_token", ["error_description"] = "Token expired or revoked" }),
            Platform.YouTube => Results.Json(new JsonObject()),
            _ => Results.Ok(),
        };
    }

    /// <summary>
    /// Each platform's client authentication: X wants HTTP Basic from a confidential client (client_secret_post is refused);
    /// TikTok sends client_key and client_secret in the body; the others send client_id and client_secret in the body
    /// (Google and Amazon also take Basic).
    /// </summary>
    private static (OAuthClient? Client, IResult? Refused) AuthenticateClient(Platform platform, OAuthAuthority authority, HttpContext http,
        IReadOnlyDictionary<string, string> form)
    {
        var basic = BasicCredentials(http);
        string? clientId, secret;
        if (platform == Platform.TikTok)
        {
            (clientId, secret) = (form.GetValueOrDefault("client_key"), form.GetValueOrDefault("client_secret"));
        }
        else if (basic is { } credentials && platform is Platform.X or Platform.YouTube or Platform.Amazon)
        {
            (clientId, secret) = credentials;
        }
        else
        {
            (clientId, secret) = (form.GetValueOrDefault("client_id"), form.GetValueOrDefault("client_secret"));
            // docs/platforms.md#x-auth-and-tokens: a confidential client must use Basic; a secret in the body does not count.
            if (platform == Platform.X && authority.Client(platform, clientId) is { IsConfidential: true })
            {
                return (null, OAuthJson(401, new JsonObject
                {
                    ["error"] = "unauthorized_client",
                    ["error_description"] = "Missing valid authorization header",
                }));
            }
        }
        if (authority.AuthenticateClient(platform, clientId, secret) is { } client)
            return (client, null);
        return (null, StandardRefusal(platform, OAuthOutcome.Refused(OAuthRefusal.InvalidClient, "Client authentication failed"), refreshing: false));
    }

    private static (string Id, string Secret)? BasicCredentials(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined.
            return colon < 0 ? null : (WebUtility.UrlDecode(decoded[..colon]), WebUtility.UrlDecode(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IResult StandardAnswer(Platform platform, OAuthIssue issue)
    {
        var seconds = (long)issue.ExpiresIn.TotalSeconds;
        var body = new JsonObject();
        switch (platform)
        {
            case Platform.X:
                body["token_type"] = "bearer";
                body["expires_in"] = seconds;
                body["access_token"] = issue.AccessToken;
                body["scope"] = string.Join(' ', issue.Scopes);
                break;
            case Platform.LinkedIn:
                body["access_token"] = issue.AccessToken;
                body["expires_in"] = seconds;
                body["scope"] = string.Join(',', issue.Scopes);
                break;
            case Platform.TikTok:
                body["open_id"] = issue.User.AccountId;
                body["scope"] = string.Join(',', issue.Scopes);
                body["access_token"] = issue.AccessToken;
                body["expires_in"] = seconds;
                body["token_type"] = "Bearer";
                break;
            case Platform.YouTube:
                body["access_token"] = issue.AccessToken;
                body["expires_in"] = seconds;
                body["scope"] = string.Join(' ', issue.Scopes);
                body["token_type"] = "Bearer";
                break;
            default:
                body["access_token"] = issue.AccessToken;
                body["token_type"] = "bearer";
                body["expires_in"] = seconds;
                break;
        }
        if (issue.AnswerRefreshToken)
        {
            body["refresh_token"] = issue.RefreshToken;
            // TikTok names the refresh token's life refresh_expires_in, LinkedIn refresh_token_expires_in.
            if (issue.RefreshExpiresIn is { } refreshLife && platform is Platform.TikTok or Platform.LinkedIn)
                body[platform == Platform.TikTok ? "refresh_expires_in" : "refresh_token_expires_in"] = (long)refreshLife.TotalSeconds;
        }
        return OAuthJson(200, body);
    }

    /// <summary>The refusals of docs/platforms.md's dead-grant table, in each platform's words.</summary>
    private static IResult StandardRefusal(Platform platform, OAuthOutcome outcome, bool refreshing)
    {
        var (status, error, description) = outcome.Refusal switch
        {
            OAuthRefusal.InvalidClient => (401, "invalid_client", "Client authentication failed"),
            OAuthRefusal.UnsupportedGrantType => (400, "unsupported_grant_type", outcome.Description),
            OAuthRefusal.InvalidRequest => (400, "invalid_request", outcome.Description),
            _ => platform switch
            {
                // X answers a dead code or refresh token with invalid_request, not invalid_grant (3p, several clients).
                Platform.X => (400, "invalid_request", "Value passed for the token was invalid."),
                Platform.LinkedIn => (400, "invalid_request", "The provided authorization grant or refresh token is invalid, expired or revoked"),
                Platform.YouTube => (400, "invalid_grant", refreshing ? "Token has been expired or revoked." : "Bad Request"),
                Platform.Amazon => (400, "invalid_grant", refreshing
                    ? "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission."
                    : "The request has an invalid grant parameter : code"),
                _ => (400, "invalid_grant", outcome.Description),
            },
        };
        if (platform == Platform.YouTube && outcome.Refusal == OAuthRefusal.InvalidClient)
            description = "Unauthorized";
        var body = new JsonObject { ["error"] = error, ["error_description"] = description };
        if (platform == Platform.TikTok)
            body["log_id"] = LogId();
        return OAuthJson(status, body);
    }

    private static long _logSequence;

    private static string LogId() => "2026" + Interlocked.Increment(ref _logSequence).ToString("X16", CultureInfo.InvariantCulture);

    private static IResult OAuthJson(int status, JsonObject body) =>
        Results.Text(body.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, status);

    // ---- Facebook, Instagram Login, Threads ----------------------------------------------------------------

    /// <param name="facebookStyle">Facebook's token endpoint (also Instagram's through Facebook Login): GET code exchange, fb_exchange_token.</param>
    private static async Task<IResult> MetaTokenAsync(Platform platform, OAuthAuthority authority, HttpContext http, bool facebookStyle)
    {
        var parameters = await GraphEmulation.ReadParametersAsync(http.Request);
        var grantType = parameters.GetValueOrDefault("grant_type");
        var accessToken = parameters.GetValueOrDefault("access_token");
        var clientId = parameters.GetValueOrDefault("client_id");
        var secret = parameters.GetValueOrDefault("client_secret");
        var path = http.Request.Path.Value ?? "";

        if (path.EndsWith("/refresh_access_token", StringComparison.Ordinal))
        {
            // ig_refresh_token / th_refresh_token: the long-lived token alone (docs/platforms.md#instagram-auth-and-tokens).
            var expected = platform == Platform.Threads ? "th_refresh_token" : "ig_refresh_token";
            if (grantType != expected)
                return GraphEmulation.Error(400, 100, $"(#100) grant_type must be {expected}");
            return MetaAnswer(platform, authority.RefreshLongLived(platform, expected, accessToken), codeExchange: false);
        }

        var exchange = facebookStyle ? "fb_exchange_token" : platform == Platform.Threads ? "th_exchange_token" : "ig_exchange_token";
        if (grantType == exchange)
        {
            // Facebook names the token fb_exchange_token and sends client_id; Instagram and Threads send the secret alone.
            var token = facebookStyle ? parameters.GetValueOrDefault("fb_exchange_token") : accessToken;
            var owner = facebookStyle ? clientId : authority.UserClientOf(platform, token);
            if (authority.AuthenticateClient(platform, owner, secret) is not { } exchanger)
                return ClientSecretRefused(platform, authority, token);
            return MetaAnswer(platform, authority.ExchangeForLongLived(platform, exchange, exchanger, token), codeExchange: false);
        }

        if (!facebookStyle && grantType != "authorization_code")
            return GraphEmulation.Error(400, 100, "(#100) Unsupported grant_type");
        if (authority.AuthenticateClient(platform, clientId, secret) is not { } client)
            return GraphEmulation.Error(400, 1, "Error validating client secret.");
        var code = parameters.GetValueOrDefault("code");
        var outcome = authority.ExchangeCode(platform, client, code, parameters.GetValueOrDefault("redirect_uri"), parameters.GetValueOrDefault("code_verifier"));
        return MetaAnswer(facebookStyle ? Platform.Facebook : platform, outcome, codeExchange: true);
    }

    /// <summary>A wrong secret on a long-lived exchange; a dead token is reported first, as Graph checks the token first.</summary>
    private static IResult ClientSecretRefused(Platform platform, OAuthAuthority authority, string? token) =>
        authority.UserClientOf(platform, token) is null
            ? GraphEmulation.Error(400, 190, "Error validating access token: The session is invalid because the user logged out or the token expired or was revoked.")
            : GraphEmulation.Error(400, 1, "Error validating client secret.");

    private static IResult MetaAnswer(Platform platform, OAuthOutcome outcome, bool codeExchange)
    {
        if (outcome.Issue is not { } issue)
        {
            return outcome.Refusal switch
            {
                OAuthRefusal.InvalidClient => GraphEmulation.Error(400, 1, "Error validating client secret."),
                OAuthRefusal.InvalidRequest or OAuthRefusal.TooEarly => GraphEmulation.Error(400, 100, "(#100) " + outcome.Description),
                // A bad code is Graph's code 100 (invalid parameter); a dead token or session is code 190 (docs/platforms.md#facebook-errors).
                _ when codeExchange => GraphEmulation.Error(400, 100, outcome.Description, subcode: 36009),
                _ => GraphEmulation.Error(400, 190, outcome.Description, subcode: 463),
            };
        }
        var seconds = (long)issue.ExpiresIn.TotalSeconds;
        if (codeExchange && platform == Platform.Instagram)
            return GraphEmulation.Ok(new { access_token = issue.AccessToken, user_id = issue.User.AccountId, permissions = string.Join(',', issue.Scopes) });
        if (codeExchange && platform == Platform.Threads)
            return GraphEmulation.Ok(new { access_token = issue.AccessToken, user_id = issue.User.AccountId });
        return GraphEmulation.Ok(new { access_token = issue.AccessToken, token_type = "bearer", expires_in = seconds });
    }
}
