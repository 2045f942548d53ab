using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.Platforms.Tests.EmulatorOAuth;

/// <summary>
/// Plays an app against the emulator's OAuth endpoints with raw HTTP, each platform's way (parameter names, client
/// authentication, PKCE encoding), on a fake clock. Redirects are not followed: the test reads the Location itself.
/// </summary>
internal sealed class OAuthDriver : IAsyncDisposable
{
    public const string Redirect = "https://app.example/oauth/callback";

    /// <summary>A valid RFC 7636 verifier (43+ unreserved characters).</summary>
    public const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier";

    private OAuthDriver(PlatformEmulator emulator, FakeTimeProvider time)
    {
        Emulator = emulator;
        Time = time;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = emulator.Root };
    }

    public PlatformEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public OAuthAuthority OAuth => Emulator.OAuth;

    public static async Task<OAuthDriver> StartAsync(params Platform[] platforms)
    {
        var time = new FakeTimeProvider(TestTime.Start);
        var emulator = await PlatformEmulator.StartAsync(time: time, platforms: platforms);
        return new OAuthDriver(emulator, time);
    }

    public static string ClientId(Platform platform) => OAuthClient.DemoClientId(platform);

    public static string Secret(Platform platform) => OAuthClient.DemoClientSecret(platform);

    /// <summary>The scopes an app asks for to publish (docs/platforms.md, each platform's "auth and tokens").</summary>
    public static string Scopes(Platform platform) => platform switch
    {
        Platform.X => "tweet.read tweet.write users.read media.write offline.access",
        Platform.LinkedIn => "openid profile w_member_social",
        Platform.TikTok => "user.info.basic,video.publish,video.upload",
        Platform.YouTube => "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly",
        Platform.Facebook => "pages_show_list,pages_manage_posts,pages_read_engagement,publish_video",
        Platform.Instagram => "instagram_business_basic,instagram_business_content_publish",
        Platform.Threads => "threads_basic,threads_content_publish",
        _ => "advertising::campaign_management",
    };

    /// <summary>The authorize request as the platform's client would send it.</summary>
    public Task<HttpResponseMessage> AuthorizeAsync(Platform platform, string redirect = Redirect, string? clientId = null, string state = "st-1",
        string verifier = Verifier, string? scopes = null)
    {
        var query = new Dictionary<string, string?>
        {
            [platform == Platform.TikTok ? "client_key" : "client_id"] = clientId ?? ClientId(platform),
            ["redirect_uri"] = redirect,
            ["response_type"] = "code",
            ["scope"] = scopes ?? Scopes(platform),
            ["state"] = state,
        };
        switch (platform)
        {
            case Platform.X or Platform.YouTube or Platform.Amazon:
                query["code_challenge"] = Pkce.S256(verifier);
                query["code_challenge_method"] = "S256";
                break;
            case Platform.TikTok:
                query["code_challenge"] = Pkce.S256(verifier, hex: true);
                query["code_challenge_method"] = "S256";
                break;
        }
        if (platform == Platform.YouTube)
            query["access_type"] = "offline";
        return Http.GetAsync(QueryHelpers.AddQueryString(Emulator.BaseUrlOf(platform).AbsoluteUri + OAuthRoutes.AuthorizePath(platform), query));
    }

    /// <summary>The code the authorize redirect carries (the test fails when it carries none).</summary>
    public async Task<string> CodeAsync(Platform platform, string redirect = Redirect, string? clientId = null, string? scopes = null)
    {
        using var response = await AuthorizeAsync(platform, redirect, clientId, scopes: scopes);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var parameters = QueryOf(response.Headers.Location!);
        Assert.True(parameters.ContainsKey("code"), $"no code in the redirect: {response.Headers.Location}");
        return parameters["code"];
    }

    public static Dictionary<string, string> QueryOf(Uri location) =>
        QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);

    /// <summary>The code exchange, with the platform's client authentication.</summary>
    public Task<HttpResponseMessage> ExchangeAsync(Platform platform, string code, string verifier = Verifier, string redirect = Redirect,
        string? secret = null, string? clientId = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirect,
        };
        if (platform is Platform.X or Platform.TikTok or Platform.YouTube or Platform.Amazon)
            fields["code_verifier"] = verifier;
        return TokenCallAsync(platform, fields, secret, clientId);
    }

    public Task<HttpResponseMessage> RefreshAsync(Platform platform, string refreshToken, string? secret = null, string? clientId = null) =>
        TokenCallAsync(platform, new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, secret, clientId);

    private async Task<HttpResponseMessage> TokenCallAsync(Platform platform, Dictionary<string, string> fields, string? secret, string? clientId)
    {
        var id = clientId ?? ClientId(platform);
        var key = secret ?? Secret(platform);
        var url = Emulator.BaseUrlOf(platform).AbsoluteUri + OAuthRoutes.TokenPath(platform);
        switch (platform)
        {
            case Platform.X:
                {
                    // A confidential X client authenticates with HTTP Basic.
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{key}")));
                    return await SendAsync(request);
                }
            case Platform.TikTok:
                fields["client_key"] = id;
                fields["client_secret"] = key;
                return await Http.PostAsync(url, new FormUrlEncodedContent(fields));
            case Platform.Facebook:
                fields["client_id"] = id;
                fields["client_secret"] = key;
                fields.Remove("grant_type");
                return await Http.GetAsync(QueryHelpers.AddQueryString(url, fields!));
            default:
                fields["client_id"] = id;
                fields["client_secret"] = key;
                return await Http.PostAsync(url, new FormUrlEncodedContent(fields));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        // The request is disposed by the caller's using; buffer the answer first.
        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A Meta GET (long-lived exchange or refresh) at <c>/{platform}/{path}</c> with these query parameters.</summary>
    public Task<HttpResponseMessage> MetaGetAsync(Platform platform, string path, Dictionary<string, string?> query) =>
        Http.GetAsync(QueryHelpers.AddQueryString(Emulator.BaseUrlOf(platform).AbsoluteUri + path, query));

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? throw new InvalidOperationException("not a JSON object");

    /// <summary>A completed connect: authorize, exchange, and the answer's JSON.</summary>
    public async Task<JsonObject> ConnectAsync(Platform platform, string? scopes = null, string? clientId = null, string? secret = null)
    {
        var code = await CodeAsync(platform, clientId: clientId, scopes: scopes);
        using var response = await ExchangeAsync(platform, code, secret: secret, clientId: clientId);
        var body = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"exchange answered {(int)response.StatusCode}: {body}");
        return body;
    }

    /// <summary>A request with a bearer token at <c>/{platform}/{path}</c>.</summary>
    public async Task<HttpResponseMessage> WithTokenAsync(Platform platform, HttpMethod method, string path, string token, HttpContent? content = null,
        IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Emulator.BaseUrlOf(platform).AbsoluteUri + path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return await SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
