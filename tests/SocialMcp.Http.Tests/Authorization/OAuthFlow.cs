using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.Access;
using SocialMcp.Server.Authorization;

namespace SocialMcp.Http.Tests.Authorization;

/// <summary>
/// A test OAuth client of the authorization server, driving the consent page as a browser would (plain form posts,
/// its own cookies, no automatic redirects): register, authorize, sign in, approve or deny, exchange the code.
/// </summary>
public sealed partial class OAuthFlow : IDisposable
{
    public const string RedirectUri = "http://127.0.0.1:9/callback";

    private readonly HttpClient _browser;

    public OAuthFlow(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        _browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri BaseAddress { get; }
    public string Resource => new Uri(BaseAddress, "/mcp").AbsoluteUri;
    public HttpClient Browser => _browser;

    /// <summary>Adds the authorization server beside the real API keys, as <c>serve --http</c> does.</summary>
    public static void AddAuthorizationServer(IServiceCollection services)
    {
        services.AddSocialMcpAuthorization();
        ApiKeyAccessSetup.AddOAuthAccessTokens(services);
    }

    public static Task<TestServer> StartServerAsync(IDictionary<string, string?>? settings = null) =>
        TestServer.StartAsync(settings, apiKeys: true, configureServices: AddAuthorizationServer);

    /// <summary>A consent-page operator of the workspace; returns the password.</summary>
    public static async Task<string> CreateOperatorAsync(TestServer server, string name = "alice", string workspaceId = "local")
    {
        using var scope = server.Services.CreateScope();
        var (_, password) = await scope.ServiceProvider.GetRequiredService<WorkspaceOperators>().CreateAsync(workspaceId, name, CancellationToken.None);
        return password;
    }

    public async Task<string> RegisterAsync(string redirectUri = RedirectUri, string name = "Test client")
    {
        using var response = await _browser.PostAsJsonAsync("/auth/register", new Dictionary<string, object>
        {
            ["redirect_uris"] = new[] { redirectUri },
            ["client_name"] = name,
            ["token_endpoint_auth_method"] = "none",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;
    }

    public sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce Create()
        {
            var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
            return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

    public static string AuthorizeQuery(string clientId, Pkce? pkce, string? state = "state-1", string redirectUri = RedirectUri,
        string? scope = "posts:read posts:write posts:publish accounts:read", string? resource = null, string method = "S256")
    {
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["state"] = state,
            ["scope"] = scope,
            ["resource"] = resource,
        };
        if (pkce is not null)
        {
            parameters["code_challenge"] = method == "plain" ? pkce.Verifier : pkce.Challenge;
            parameters["code_challenge_method"] = method;
        }
        return "/auth/authorize?" + string.Join('&', parameters.Where(p => p.Value is not null)
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}"));
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => _browser.GetAsync(pathAndQuery);

    /// <summary>Signs in on the page an authorize request showed; returns the consent page.</summary>
    public async Task<string> SignInAsync(string signInPage, string password, string name = "alice", string workspace = "local")
    {
        var fields = HiddenFields(signInPage);
        fields.Add(new("workspace", workspace));
        fields.Add(new("name", name));
        fields.Add(new("password", password));
        using var signedIn = await _browser.PostAsync("/auth/signin", new FormUrlEncodedContent(fields));
        if (signedIn.StatusCode != HttpStatusCode.SeeOther)
            return await signedIn.Content.ReadAsStringAsync();
        using var consent = await _browser.GetAsync(signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        return await consent.Content.ReadAsStringAsync();
    }

    /// <summary>Sends the consent form; returns the response (a redirect to the client on approve or deny).</summary>
    public async Task<HttpResponseMessage> DecideAsync(string consentPage, string decision, params string[] grantedScopes)
    {
        var fields = HiddenFields(consentPage);
        fields.AddRange(grantedScopes.Select(s => new KeyValuePair<string, string>("granted_scope", s)));
        fields.Add(new("decision", decision));
        return await _browser.PostAsync("/auth/authorize", new FormUrlEncodedContent(fields));
    }

    /// <summary>The whole flow up to the code: authorize, sign in, approve the given scopes.</summary>
    public async Task<(string Code, Pkce Pkce)> AuthorizeAsync(string clientId, string password, string[] grant, string? resource = null)
    {
        var pkce = Pkce.Create();
        using var page = await _browser.GetAsync(AuthorizeQuery(clientId, pkce, resource: resource ?? Resource));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        // Signed in already (this browser's cookie): the consent page comes at once.
        var consent = html.Contains("name=\"return_url\"", StringComparison.Ordinal) ? await SignInAsync(html, password) : html;
        using var approved = await DecideAsync(consent, "approve", grant);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var query = QueryOf(approved.Headers.Location!);
        Assert.Equal("state-1", query["state"]);
        return (query["code"], pkce);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(IDictionary<string, string?> form)
    {
        using var response = await _browser.PostAsync("/auth/token",
            new FormUrlEncodedContent(form.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Key, p.Value!))));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(string clientId, string code, string? verifier, string redirectUri = RedirectUri, string? resource = null) =>
        TokenAsync(new Dictionary<string, string?>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
            ["resource"] = resource ?? Resource,
        });

    /// <summary>A complete approval: a registered client's access and refresh tokens.</summary>
    public async Task<(string ClientId, string AccessToken, string RefreshToken)> ApprovedTokensAsync(string password, params string[] grant)
    {
        var clientId = await RegisterAsync();
        var (code, pkce) = await AuthorizeAsync(clientId, password, grant);
        var (status, body) = await ExchangeAsync(clientId, code, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return (clientId, body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    public static Dictionary<string, string> QueryOf(Uri location) =>
        location.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""));

    /// <summary>The hidden fields of the page's first form.</summary>
    public static List<KeyValuePair<string, string>> HiddenFields(string page)
    {
        var start = page.IndexOf("<form", StringComparison.Ordinal);
        var firstForm = start < 0 ? page : page[start..(page.IndexOf("</form>", start, StringComparison.Ordinal) is var end and >= 0 ? end : page.Length)];
        return [.. HiddenField().Matches(firstForm).Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))];
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _browser.Dispose();
}
