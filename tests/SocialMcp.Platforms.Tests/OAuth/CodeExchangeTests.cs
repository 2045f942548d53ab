using System.Net;
using System.Text;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Tests.OAuth;

/// <summary>Code → tokens → identities, per platform, against the emulator's paths (the URL rule) answered by a stub.</summary>
public sealed class CodeExchangeTests
{
    private const string Verifier = "verifier-0123456789-0123456789-0123456789-abc";
    private static readonly Uri Redirect = new("http://127.0.0.1:40123/callback");
    private static readonly string Root = OAuthHarness.EmulatorRoot;

    [Fact]
    public async Task ExchangeCode_X_PostsWithBasicAuthAndVerifier_FindsTheUser()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "x/2/oauth2/token", new
            {
                token_type = "bearer",
                expires_in = 7200,
                access_token = "x-access-1",
                refresh_token = "x-refresh-1",
                scope = "tweet.read tweet.write users.read media.write offline.access",
            })
            .On(HttpMethod.Get, Root + "x/2/users/me", new { data = new { id = "2244994945", username = "maker", name = "The Maker" } });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.X, "code-x", Verifier, Redirect, default);

        var token = harness.Stub.Seen[0];
        Assert.Equal(HttpMethod.Post, token.Method);
        Assert.Equal(Basic(Platform.X), token.Authorization);
        Assert.Equal("authorization_code", token.Form["grant_type"]);
        Assert.Equal("code-x", token.Form["code"]);
        Assert.Equal(Redirect.AbsoluteUri, token.Form["redirect_uri"]);
        Assert.Equal(Verifier, token.Form["code_verifier"]);
        Assert.False(token.Form.ContainsKey("client_secret"), "X rejects the secret in the body");
        Assert.Equal("Bearer x-access-1", harness.Stub.Seen[1].Authorization);

        Assert.Equal("x-access-1", connected.Grant.AccessToken);
        Assert.Equal(TestTime.Start.AddSeconds(7200), connected.Grant.AccessExpiresAt);
        Assert.Equal("x-refresh-1", connected.Grant.RefreshToken);
        Assert.Equal(5, connected.Grant.Scopes.Count);
        var identity = Assert.Single(connected.Identities);
        Assert.Equal(("2244994945", "maker", "The Maker"), (identity.PlatformAccountId, identity.Handle, identity.DisplayName));
        Assert.Null(identity.Grant);
    }

    [Fact]
    public async Task ExchangeCode_LinkedIn_PostsCredentialsInTheBody_IdentityIsThePersonUrn()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "linkedin/oauth/v2/accessToken", new { access_token = "li-access", expires_in = 5184000, scope = "openid,profile,w_member_social" })
            .On(HttpMethod.Get, Root + "linkedin/v2/userinfo", new { sub = "782bbtaQ", name = "Ada Lovelace" });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.LinkedIn, "code-li", Verifier, Redirect, default);

        var token = harness.Stub.Seen[0];
        Assert.Null(token.Authorization);
        Assert.Equal(OAuthHarness.ClientIdOf(Platform.LinkedIn), token.Form["client_id"]);
        Assert.Equal(OAuthHarness.SecretOf(Platform.LinkedIn), token.Form["client_secret"]);
        Assert.False(token.Form.ContainsKey("code_verifier"), "LinkedIn's web flow takes no PKCE");
        Assert.Equal(["openid", "profile", "w_member_social"], connected.Grant.Scopes);
        Assert.Null(connected.Grant.RefreshToken);
        var identity = Assert.Single(connected.Identities);
        Assert.Equal("urn:li:person:782bbtaQ", identity.PlatformAccountId);
        Assert.Equal("Ada Lovelace", identity.Handle);
    }

    [Fact]
    public async Task ExchangeCode_TikTok_SendsClientKeyAndVerifier_KeepsBothLifetimes()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "tiktok/v2/oauth/token/", new
            {
                open_id = "open-1",
                scope = "user.info.basic,video.publish,video.upload",
                access_token = "tt-access",
                expires_in = 7200,
                refresh_token = "tt-refresh",
                refresh_expires_in = 15552000,
                token_type = "Bearer",
            })
            .On(HttpMethod.Get, Root + "tiktok/v2/user/info/", new { data = new { user = new { open_id = "open-1", display_name = "dancer" } }, error = new { code = "ok", message = "" } });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.TikTok, "code-tt", Verifier, Redirect, default);

        var token = harness.Stub.Seen[0];
        Assert.Equal(OAuthHarness.ClientIdOf(Platform.TikTok), token.Form["client_key"]);
        Assert.False(token.Form.ContainsKey("client_id"));
        Assert.Equal(OAuthHarness.SecretOf(Platform.TikTok), token.Form["client_secret"]);
        Assert.Equal(Verifier, token.Form["code_verifier"]);
        Assert.Contains("open_id", harness.Stub.Seen[1].Query["fields"]);
        Assert.Equal(TestTime.Start.AddSeconds(15552000), connected.Grant.RefreshExpiresAt);
        Assert.Equal(3, connected.Grant.Scopes.Count);
        var identity = Assert.Single(connected.Identities);
        Assert.Equal(("open-1", "dancer"), (identity.PlatformAccountId, identity.Handle));
    }

    [Fact]
    public async Task ExchangeCode_YouTube_PostsToGooglesTokenPath_OneIdentityPerChannel()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "youtube/token", new { access_token = "ya29.a", expires_in = 3599, refresh_token = "1//rt", scope = "https://www.googleapis.com/auth/youtube.upload", token_type = "Bearer" })
            .On(HttpMethod.Get, Root + "youtube/youtube/v3/channels", new
            {
                items = new[] { new { id = "UC123", snippet = new { title = "Maker Channel", customUrl = "@maker" } } },
            });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.YouTube, "4/code", Verifier, Redirect, default);

        var token = harness.Stub.Seen[0];
        Assert.Equal(OAuthHarness.ClientIdOf(Platform.YouTube), token.Form["client_id"]);
        Assert.Equal(Verifier, token.Form["code_verifier"]);
        Assert.Equal("true", harness.Stub.Seen[1].Query["mine"]);
        Assert.Equal(TestTime.Start.AddSeconds(3599), connected.Grant.AccessExpiresAt);
        var identity = Assert.Single(connected.Identities);
        Assert.Equal(("UC123", "@maker", "Maker Channel"), (identity.PlatformAccountId, identity.Handle, identity.DisplayName));
    }

    [Fact]
    public async Task ExchangeCode_Facebook_GetsWithQueryThenLongLived_OneIdentityPerPageWithItsNonExpiringToken()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        var token = Root + "facebook/v23.0/oauth/access_token";
        harness.Stub
            .On(HttpMethod.Get, token, new { access_token = "fb-short", token_type = "bearer", expires_in = 3600 })
            .On(HttpMethod.Get, token, new { access_token = "fb-long", token_type = "bearer", expires_in = 5183944 })
            .On(HttpMethod.Get, Root + "facebook/me/accounts", new
            {
                data = new[] { new { id = "page-1", name = "Bakery", access_token = "page-token-1" } },
                paging = new { next = Root + "facebook/me/accounts?after=abc" },
            })
            .On(HttpMethod.Get, Root + "facebook/me/accounts", new
            {
                data = new[] { new { id = "page-2", name = "Café", access_token = "page-token-2" } },
            });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.Facebook, "fb-code", Verifier, Redirect, default);

        var exchange = harness.Stub.Seen[0];
        Assert.Equal(HttpMethod.Get, exchange.Method);
        Assert.Equal(OAuthHarness.ClientIdOf(Platform.Facebook), exchange.Query["client_id"]);
        Assert.Equal(OAuthHarness.SecretOf(Platform.Facebook), exchange.Query["client_secret"]);
        Assert.Equal("fb-code", exchange.Query["code"]);
        Assert.Equal(Redirect.AbsoluteUri, exchange.Query["redirect_uri"]);
        var longLived = harness.Stub.Seen[1];
        Assert.Equal("fb_exchange_token", longLived.Query["grant_type"]);
        Assert.Equal("fb-short", longLived.Query["fb_exchange_token"]);
        Assert.Equal("Bearer fb-long", harness.Stub.Seen[2].Authorization);
        Assert.Equal("abc", harness.Stub.Seen[3].Query["after"]);

        Assert.Equal("fb-long", connected.Grant.AccessToken);
        Assert.Equal(TestTime.Start.AddSeconds(5183944), connected.Grant.AccessExpiresAt);
        Assert.Equal(["page-1", "page-2"], connected.Identities.Select(i => i.PlatformAccountId));
        Assert.Equal(["page-token-1", "page-token-2"], connected.Identities.Select(i => i.Grant!.AccessToken));
        Assert.All(connected.Identities, i => Assert.Null(i.Grant!.AccessExpiresAt));
        Assert.Equal("Café", connected.Identities[1].Handle);
    }

    [Fact]
    public async Task ExchangeCode_Instagram_StripsTheCodeSuffixAndExchangesForLongLived()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "instagram/oauth/access_token", new { access_token = "ig-short", user_id = 17841400000000001, permissions = "instagram_business_basic,instagram_business_content_publish" })
            .On(HttpMethod.Get, Root + "instagram/access_token", new { access_token = "ig-long", token_type = "bearer", expires_in = 5184000 })
            .On(HttpMethod.Get, Root + "instagram/me", new { id = "app-scoped-1", user_id = "17841400000000001", username = "bakery" });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.Instagram, "ig-code#_", Verifier, Redirect, default);

        var token = harness.Stub.Seen[0];
        Assert.Equal("ig-code", token.Form["code"]);
        Assert.Equal(OAuthHarness.SecretOf(Platform.Instagram), token.Form["client_secret"]);
        var longLived = harness.Stub.Seen[1];
        Assert.Equal("ig_exchange_token", longLived.Query["grant_type"]);
        Assert.Equal("ig-short", longLived.Query["access_token"]);
        Assert.Equal(OAuthHarness.SecretOf(Platform.Instagram), longLived.Query["client_secret"]);
        Assert.Equal("ig-long", connected.Grant.AccessToken);
        Assert.Equal(2, connected.Grant.Scopes.Count);
        var identity = Assert.Single(connected.Identities);
        Assert.Equal(("17841400000000001", "bakery"), (identity.PlatformAccountId, identity.Handle));
        Assert.Empty(identity.Metadata); // the emulator serves the adapter's own root: no override needed
    }

    [Fact]
    public async Task ExchangeCode_InstagramForReal_PointsTheAccountAtGraphInstagram()
    {
        using var harness = OAuthHarness.Create();
        harness.Stub
            .On(HttpMethod.Post, "https://api.instagram.com/oauth/access_token", new { data = new[] { new { access_token = "ig-short", user_id = "1784" } } })
            .On(HttpMethod.Get, "https://graph.instagram.com/access_token", new { access_token = "ig-long", expires_in = 5184000 })
            .On(HttpMethod.Get, "https://graph.instagram.com/v23.0/me", new { user_id = "1784", username = "bakery" });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.Instagram, "ig-code", Verifier, Redirect, default);

        var identity = Assert.Single(connected.Identities);
        Assert.Equal("https://graph.instagram.com/v23.0/", identity.Metadata["apiBaseUrl"]);
    }

    [Fact]
    public async Task ExchangeCode_Threads_ExchangesForLongLivedAndReadsMe()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "threads/oauth/access_token", new { access_token = "th-short", user_id = 1234 })
            .On(HttpMethod.Get, Root + "threads/access_token", new { access_token = "th-long", token_type = "bearer", expires_in = 5183944 })
            .On(HttpMethod.Get, Root + "threads/me", new { id = "1234", username = "writer" });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.Threads, "th-code", Verifier, Redirect, default);

        Assert.Equal("authorization_code", harness.Stub.Seen[0].Form["grant_type"]);
        Assert.Equal("th_exchange_token", harness.Stub.Seen[1].Query["grant_type"]);
        Assert.Equal(TestTime.Start.AddSeconds(5183944), connected.Grant.AccessExpiresAt);
        var identity = Assert.Single(connected.Identities);
        Assert.Equal(("1234", "writer"), (identity.PlatformAccountId, identity.Handle));
    }

    [Fact]
    public async Task ExchangeCode_Amazon_OneIdentityPerProfileWithItsProfileId()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "amazon/auth/o2/token", new { access_token = "Atza|a", refresh_token = "Atzr|r", token_type = "bearer", expires_in = 3600 })
            .On(HttpMethod.Get, Root + "amazon/v2/profiles", """
                [{"profileId": 3001, "countryCode": "US", "accountInfo": {"id": "A1", "type": "vendor", "name": "Brand US"}},
                 {"profileId": 3002, "countryCode": "DE", "accountInfo": {"id": "A2", "type": "vendor", "name": "Brand DE"}}]
                """);

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.Amazon, "amz-code", Verifier, Redirect, default);

        Assert.Equal(Verifier, harness.Stub.Seen[0].Form["code_verifier"]);
        Assert.Equal(OAuthHarness.ClientIdOf(Platform.Amazon), harness.Stub.Seen[1].Headers["Amazon-Advertising-API-ClientId"]);
        Assert.Equal("Atzr|r", connected.Grant.RefreshToken);
        Assert.Equal(["3001", "3002"], connected.Identities.Select(i => i.PlatformAccountId));
        Assert.Equal("3002", connected.Identities[1].Metadata["profileId"]);
        Assert.Equal("Brand DE (DE)", connected.Identities[1].DisplayName);
    }

    [Fact]
    public async Task ExchangeCode_NoPages_ReturnsNoIdentities()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        var token = Root + "facebook/v23.0/oauth/access_token";
        harness.Stub
            .On(HttpMethod.Get, token, new { access_token = "fb-short", expires_in = 3600 })
            .On(HttpMethod.Get, token, new { access_token = "fb-long", expires_in = 5183944 })
            .On(HttpMethod.Get, Root + "facebook/me/accounts", new { data = Array.Empty<object>() });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.Facebook, "fb-code", Verifier, Redirect, default);

        Assert.Empty(connected.Identities);
    }

    [Fact]
    public async Task ExchangeCode_UsedCode_IsRefusedWithoutTheCodeOrSecretInTheMessage()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "x/2/oauth2/token",
            new { error = "invalid_request", error_description = "Value passed for the token was invalid." }, HttpStatusCode.BadRequest);

        var refused = await Assert.ThrowsAsync<OAuthException>(() => harness.OAuth.ExchangeCodeAsync(Platform.X, "secret-code-123", Verifier, Redirect, default));

        Assert.Equal(OAuthFailureKind.Refused, refused.Kind);
        Assert.Equal("invalid_request", refused.PlatformError);
        harness.AssertNothingLeaked([refused.Message, refused.ToString()], "secret-code-123", Verifier);
    }

    [Fact]
    public async Task ExchangeCode_IdentityLookupRefused_IsRefused()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub
            .On(HttpMethod.Post, Root + "x/2/oauth2/token", new { access_token = "x-access-1", expires_in = 7200 })
            .On(HttpMethod.Get, Root + "x/2/users/me", new { title = "Unauthorized", status = 401 }, HttpStatusCode.Unauthorized);

        var refused = await Assert.ThrowsAsync<OAuthException>(() => harness.OAuth.ExchangeCodeAsync(Platform.X, "code", Verifier, Redirect, default));

        Assert.Equal(OAuthFailureKind.Refused, refused.Kind);
        harness.AssertNothingLeaked([refused.Message], "x-access-1");
    }

    [Fact]
    public async Task ExchangeCode_RealUrls_WhenNoBaseUrlIsSet()
    {
        using var harness = OAuthHarness.Create();
        harness.Stub
            .On(HttpMethod.Post, "https://api.x.com/2/oauth2/token", new { access_token = "x-access-1", expires_in = 7200 })
            .On(HttpMethod.Get, "https://api.x.com/2/users/me", new { data = new { id = "1", username = "maker" } });

        var connected = await harness.OAuth.ExchangeCodeAsync(Platform.X, "code", Verifier, Redirect, default);

        Assert.Equal("maker", Assert.Single(connected.Identities).Handle);
    }

    private static string Basic(Platform platform) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(OAuthHarness.ClientIdOf(platform) + ":" + OAuthHarness.SecretOf(platform)));
}
