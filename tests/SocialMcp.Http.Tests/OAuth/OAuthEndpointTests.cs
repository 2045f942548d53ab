using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.OAuth;
using SocialMcp.Server.Tools;

namespace SocialMcp.Http.Tests.OAuth;

/// <summary>
/// The browser side of a connect over HTTP, on the server as <c>serve --http</c> wires it with real API keys (which a
/// browser does not have) and a fake connect flow: signed link → 302, callback pages, the identity choice, and what a
/// page must never show.
/// </summary>
public sealed class OAuthEndpointTests : IAsyncLifetime
{
    private const string PublicBase = "https://social.example.test";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private TestServer _server = null!;
    private HttpClient _browser = null!;
    private FakeConnectFlow _flow = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["OAuth:PublicBaseUrl"] = PublicBase }, apiKeys: true,
            configureServices: services =>
            {
                services.AddSingleton<IAccountConnectFlow>(sp => new FakeConnectFlow(sp.GetRequiredService<TimeProvider>()));
                services.AddSingleton<IPlatformOAuth, FakePlatformOAuth>();
            });
        _flow = (FakeConnectFlow)_server.Services.GetRequiredService<IAccountConnectFlow>();
        // A browser follows redirects itself; the test looks at each one.
        _browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _server.DisposeAsync();
    }

    private ConnectLinks Links => _server.Services.GetRequiredService<ConnectLinks>();

    private string LinkPath(Platform platform = Platform.X, string? setName = "Brand") =>
        new Uri(Links.LinkFor(new ConnectLinkPayload(LocalWorkspace.Id, platform, null, setName))!.AbsoluteUri).AbsolutePath;

    [Fact]
    public async Task ConnectLink_Valid_RedirectsToTheAuthorizationUrlWithTheServersCallback()
    {
        var link = Links.LinkFor(new ConnectLinkPayload(LocalWorkspace.Id, Platform.X, null, "Brand"))!;
        Assert.StartsWith(PublicBase + "/oauth/connect/", link.AbsoluteUri);

        using var response = await _browser.GetAsync(link.AbsolutePath, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://auth.example.test/x/authorize?", response.Headers.Location!.AbsoluteUri);
        var started = Assert.Single(_flow.Started);
        Assert.Equal((ConnectChannel.Link, LocalWorkspace.Id, Platform.X, "Brand"), (started.Channel, started.WorkspaceId, started.Platform, started.PlatformSetName));
        Assert.Equal(new Uri(PublicBase + "/oauth/callback/x"), started.RedirectUri);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task ConnectLink_OlderThanItsLifetime_PageSaysItExpiredAndToAskForANewOne()
    {
        var path = LinkPath();
        _server.Clock.Advance(TimeSpan.FromMinutes(10));

        using var response = await _browser.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("This connect link has expired", page);
        Assert.Contains("Ask for a new link", page);
        Assert.Empty(_flow.Started);
    }

    [Fact]
    public async Task ConnectLink_Altered_PageSaysItIsNotValid()
    {
        var path = LinkPath();

        using var response = await _browser.GetAsync(path[..^3] + (path[^3] == 'A' ? "B" : "A") + path[^2..], Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This connect link is not valid", await response.Content.ReadAsStringAsync(Ct));
        Assert.Empty(_flow.Started);
    }

    [Fact]
    public async Task ConnectLink_PlatformWithoutCredentials_PageNamesTheCode()
    {
        _flow.NotConfigured.Add(Platform.TikTok);

        using var response = await _browser.GetAsync(LinkPath(Platform.TikTok), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(ErrorCodes.PlatformNotConfigured, page);
        Assert.Contains("Platforms:tiktok:ClientId", page);
    }

    [Fact]
    public async Task Callback_Connected_PageNamesHandleAndSetWithoutStateOrCode()
    {
        var state = await StartAsync();

        using var response = await _browser.GetAsync($"/oauth/callback/x?state={state}&code=code-secret-1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Connected @brand (x) to set Brand.", page);
        AssertSafe(response, page);
    }

    [Fact]
    public async Task Callback_SameIdentityAgain_PageSaysRenewed()
    {
        var state = await StartAsync();

        using var response = await _browser.GetAsync($"/oauth/callback/x?state={state}&code=renew-secret", Ct);

        Assert.Contains("Renewed @brand (x) in set Brand.", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Callback_SeveralIdentities_OffersAChoiceThatConnectsTheChosenOne()
    {
        var state = await StartAsync(Platform.Facebook);

        using var choice = await _browser.GetAsync($"/oauth/callback/facebook?state={state}&code=several-secret", Ct);
        var page = await choice.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, choice.StatusCode);
        Assert.Contains("<form method=\"post\" action=\"/oauth/choose\">", page);
        Assert.Contains("value=\"page-1\"", page);
        Assert.Contains("value=\"page-2\"", page);
        Assert.Contains("@&lt;b&gt;Bakery&lt;/b&gt; (Bakery &amp; Co)", page);
        Assert.DoesNotContain("<b>Bakery", page);
        AssertSafe(choice, page);

        var token = WebUtility.HtmlDecode(Regex.Match(page, "name=\"token\" value=\"([^\"]+)\"").Groups[1].Value);
        using var chosen = await _browser.PostAsync("/oauth/choose", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["identity"] = "page-2",
        }), Ct);

        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        var done = await chosen.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Connected @cafe (facebook) to set Brand.", done);
        AssertSafe(chosen, done);
    }

    [Fact]
    public async Task Choose_FromThePublicOrigin_IsNotRefusedByTheOriginCheck()
    {
        var state = await StartAsync(Platform.Facebook);
        using var choice = await _browser.GetAsync($"/oauth/callback/facebook?state={state}&code=several-secret", Ct);
        var token = WebUtility.HtmlDecode(Regex.Match(await choice.Content.ReadAsStringAsync(Ct), "name=\"token\" value=\"([^\"]+)\"").Groups[1].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/choose")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["identity"] = "page-1" }),
        };
        request.Headers.Add("Origin", PublicBase);

        using var response = await _browser.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Choose_AlteredToken_Refused()
    {
        using var response = await _browser.PostAsync("/oauth/choose", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = "not-a-token",
            ["identity"] = "page-1",
        }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This choice is not valid", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Callback_Declined_PageSaysWhatToDoWithTheDescriptionEncoded()
    {
        var state = await StartAsync();

        using var response = await _browser.GetAsync(
            $"/oauth/callback/x?state={state}&error=access_denied&error_description={Uri.EscapeDataString("<script>alert(1)</script>")}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("declined", page);
        Assert.Contains("What to do: Start the connect again and approve access.", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.DoesNotContain("<script>", page);
        AssertSafe(response, page);
    }

    [Fact]
    public async Task Callback_StateUsedTwice_SecondPageSaysExpired()
    {
        var state = await StartAsync();
        using var first = await _browser.GetAsync($"/oauth/callback/x?state={state}&code=code-secret-2", Ct);

        using var second = await _browser.GetAsync($"/oauth/callback/x?state={state}&code=code-secret-2", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        var page = await second.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Connect link expired", page);
        Assert.Contains(ErrorCodes.ConnectExpired, page);
        AssertSafe(second, page);
    }

    [Fact]
    public async Task Callback_UnknownPlatform_NotFoundPage()
    {
        using var response = await _browser.GetAsync("/oauth/callback/myspace?state=s&code=c", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_flow.Started);
    }

    [Fact]
    public async Task ConnectLink_ForeignHost_RefusedByTheDnsRebindingCheck()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, LinkPath());
        request.Headers.Host = "evil.example";

        using var response = await _browser.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_flow.Started);
    }

    [Fact]
    public async Task ListAccounts_RealAccount_CarriesAReconnectUrlThatStartsAConnectIntoItsSet()
    {
        var account = await InsertRealAccountAsync(expiresAt: _server.Clock.GetUtcNow().AddHours(-1));
        var (_, key) = await _server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(LocalWorkspace.Id, "agent", null, Ct);
        await using var client = await _server.ConnectAsync(apiKey: key);

        var list = await ToolCalls.CallOkAsync(client, "list_accounts", "{}");

        var accounts = list.GetProperty("accounts").EnumerateArray().ToList();
        var real = accounts.Single(a => a.GetProperty("id").GetString() == account.Id);
        Assert.Equal("reconnect_required", real.GetProperty("tokenHealth").GetString());
        var reconnect = new Uri(real.GetProperty("reconnectUrl").GetString()!);
        Assert.StartsWith(PublicBase + "/oauth/connect/", reconnect.AbsoluteUri);
        Assert.All(accounts.Where(a => a.GetProperty("sandbox").GetBoolean()), a => Assert.False(a.TryGetProperty("reconnectUrl", out _)));

        using var response = await _browser.GetAsync(reconnect.AbsolutePath, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var started = Assert.Single(_flow.Started);
        Assert.Equal((Platform.X, account.PlatformSetId), (started.Platform, started.PlatformSetId));
    }

    [Fact]
    public async Task ReconnectHints_AuthExpiredTarget_GetsTheAccountsReconnectUrl()
    {
        var account = await InsertRealAccountAsync(expiresAt: null);
        var now = _server.Clock.GetUtcNow();
        var result = new PostResult
        {
            Summary = "Publishing failed on every platform (x: AUTH_EXPIRED).",
            Id = Guid.NewGuid().ToString(),
            Status = "failed",
            Version = 2,
            PlatformSetId = account.PlatformSetId,
            Platforms = ["x"],
            Content = new PostContent("Hi", [], null, new Dictionary<Platform, PlatformOverride>()),
            CreatedAt = now,
            UpdatedAt = now,
            Targets = [new TargetResult { Platform = "x", Status = "failed", AccountId = account.Id, Sandbox = false, ErrorCode = ErrorCodes.AuthExpired, Attempts = 1, UpdatedAt = now }],
            Counts = new TargetCountsResult { Live = 0, Withdrawn = 0, Failed = 1, NeedsReconciliation = 0, Pending = 0, Publishing = 0 },
        };

        var hinted = await _server.Services.GetRequiredService<ReconnectHints>().AddAsync(LocalWorkspace.Id, result, Ct);

        Assert.StartsWith(PublicBase + "/oauth/connect/", Assert.Single(hinted.Targets).ReconnectUrl);
        Assert.Contains("reconnectUrl", hinted.Summary);
    }

    [Fact]
    public async Task Healthz_AccountThatNeedsReconnecting_DegradedButStill200()
    {
        await InsertRealAccountAsync(expiresAt: _server.Clock.GetUtcNow().AddMinutes(-5));

        using var response = await _browser.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accounts = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("checks").GetProperty("accounts");
        Assert.Equal("Degraded", accounts.GetProperty("status").GetString());
        Assert.Contains("1 account needs reconnecting", accounts.GetProperty("description").GetString());
    }

    [Fact]
    public async Task ConnectAccountTool_OverHttp_ReturnsTheUrlWithTheServersCallbackAndTheLinkFinishesIt()
    {
        var (_, key) = await _server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(LocalWorkspace.Id, "agent", null, Ct);
        await using var client = await _server.ConnectAsync(apiKey: key);

        var started = await ToolCalls.CallOkAsync(client, "connect_account", """{"platform": "x"}""");
        var connectionId = started.GetProperty("connectionId").GetString()!;
        using var page = await _browser.GetAsync($"/oauth/callback/x?state={_flow.StateOf(connectionId)}&code=http-code", Ct);
        var done = await ToolCalls.CallOkAsync(client, "connect_account", $$"""{"connectionId": "{{connectionId}}"}""");

        Assert.Equal("pending", started.GetProperty("status").GetString());
        var request = Assert.Single(_flow.Started);
        Assert.Equal((ConnectChannel.Tool, new Uri(PublicBase + "/oauth/callback/x")), (request.Channel, request.RedirectUri));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("connected", done.GetProperty("status").GetString());
        Assert.DoesNotContain("http-code", done.GetRawText());
    }

    [Fact]
    public async Task ConnectAccountTool_OverHttpWithoutPublicBaseUrl_PlatformNotConfiguredNamingIt()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true, configureServices: services =>
        {
            services.AddSingleton<IAccountConnectFlow>(sp => new FakeConnectFlow(sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IPlatformOAuth, FakePlatformOAuth>();
        });
        var (_, key) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(LocalWorkspace.Id, "agent", null, Ct);
        await using var client = await server.ConnectAsync(apiKey: key);

        var result = await client.CallToolAsync("connect_account", new Dictionary<string, object?> { ["platform"] = "x" }, cancellationToken: Ct);

        Assert.True(result.IsError);
        var error = result.StructuredContent!.Value.GetProperty("error");
        Assert.Equal(ErrorCodes.PlatformNotConfigured, error.GetProperty("code").GetString());
        Assert.Contains("OAuth:PublicBaseUrl", error.GetProperty("message").GetString());
        Assert.Empty(((FakeConnectFlow)server.Services.GetRequiredService<IAccountConnectFlow>()).Started);
    }

    /// <summary>Starts a connect from a signed link, as a browser would; returns the state the platform would carry back.</summary>
    private async Task<string> StartAsync(Platform platform = Platform.X)
    {
        using var response = await _browser.GetAsync(LinkPath(platform), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return _flow.StateOf("conn-" + _flow.Started.Count);
    }

    private void AssertSafe(HttpResponseMessage response, string page)
    {
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.All(_flow.Secrets, secret => Assert.DoesNotContain(secret, page));
    }

    private Task<Account> InsertRealAccountAsync(DateTimeOffset? expiresAt) =>
        _server.Services.GetRequiredService<IStore>().WriteAsync(async session =>
        {
            var set = await session.PlatformSets.GetDefaultAsync(LocalWorkspace.Id, Ct);
            var brand = new PlatformSet(Guid.NewGuid().ToString(), LocalWorkspace.Id, "Brand", false, _server.Clock.GetUtcNow());
            await session.PlatformSets.InsertAsync(brand, Ct);
            var now = _server.Clock.GetUtcNow();
            var account = new Account
            {
                Id = Guid.NewGuid().ToString(),
                WorkspaceId = LocalWorkspace.Id,
                PlatformSetId = brand.Id,
                Platform = Platform.X,
                Handle = "brand",
                PlatformAccountId = "pa-brand",
                TokenExpiresAt = expiresAt,
                IsSandbox = false,
                Metadata = JsonSerializer.SerializeToElement(new { }),
                CreatedAt = now,
                UpdatedAt = now,
            };
            await session.Accounts.InsertAsync(account, Ct);
            return account;
        }, Ct);
}
