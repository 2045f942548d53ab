using System.Net;
using System.Text;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Tests.OAuth;

/// <summary>Renewing an account's access per refresh model, and revoking, per platform.</summary>
public sealed class RefreshAndRevokeTests
{
    private static readonly string Root = OAuthHarness.EmulatorRoot;

    [Fact]
    public async Task Refresh_X_RotatesWithBasicAuth_ReturnsTheNewRefreshToken()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "x/2/oauth2/token",
            new { token_type = "bearer", expires_in = 7200, access_token = "x-access-2", refresh_token = "x-refresh-2", scope = "tweet.read offline.access" });

        var grant = await harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.X), new("x-access-1", "x-refresh-1", TestTime.Start), default);

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal(Basic(Platform.X), sent.Authorization);
        Assert.Equal("refresh_token", sent.Form["grant_type"]);
        Assert.Equal("x-refresh-1", sent.Form["refresh_token"]);
        Assert.False(sent.Form.ContainsKey("client_secret"));
        Assert.Equal(("x-access-2", "x-refresh-2"), (grant.AccessToken, grant.RefreshToken));
        Assert.Equal(TestTime.Start.AddSeconds(7200), grant.AccessExpiresAt);
    }

    [Fact]
    public async Task Refresh_TikTok_RotatesWithClientKeyInTheBody()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Time.Advance(TimeSpan.FromHours(1));
        harness.Stub.On(HttpMethod.Post, Root + "tiktok/v2/oauth/token/",
            new { open_id = "open-1", access_token = "tt-2", expires_in = 7200, refresh_token = "tt-r2", refresh_expires_in = 15552000 });

        var grant = await harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.TikTok), new("tt-1", "tt-r1", null), default);

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal(OAuthHarness.ClientIdOf(Platform.TikTok), sent.Form["client_key"]);
        Assert.Equal(OAuthHarness.SecretOf(Platform.TikTok), sent.Form["client_secret"]);
        Assert.Equal("tt-r1", sent.Form["refresh_token"]);
        Assert.Equal("tt-r2", grant.RefreshToken);
        Assert.Equal(TestTime.Start.AddHours(1).AddSeconds(15552000), grant.RefreshExpiresAt);
    }

    [Fact]
    public async Task Refresh_YouTubeAnswerWithoutRefreshToken_KeepsTheOldOne()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "youtube/token", new { access_token = "ya29.b", expires_in = 3599, token_type = "Bearer" });

        var grant = await harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.YouTube), new("ya29.a", "1//rt", null), default);

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal(OAuthHarness.SecretOf(Platform.YouTube), sent.Form["client_secret"]);
        Assert.Equal(("ya29.b", "1//rt"), (grant.AccessToken, grant.RefreshToken));
        Assert.Equal(TestTime.Start.AddSeconds(3599), grant.AccessExpiresAt);
    }

    [Fact]
    public async Task Refresh_AmazonReturningARefreshToken_ReturnsIt()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "amazon/auth/o2/token", new { access_token = "Atza|2", refresh_token = "Atzr|2", expires_in = 3600 });

        var grant = await harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.Amazon), new("Atza|1", "Atzr|1", null), default);

        Assert.Equal("Atzr|1", Assert.Single(harness.Stub.Seen).Form["refresh_token"]);
        Assert.Equal("Atzr|2", grant.RefreshToken);
    }

    [Fact]
    public async Task Refresh_Facebook_ExtendsTheTokenByExchange_NoExpiryMeansNone()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Get, Root + "facebook/v23.0/oauth/access_token", new { access_token = "page-token-2", token_type = "bearer" });

        var grant = await harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.Facebook), new("page-token-1", null, null), default);

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal("fb_exchange_token", sent.Query["grant_type"]);
        Assert.Equal("page-token-1", sent.Query["fb_exchange_token"]);
        Assert.Equal(OAuthHarness.SecretOf(Platform.Facebook), sent.Query["client_secret"]);
        Assert.Equal("page-token-2", grant.AccessToken);
        Assert.Null(grant.AccessExpiresAt);
        Assert.Null(grant.RefreshToken);
    }

    [Theory]
    [InlineData(Platform.Instagram, "instagram/refresh_access_token", "ig_refresh_token")]
    [InlineData(Platform.Threads, "threads/refresh_access_token", "th_refresh_token")]
    public async Task Refresh_InstagramAndThreads_RefreshTheLongLivedTokenWithItselfAlone(Platform platform, string path, string grantType)
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Get, Root + path, new { access_token = "long-2", token_type = "bearer", expires_in = 5184000 });

        var grant = await harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(platform), new("long-1", null, TestTime.Start.AddDays(30)), default);

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal(grantType, sent.Query["grant_type"]);
        Assert.Equal("long-1", sent.Query["access_token"]);
        Assert.False(sent.Query.ContainsKey("client_secret"));
        Assert.Equal(TestTime.Start.AddSeconds(5184000), grant.AccessExpiresAt);
    }

    [Fact]
    public async Task Refresh_LinkedInWithoutRefreshToken_IsADeadGrantWithoutAnyCall()
    {
        using var harness = OAuthHarness.Create(emulated: true);

        var refused = await Assert.ThrowsAsync<OAuthException>(() =>
            harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.LinkedIn), new("li-access", null, TestTime.Start.AddDays(60)), default));

        Assert.Equal(OAuthFailureKind.DeadGrant, refused.Kind);
        Assert.Empty(harness.Stub.Seen);
    }

    [Fact]
    public async Task Refresh_LinkedInPartner_RefreshesWithTheBodyCredentials()
    {
        using var harness = OAuthHarness.Create(emulated: true,
            settings: new Dictionary<string, string?> { ["Platforms:linkedin:Settings:PartnerRefreshTokens"] = "true" });
        harness.Stub.On(HttpMethod.Post, Root + "linkedin/oauth/v2/accessToken",
            new { access_token = "li-2", expires_in = 5184000, refresh_token = "li-r", refresh_token_expires_in = 31000000 });

        var grant = await harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.LinkedIn), new("li-1", "li-r", null), default);

        Assert.Equal(OAuthHarness.SecretOf(Platform.LinkedIn), Assert.Single(harness.Stub.Seen).Form["client_secret"]);
        Assert.Equal(TestTime.Start.AddSeconds(31000000), grant.RefreshExpiresAt);
    }

    [Fact]
    public async Task Refresh_AccountOnTheEmulator_FollowsItsApiBaseUrl()
    {
        using var harness = OAuthHarness.Create();
        harness.Stub.On(HttpMethod.Post, "http://127.0.0.1:6001/x/2/oauth2/token", new { access_token = "x-2", refresh_token = "r-2", expires_in = 5 });
        var account = OAuthHarness.AccountOf(Platform.X, metadata: new { apiBaseUrl = "http://127.0.0.1:6001/x/" });

        var grant = await harness.OAuth.RefreshAsync(account, new("x-1", "r-1", null), default);

        Assert.Equal(TestTime.Start.AddSeconds(5), grant.AccessExpiresAt);
    }

    [Fact]
    public async Task Revoke_X_PostsTheTokenWithBasicAuth()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "x/2/oauth2/revoke", new { revoked = true });

        Assert.True(await harness.OAuth.RevokeAsync(OAuthHarness.AccountOf(Platform.X), "x-refresh-1", default));

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal(Basic(Platform.X), sent.Authorization);
        Assert.Equal("x-refresh-1", sent.Form["token"]);
    }

    [Fact]
    public async Task Revoke_TikTok_SendsClientKeyAndSecret()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "tiktok/v2/oauth/revoke/", new { });

        Assert.True(await harness.OAuth.RevokeAsync(OAuthHarness.AccountOf(Platform.TikTok), "tt-1", default));

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal(OAuthHarness.ClientIdOf(Platform.TikTok), sent.Form["client_key"]);
        Assert.Equal("tt-1", sent.Form["token"]);
    }

    [Fact]
    public async Task Revoke_Google_SendsTheTokenAlone_AnAlreadyDeadTokenCountsAsRevoked()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "youtube/revoke", new { error = "invalid_token", error_description = "Token expired or revoked" }, HttpStatusCode.BadRequest);

        Assert.True(await harness.OAuth.RevokeAsync(OAuthHarness.AccountOf(Platform.YouTube), "ya29.a", default));

        var sent = Assert.Single(harness.Stub.Seen);
        Assert.Equal(["token"], sent.Form.Keys);
    }

    [Fact]
    public async Task Revoke_LinkedIn_SendsCredentialsInTheBody()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "linkedin/oauth/v2/revoke", new { });

        Assert.True(await harness.OAuth.RevokeAsync(OAuthHarness.AccountOf(Platform.LinkedIn), "li-1", default));

        Assert.Equal(OAuthHarness.SecretOf(Platform.LinkedIn), Assert.Single(harness.Stub.Seen).Form["client_secret"]);
    }

    [Theory]
    [InlineData(Platform.Facebook)]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Threads)]
    [InlineData(Platform.Amazon)]
    public async Task Revoke_PlatformWithoutAnEndpointForIt_IsFalseWithoutAnyCall(Platform platform)
    {
        using var harness = OAuthHarness.Create(emulated: true);

        Assert.False(await harness.OAuth.RevokeAsync(OAuthHarness.AccountOf(platform), "token", default));

        Assert.Empty(harness.Stub.Seen);
    }

    private static string Basic(Platform platform) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(OAuthHarness.ClientIdOf(platform) + ":" + OAuthHarness.SecretOf(platform)));
}
