using System.Net;
using System.Text.Json.Nodes;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.Platforms.Tests.EmulatorOAuth;

/// <summary>Lifetimes, each platform's refresh rule, Meta's long-lived exchanges, revocation and the failure switches.</summary>
public sealed class TokenLifecycleTests
{
    public static TheoryData<Platform> RefreshTokenPlatforms() => new(Platform.X, Platform.TikTok, Platform.YouTube, Platform.LinkedIn, Platform.Amazon);

    /// <summary>A "who am I" call each platform answers with 401 (or Graph's 400/190) once the token is dead.</summary>
    private static Task<HttpResponseMessage> WhoAmIAsync(OAuthDriver driver, Platform platform, string token) => platform switch
    {
        Platform.X => driver.WithTokenAsync(platform, HttpMethod.Get, "2/users/me", token),
        Platform.LinkedIn => driver.WithTokenAsync(platform, HttpMethod.Get, "v2/userinfo", token),
        Platform.TikTok => driver.WithTokenAsync(platform, HttpMethod.Get, "v2/user/info/?fields=open_id,display_name", token),
        Platform.YouTube => driver.WithTokenAsync(platform, HttpMethod.Get, "youtube/v3/channels?part=snippet&mine=true", token),
        Platform.Amazon => driver.WithTokenAsync(platform, HttpMethod.Get, "v2/profiles", token,
            headers: new Dictionary<string, string> { ["Amazon-Advertising-API-ClientId"] = OAuthDriver.ClientId(platform) }),
        _ => driver.WithTokenAsync(platform, HttpMethod.Get, "me?fields=id,name", token),
    };

    [Theory]
    [MemberData(nameof(OAuthFlowTests.AllPlatforms), MemberType = typeof(OAuthFlowTests))]
    public async Task AccessToken_ConfiguredLifetimeOfSeconds_IsAnsweredAndHonoured(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        driver.OAuth.SetAccessTokenLifetime(TimeSpan.FromSeconds(5), platform);
        var answer = await driver.ConnectAsync(platform);
        var token = answer["access_token"]!.GetValue<string>();
        if (platform is not (Platform.Instagram or Platform.Threads))
            Assert.Equal(5, answer["expires_in"]!.GetValue<long>());

        using var alive = await WhoAmIAsync(driver, platform, token);
        driver.Time.Advance(TimeSpan.FromSeconds(5));
        using var dead = await WhoAmIAsync(driver, platform, token);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.False(dead.IsSuccessStatusCode);
    }

    [Fact]
    public async Task AccessToken_DefaultLifetimes_AreThePlatformsOwn()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.X, Platform.TikTok, Platform.YouTube, Platform.LinkedIn, Platform.Amazon, Platform.Facebook);

        Assert.Equal(7200, (await driver.ConnectAsync(Platform.X))["expires_in"]!.GetValue<long>());
        Assert.Equal(7200, (await driver.ConnectAsync(Platform.TikTok))["expires_in"]!.GetValue<long>());
        Assert.Equal(3599, (await driver.ConnectAsync(Platform.YouTube))["expires_in"]!.GetValue<long>());
        Assert.Equal(60 * 86400, (await driver.ConnectAsync(Platform.LinkedIn))["expires_in"]!.GetValue<long>());
        Assert.Equal(3600, (await driver.ConnectAsync(Platform.Amazon))["expires_in"]!.GetValue<long>());
        Assert.Equal(3600, (await driver.ConnectAsync(Platform.Facebook))["expires_in"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(Platform.X)]
    [InlineData(Platform.TikTok)]
    public async Task Refresh_RotatingPlatform_KillsTheOldRefreshTokenTheMomentANewOneIsIssued(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var first = (await driver.ConnectAsync(platform))["refresh_token"]!.GetValue<string>();

        using var refreshed = await driver.RefreshAsync(platform, first);
        var answer = await OAuthDriver.JsonAsync(refreshed);
        var second = answer["refresh_token"]!.GetValue<string>();
        using var replay = await driver.RefreshAsync(platform, first);
        using var next = await driver.RefreshAsync(platform, second);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        OAuthFlowTests.AssertDeadGrant(platform, await OAuthDriver.JsonAsync(replay), codeExchange: false);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        using var works = await WhoAmIAsync(driver, platform, answer["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        if (platform == Platform.TikTok)
            Assert.Equal(180 * 86400, answer["refresh_expires_in"]!.GetValue<long>());
    }

    [Fact]
    public async Task Refresh_XWithoutOfflineAccess_HasNoRefreshToken()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.X);

        var answer = await driver.ConnectAsync(Platform.X, scopes: "tweet.read tweet.write users.read");

        Assert.Null(answer["refresh_token"]);
    }

    [Fact]
    public async Task Refresh_Google_LeavesTheRefreshTokenOutAndItKeepsWorking()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.YouTube);
        var refreshToken = (await driver.ConnectAsync(Platform.YouTube))["refresh_token"]!.GetValue<string>();

        using var first = await driver.RefreshAsync(Platform.YouTube, refreshToken);
        using var second = await driver.RefreshAsync(Platform.YouTube, refreshToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Null((await OAuthDriver.JsonAsync(first))["refresh_token"]);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task Refresh_Amazon_ReturnsTheSameRefreshToken()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.Amazon);
        var refreshToken = (await driver.ConnectAsync(Platform.Amazon))["refresh_token"]!.GetValue<string>();

        using var response = await driver.RefreshAsync(Platform.Amazon, refreshToken);

        Assert.Equal(refreshToken, (await OAuthDriver.JsonAsync(response))["refresh_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_LinkedInNonPartner_GetsNoRefreshToken()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.LinkedIn);
        driver.OAuth.RegisterClient(new OAuthClient(Platform.LinkedIn, "plain-app", "plain-secret", [OAuthDriver.Redirect]));

        var answer = await driver.ConnectAsync(Platform.LinkedIn, clientId: "plain-app", secret: "plain-secret");

        Assert.Null(answer["refresh_token"]);
        Assert.Equal(60 * 86400, answer["expires_in"]!.GetValue<long>());
    }

    [Fact]
    public async Task Refresh_LinkedInPartner_KeepsTheRefreshTokensWindowFixedFromTheFirstGrant()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.LinkedIn);
        var answer = await driver.ConnectAsync(Platform.LinkedIn);
        var refreshToken = answer["refresh_token"]!.GetValue<string>();
        Assert.Equal(365 * 86400, answer["refresh_token_expires_in"]!.GetValue<long>());

        driver.Time.Advance(TimeSpan.FromDays(10));
        using var refreshed = await driver.RefreshAsync(Platform.LinkedIn, refreshToken);
        var body = await OAuthDriver.JsonAsync(refreshed);
        driver.Time.Advance(TimeSpan.FromDays(356));
        using var tooLate = await driver.RefreshAsync(Platform.LinkedIn, refreshToken);

        Assert.Equal(refreshToken, body["refresh_token"]!.GetValue<string>());
        Assert.Equal(355 * 86400, body["refresh_token_expires_in"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, tooLate.StatusCode);
    }

    [Fact]
    public async Task Facebook_LongLivedExchange_ThenPageTokensThatDoNotExpire()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.Facebook);
        var shortToken = (await driver.ConnectAsync(Platform.Facebook))["access_token"]!.GetValue<string>();

        using var exchanged = await driver.MetaGetAsync(Platform.Facebook, "v23.0/oauth/access_token", new()
        {
            ["grant_type"] = "fb_exchange_token",
            ["client_id"] = OAuthDriver.ClientId(Platform.Facebook),
            ["client_secret"] = OAuthDriver.Secret(Platform.Facebook),
            ["fb_exchange_token"] = shortToken,
        });
        var longLived = await OAuthDriver.JsonAsync(exchanged);
        using var accounts = await driver.WithTokenAsync(Platform.Facebook, HttpMethod.Get, "me/accounts", longLived["access_token"]!.GetValue<string>());
        var pages = (await OAuthDriver.JsonAsync(accounts))["data"]!.AsArray();
        driver.Time.Advance(TimeSpan.FromDays(61));
        var page = pages[1]!;
        using var post = await driver.WithTokenAsync(Platform.Facebook, HttpMethod.Post, $"{page["id"]}/feed", page["access_token"]!.GetValue<string>(),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "Two months later" }));

        Assert.Equal(60 * 86400, longLived["expires_in"]!.GetValue<long>());
        Assert.Equal(2, pages.Count);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task Facebook_PageLookup_NamesItsInstagramBusinessAccount()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.Facebook);
        var token = (await driver.ConnectAsync(Platform.Facebook))["access_token"]!.GetValue<string>();
        var page = driver.OAuth.DemoUser(Platform.Facebook).SubAccounts[0];

        using var response = await driver.WithTokenAsync(Platform.Facebook, HttpMethod.Get, $"{page.Id}?fields=instagram_business_account", token);

        Assert.Equal(page.InstagramAccountId, (await OAuthDriver.JsonAsync(response))["instagram_business_account"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task InstagramThroughFacebookLogin_UserTokenPublishesAsTheAccountBehindAPage()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.Instagram);
        var clientId = OAuthDriver.ClientId(Platform.Instagram);
        using var authorize = await driver.Http.GetAsync($"instagram/v23.0/dialog/oauth?client_id={clientId}&redirect_uri={Uri.EscapeDataString(OAuthDriver.Redirect)}"
            + "&response_type=code&state=s&scope=instagram_basic,instagram_content_publish,pages_show_list");
        Assert.DoesNotContain("#_", authorize.Headers.Location!.OriginalString);
        var code = OAuthDriver.QueryOf(authorize.Headers.Location!)["code"];
        using var exchange = await driver.MetaGetAsync(Platform.Instagram, "v23.0/oauth/access_token", new()
        {
            ["client_id"] = clientId,
            ["client_secret"] = OAuthDriver.Secret(Platform.Instagram),
            ["redirect_uri"] = OAuthDriver.Redirect,
            ["code"] = code,
        });
        var shortToken = (await OAuthDriver.JsonAsync(exchange))["access_token"]!.GetValue<string>();
        using var longLived = await driver.MetaGetAsync(Platform.Instagram, "v23.0/oauth/access_token", new()
        {
            ["grant_type"] = "fb_exchange_token",
            ["client_id"] = clientId,
            ["client_secret"] = OAuthDriver.Secret(Platform.Instagram),
            ["fb_exchange_token"] = shortToken,
        });
        var userToken = (await OAuthDriver.JsonAsync(longLived))["access_token"]!.GetValue<string>();
        var page = driver.OAuth.DemoUser(Platform.Facebook).SubAccounts[1];

        using var lookup = await driver.WithTokenAsync(Platform.Instagram, HttpMethod.Get, $"{page.Id}?fields=instagram_business_account", userToken);
        using var accounts = await driver.WithTokenAsync(Platform.Instagram, HttpMethod.Get, "me/accounts?fields=id,name,instagram_business_account", userToken);
        using var container = await driver.WithTokenAsync(Platform.Instagram, HttpMethod.Post, $"{page.InstagramAccountId}/media", userToken,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["image_url"] = "https://media.example/photo.jpg" }));
        var containerId = (await OAuthDriver.JsonAsync(container))["id"]!.GetValue<string>();
        using var status = await driver.WithTokenAsync(Platform.Instagram, HttpMethod.Get, $"{containerId}?fields=status_code", userToken);
        using var published = await driver.WithTokenAsync(Platform.Instagram, HttpMethod.Post, $"{page.InstagramAccountId}/media_publish", userToken,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["creation_id"] = containerId }));

        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        Assert.Equal(page.InstagramAccountId, (await OAuthDriver.JsonAsync(lookup))["instagram_business_account"]!["id"]!.GetValue<string>());
        Assert.Equal(2, (await OAuthDriver.JsonAsync(accounts))["data"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        Assert.Equal(1, driver.Emulator.State.LivePosts(Platform.Instagram));
    }

    [Theory]
    [InlineData(Platform.Instagram, "ig_exchange_token", "ig_refresh_token")]
    [InlineData(Platform.Threads, "th_exchange_token", "th_refresh_token")]
    public async Task MetaRefresh_OnlyOnceTheLongLivedTokenIsADayOld(Platform platform, string exchange, string refresh)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var shortToken = (await driver.ConnectAsync(platform))["access_token"]!.GetValue<string>();
        using var exchanged = await driver.MetaGetAsync(platform, "access_token", new()
        {
            ["grant_type"] = exchange,
            ["client_secret"] = OAuthDriver.Secret(platform),
            ["access_token"] = shortToken,
        });
        var longLived = (await OAuthDriver.JsonAsync(exchanged))["access_token"]!.GetValue<string>();
        Dictionary<string, string?> refreshQuery = new() { ["grant_type"] = refresh, ["access_token"] = longLived };

        using var tooEarly = await driver.MetaGetAsync(platform, "refresh_access_token", refreshQuery);
        driver.Time.Advance(TimeSpan.FromHours(24));
        using var refreshed = await driver.MetaGetAsync(platform, "refresh_access_token", refreshQuery);
        var answer = await OAuthDriver.JsonAsync(refreshed);

        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooEarly.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(60 * 86400, answer["expires_in"]!.GetValue<long>());
        Assert.Equal(2, driver.OAuth.TokenCalls(platform, refresh));
    }

    [Fact]
    public async Task MetaExchange_WrongSecret_IsRefused()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.Threads);
        var shortToken = (await driver.ConnectAsync(Platform.Threads))["access_token"]!.GetValue<string>();

        using var response = await driver.MetaGetAsync(Platform.Threads, "access_token", new()
        {
            ["grant_type"] = "th_exchange_token",
            ["client_secret"] = "wrong",
            ["access_token"] = shortToken,
        });

        Assert.Equal("Error validating client secret.", (await OAuthDriver.JsonAsync(response))["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Platform.X, "x/2/oauth2/revoke")]
    [InlineData(Platform.TikTok, "tiktok/v2/oauth/revoke/")]
    [InlineData(Platform.YouTube, "youtube/revoke")]
    [InlineData(Platform.LinkedIn, "linkedin/oauth/v2/revoke")]
    public async Task Revoke_RefreshToken_KillsTheGrantsAccessTokensToo(Platform platform, string path)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var answer = await driver.ConnectAsync(platform);
        var refreshToken = answer["refresh_token"]!.GetValue<string>();
        var form = new Dictionary<string, string> { ["token"] = refreshToken };
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        switch (platform)
        {
            case Platform.X:
                request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                    $"{OAuthDriver.ClientId(platform)}:{OAuthDriver.Secret(platform)}")));
                break;
            case Platform.TikTok:
                form["client_key"] = OAuthDriver.ClientId(platform);
                form["client_secret"] = OAuthDriver.Secret(platform);
                break;
            case Platform.LinkedIn:
                form["client_id"] = OAuthDriver.ClientId(platform);
                form["client_secret"] = OAuthDriver.Secret(platform);
                break;
        }
        request.Content = new FormUrlEncodedContent(form);

        using var revoked = await driver.Http.SendAsync(request);
        using var who = await WhoAmIAsync(driver, platform, answer["access_token"]!.GetValue<string>());
        using var refresh = await driver.RefreshAsync(platform, refreshToken);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, who.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
    }

    [Fact]
    public async Task Revoke_FacebookPermissions_KillsThePageTokens()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.Facebook);
        var userToken = (await driver.ConnectAsync(Platform.Facebook))["access_token"]!.GetValue<string>();
        using var accounts = await driver.WithTokenAsync(Platform.Facebook, HttpMethod.Get, "me/accounts", userToken);
        var pageToken = (await OAuthDriver.JsonAsync(accounts))["data"]![0]!["access_token"]!.GetValue<string>();

        using var revoked = await driver.WithTokenAsync(Platform.Facebook, HttpMethod.Delete, "me/permissions", userToken);
        using var me = await driver.WithTokenAsync(Platform.Facebook, HttpMethod.Get, "me", pageToken);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(190, (await OAuthDriver.JsonAsync(me))["error"]!["code"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(RefreshTokenPlatforms))]
    public async Task RevokeGrantsSwitch_MakesTheNextRefreshADeadGrant(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var refreshToken = (await driver.ConnectAsync(platform))["refresh_token"]!.GetValue<string>();

        Assert.Equal(1, driver.OAuth.RevokeGrants(platform));
        using var response = await driver.RefreshAsync(platform, refreshToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        OAuthFlowTests.AssertDeadGrant(platform, await OAuthDriver.JsonAsync(response), codeExchange: false);
    }

    [Theory]
    [MemberData(nameof(RefreshTokenPlatforms))]
    public async Task FailNextRefreshes_AnswersDeadGrantThatManyTimes_ThenRefreshesAgain(Platform platform)
    {
        await using var driver = await OAuthDriver.StartAsync(platform);
        var refreshToken = (await driver.ConnectAsync(platform))["refresh_token"]!.GetValue<string>();
        driver.OAuth.FailNextRefreshes(platform, 2);

        using var first = await driver.RefreshAsync(platform, refreshToken);
        using var second = await driver.RefreshAsync(platform, refreshToken);
        using var third = await driver.RefreshAsync(platform, refreshToken);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        OAuthFlowTests.AssertDeadGrant(platform, await OAuthDriver.JsonAsync(first), codeExchange: false);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(3, driver.OAuth.TokenCalls(platform, "refresh_token"));
        Assert.Equal(1, driver.OAuth.TokenCalls(platform, "authorization_code"));
    }

    [Fact]
    public async Task FailTokenEndpoint_Answers503_AndTheNextCallIsServed()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.X);
        var refreshToken = (await driver.ConnectAsync(Platform.X))["refresh_token"]!.GetValue<string>();
        driver.Emulator.Faults.FailTokenEndpoint(Platform.X);

        using var failed = await driver.RefreshAsync(Platform.X, refreshToken);
        using var served = await driver.RefreshAsync(Platform.X, refreshToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task DelayTokenEndpoint_WaitsOnTheEmulatorsClock()
    {
        var time = new WatchedFakeTimeProvider(TestTime.Start);
        await using var emulator = await PlatformEmulator.StartAsync(time: time, platforms: [Platform.Amazon]);
        emulator.Faults.DelayTokenEndpoint(Platform.Amazon, TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = emulator.Root };

        var call = http.PostAsync("amazon/auth/o2/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token" }));
        await time.WaitForDelayAsync(TimeSpan.FromSeconds(30));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));
        using var response = await call;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ControlEndpoints_RevokeAndCountOverHttp_ForAnEmulatorInAnotherProcess()
    {
        await using var driver = await OAuthDriver.StartAsync(Platform.TikTok);
        var refreshToken = (await driver.ConnectAsync(Platform.TikTok))["refresh_token"]!.GetValue<string>();

        using var revoked = await driver.Http.PostAsync("_emulator/oauth/tiktok/revoke-grants", null);
        using var refresh = await driver.RefreshAsync(Platform.TikTok, refreshToken);
        using var calls = await driver.Http.GetAsync("_emulator/oauth/tiktok/token-calls?grantType=refresh_token");

        Assert.Equal(1, (await OAuthDriver.JsonAsync(revoked))["revoked"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal(1, (await OAuthDriver.JsonAsync(calls))["calls"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("5s", 5)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("60d", 5184000)]
    [InlineData("00:00:07", 7)]
    public void ParseDuration_TakesTheFlagsUnits(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), OAuthSwitches.ParseDuration(text));

    [Fact]
    public void ParseScoped_NamesThePlatformOrNone()
    {
        Assert.Equal(((Platform?)Platform.X, "5s"), OAuthSwitches.ParseScoped("x=5s"));
        Assert.Equal(((Platform?)null, "3"), OAuthSwitches.ParseScoped("3"));
        Assert.Throws<FormatException>(() => OAuthSwitches.ParseScoped("myspace=3"));
        Assert.Throws<FormatException>(() => OAuthSwitches.ParseDuration("soon"));
    }
}
