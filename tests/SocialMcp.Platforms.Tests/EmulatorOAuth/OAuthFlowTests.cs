using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.Platforms.Tests.EmulatorOAuth;

/// <summary>The authorization-code flow of every emulated platform: authorize, exchange, and the refusals each platform gives.</summary>
public sealed class OAuthFlowTests
{
    public static TheoryData<Platform> AllPlatforms() => new(PlatformNames.All);

    public static TheoryData<Platform> PkcePlatforms() => new(Platform.X, Platform.TikTok, Platform.YouTube, Platform.Amazon);

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public async Task Exchange_CodeFromTheAuthorizeRedirect_GivesATokenTheApiAccepts(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);

        var answer = await driver.ConnectAsync(platform);

        var token = answer["access_token"]!.GetValue<string>();
        using var response = await ApiCallAsync(driver, platform, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{platform}: {(int)response.StatusCode} {body}");
        Assert.DoesNotContain(token, body);
    }

    /// <summary>A call each platform's publisher makes with the account's token: a real publish where it takes one request.</summary>
    private static async Task<HttpResponseMessage> ApiCallAsync(OAuthDriver driver, Platform platform, string token)
    {
        var user = driver.OAuth.DemoUser(platform);
        switch (platform)
        {
            case Platform.X:
                return await driver.WithTokenAsync(platform, HttpMethod.Post, "2/tweets", token, JsonContent.Create(new { text = "Hello from OAuth" }));
            case Platform.LinkedIn:
                return await driver.WithTokenAsync(platform, HttpMethod.Post, "rest/posts", token, JsonContent.Create(new
                {
                    author = "urn:li:person:" + user.AccountId,
                    commentary = "Hello from OAuth",
                    visibility = "PUBLIC",
                    distribution = new { feedDistribution = "MAIN_FEED" },
                    lifecycleState = "PUBLISHED",
                }), new Dictionary<string, string> { ["LinkedIn-Version"] = "202510", ["X-Restli-Protocol-Version"] = "2.0.0" });
            case Platform.TikTok:
                return await driver.WithTokenAsync(platform, HttpMethod.Post, "v2/post/publish/creator_info/query/", token, JsonContent.Create(new { }));
            case Platform.YouTube:
                return await driver.WithTokenAsync(platform, HttpMethod.Get, "youtube/v3/channels?part=snippet&mine=true", token);
            case Platform.Facebook:
                {
                    // The user token lists the Pages; the Page's own token publishes.
                    using var pages = await driver.WithTokenAsync(platform, HttpMethod.Get, "me/accounts", token);
                    var page = (await OAuthDriver.JsonAsync(pages))["data"]![0]!;
                    return await driver.WithTokenAsync(platform, HttpMethod.Post, $"{page["id"]}/feed", page["access_token"]!.GetValue<string>(),
                        new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "Hello from OAuth" }));
                }
            case Platform.Instagram:
                return await driver.WithTokenAsync(platform, HttpMethod.Post, $"{user.AccountId}/media", token,
                    new FormUrlEncodedContent(new Dictionary<string, string> { ["image_url"] = "https://media.example/photo.jpg", ["caption"] = "Hello" }));
            case Platform.Threads:
                return await driver.WithTokenAsync(platform, HttpMethod.Post, $"{user.AccountId}/threads", token,
                    new FormUrlEncodedContent(new Dictionary<string, string> { ["media_type"] = "TEXT", ["text"] = "Hello from OAuth" }));
            default:
                {
                    // Amazon: the advertiser profiles, then a call scoped to one of them.
                    using var profiles = await driver.WithTokenAsync(platform, HttpMethod.Get, "v2/profiles", token,
                        headers: new Dictionary<string, string> { ["Amazon-Advertising-API-ClientId"] = OAuthDriver.ClientId(platform) });
                    var profileId = JsonNode.Parse(await profiles.Content.ReadAsStringAsync())![0]!["profileId"]!.ToString();
                    return await driver.WithTokenAsync(platform, HttpMethod.Get, "bp/v2/profiles", token, headers: new Dictionary<string, string>
                    {
                        ["Amazon-Advertising-API-ClientId"] = OAuthDriver.ClientId(platform),
                        ["Amazon-Advertising-API-Scope"] = profileId,
                    });
                }
        }
    }

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public async Task Exchange_ReusedCode_IsRefusedWithThePlatformsDeadGrantError(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var code = await driver.CodeAsync(platform);
        using var first = await driver.ExchangeAsync(platform, code);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await driver.ExchangeAsync(platform, code);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        var refusal = await OAuthDriver.JsonAsync(second);
        AssertDeadGrant(platform, refusal, codeExchange: true);
        Assert.DoesNotContain(code, refusal.ToJsonString());
        Assert.DoesNotContain(OAuthDriver.Secret(platform), refusal.ToJsonString());
    }

    /// <summary>docs/platforms.md's dead-grant table: X invalid_request, LinkedIn invalid_request, Google/TikTok/Amazon invalid_grant, Meta Graph errors.</summary>
    internal static void AssertDeadGrant(Platform platform, JsonObject body, bool codeExchange)
    {
        switch (platform)
        {
            case Platform.X:
                Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
                Assert.Equal("Value passed for the token was invalid.", body["error_description"]!.GetValue<string>());
                break;
            case Platform.LinkedIn:
                Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
                break;
            case Platform.Facebook or Platform.Instagram or Platform.Threads:
                Assert.Equal("OAuthException", body["error"]!["type"]!.GetValue<string>());
                Assert.Equal(codeExchange ? 100 : 190, body["error"]!["code"]!.GetValue<int>());
                break;
            default:
                Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
                break;
        }
    }

    [Theory]
    [MemberData(nameof(PkcePlatforms))]
    public async Task Exchange_WrongVerifier_IsRefused_AndTheCodeStillWorksWithTheRightOne(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var code = await driver.CodeAsync(platform);

        using var wrong = await driver.ExchangeAsync(platform, code, verifier: new string('w', 50));
        using var right = await driver.ExchangeAsync(platform, code);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        AssertDeadGrant(platform, await OAuthDriver.JsonAsync(wrong), codeExchange: true);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task Exchange_TikTokBase64Challenge_IsNotTheHexOneTikTokWants()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.TikTok);
        // A base64url S256 challenge, as any other platform takes it: TikTok compares against hex(SHA-256).
        var query = $"tiktok/v2/auth/authorize/?client_key={OAuthDriver.ClientId(Platform.TikTok)}&redirect_uri={Uri.EscapeDataString(OAuthDriver.Redirect)}"
            + $"&response_type=code&scope=video.publish&state=s&code_challenge={Pkce.S256(OAuthDriver.Verifier)}&code_challenge_method=S256";
        using var authorize = await driver.Http.GetAsync(query);
        var code = OAuthDriver.QueryOf(authorize.Headers.Location!)["code"];

        using var exchange = await driver.ExchangeAsync(Platform.TikTok, code);

        Assert.Equal(HttpStatusCode.BadRequest, exchange.StatusCode);
        Assert.Equal("invalid_grant", (await OAuthDriver.JsonAsync(exchange))["error"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public async Task Exchange_RedirectOtherThanTheAuthorizeOne_IsRefused(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var code = await driver.CodeAsync(platform);

        using var response = await driver.ExchangeAsync(platform, code, redirect: "https://app.example/elsewhere");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertDeadGrant(platform, await OAuthDriver.JsonAsync(response), codeExchange: true);
    }

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public async Task Exchange_WrongSecret_IsRefusedAsAClientError(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var code = await driver.CodeAsync(platform);

        using var response = await driver.ExchangeAsync(platform, code, secret: "not-the-secret");

        var body = await OAuthDriver.JsonAsync(response);
        if (platform is Platform.Facebook or Platform.Instagram or Platform.Threads)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("Error validating client secret.", body["error"]!["message"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        }
        Assert.DoesNotContain("not-the-secret", body.ToJsonString());
    }

    [Fact]
    public async Task Exchange_XConfidentialClientWithTheSecretInTheBody_IsRefusedForWantOfBasic()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.X);
        var code = await driver.CodeAsync(Platform.X);

        using var response = await driver.Http.PostAsync("x/2/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = OAuthDriver.Redirect,
            ["code_verifier"] = OAuthDriver.Verifier,
            ["client_id"] = OAuthDriver.ClientId(Platform.X),
            ["client_secret"] = OAuthDriver.Secret(Platform.X),
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized_client", (await OAuthDriver.JsonAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Exchange_XPublicClient_AuthenticatesWithPkceAndItsIdAlone()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.X);
        driver.OAuth.RegisterClient(new OAuthClient(Platform.X, "public-cli", null, [OAuthDriver.Redirect]));
        var code = await driver.CodeAsync(Platform.X, clientId: "public-cli");

        using var response = await driver.Http.PostAsync("x/2/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = OAuthDriver.Redirect,
            ["code_verifier"] = OAuthDriver.Verifier,
            ["client_id"] = "public-cli",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exchange_XCodeOlderThan30Seconds_IsRefused()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.X);
        var code = await driver.CodeAsync(Platform.X);

        driver.Time.Advance(TimeSpan.FromSeconds(31));
        using var response = await driver.ExchangeAsync(Platform.X, code);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public async Task Authorize_UnknownClient_ShowsAnErrorPageInsteadOfRedirecting(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);

        using var response = await driver.AuthorizeAsync(platform, clientId: "nobody");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
    }

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public async Task Authorize_RedirectNotRegistered_ShowsAnErrorPage(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        driver.OAuth.RegisterClient(new OAuthClient(platform, "exact", "exact-secret", [OAuthDriver.Redirect]));

        using var registered = await driver.AuthorizeAsync(platform, clientId: "exact");
        using var other = await driver.AuthorizeAsync(platform, redirect: "https://evil.example/steal", clientId: "exact");

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Null(other.Headers.Location);
    }

    [Theory]
    [InlineData(Platform.X, true)]
    [InlineData(Platform.YouTube, true)]
    [InlineData(Platform.TikTok, true)]
    [InlineData(Platform.Threads, false)]
    [InlineData(Platform.LinkedIn, false)]
    public async Task Authorize_LoopbackRedirectOnAnyPort_IsAcceptedWhereThePlatformAcceptsIt(Platform platform, bool accepted)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        driver.OAuth.RegisterClient(new OAuthClient(platform, "exact", "exact-secret", [OAuthDriver.Redirect]));

        using var response = await driver.AuthorizeAsync(platform, redirect: "http://127.0.0.1:53124/callback", clientId: "exact");
        driver.OAuth.AllowLoopbackEverywhere = true;
        using var everywhere = await driver.AuthorizeAsync(platform, redirect: "http://127.0.0.1:53125/callback", clientId: "exact");

        Assert.Equal(accepted ? HttpStatusCode.Redirect : HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, everywhere.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public async Task Authorize_DemoUserDeclines_RedirectsWithAccessDeniedAndTheState(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        driver.OAuth.DeclineConsent(platform: platform);

        using var response = await driver.AuthorizeAsync(platform, state: "keep-me");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = OAuthDriver.QueryOf(response.Headers.Location!);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("keep-me", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_Instagram_AppendsHashUnderscoreAfterTheCode()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.Instagram);

        using var response = await driver.AuthorizeAsync(Platform.Instagram);

        Assert.EndsWith("#_", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Authorize_TikTok_NamesTheGrantedScopes()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.TikTok);

        using var response = await driver.AuthorizeAsync(Platform.TikTok);

        Assert.Equal("user.info.basic,video.publish,video.upload", OAuthDriver.QueryOf(response.Headers.Location!)["scopes"]);
    }

    [Fact]
    public async Task Authorize_XWithoutChallenge_RedirectsWithInvalidRequest()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.X);

        using var response = await driver.Http.GetAsync(
            $"x/i/oauth2/authorize?client_id={OAuthDriver.ClientId(Platform.X)}&redirect_uri={Uri.EscapeDataString(OAuthDriver.Redirect)}&response_type=code&scope=tweet.read&state=s");

        Assert.Equal("invalid_request", OAuthDriver.QueryOf(response.Headers.Location!)["error"]);
    }
}
