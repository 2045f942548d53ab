using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Tests.OAuth;

public sealed class AuthorizationUrlTests
{
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static readonly Uri Redirect = new("https://social.example/oauth/callback/x?keep=1");

    public static TheoryData<Platform, string, string, string, string?> Platforms => new()
    {
        // platform, authorize endpoint, client id parameter, scope as sent, PKCE challenge method (null: none)
        { Platform.X, "https://x.com/i/oauth2/authorize", "client_id", "tweet.read tweet.write users.read media.write offline.access", "S256" },
        { Platform.LinkedIn, "https://www.linkedin.com/oauth/v2/authorization", "client_id", "openid profile w_member_social", null },
        { Platform.TikTok, "https://www.tiktok.com/v2/auth/authorize/", "client_key", "user.info.basic,video.publish,video.upload", "hex" },
        {
            Platform.YouTube, "https://accounts.google.com/o/oauth2/v2/auth", "client_id",
            "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly https://www.googleapis.com/auth/youtube.force-ssl", "S256"
        },
        { Platform.Facebook, "https://www.facebook.com/v23.0/dialog/oauth", "client_id", "pages_manage_posts,pages_read_engagement,pages_show_list,publish_video", null },
        { Platform.Instagram, "https://www.instagram.com/oauth/authorize", "client_id", "instagram_business_basic,instagram_business_content_publish", null },
        { Platform.Threads, "https://threads.com/oauth/authorize", "client_id", "threads_basic,threads_content_publish,threads_delete", null },
        { Platform.Amazon, "https://www.amazon.com/ap/oa", "client_id", "advertising::campaign_management", "S256" },
    };

    [Theory]
    [MemberData(nameof(Platforms))]
    public void BuildAuthorizationUrl_EachPlatform_CarriesItsClientScopesStateAndChallenge(Platform platform, string endpoint, string clientIdName,
        string scope, string? pkce)
    {
        using var harness = OAuthHarness.Create();

        var url = harness.OAuth.BuildAuthorizationUrl(platform, "state-123", Verifier, Redirect);

        Assert.Equal(endpoint, url.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(url.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(OAuthHarness.ClientIdOf(platform), query[clientIdName]);
        Assert.Equal(Redirect.AbsoluteUri, query["redirect_uri"]);
        Assert.Equal(scope, query["scope"]);
        Assert.Equal("state-123", query["state"]);
        Assert.DoesNotContain(OAuthHarness.SecretOf(platform), url.AbsoluteUri);
        Assert.Equal(pkce is not null, harness.OAuth.UsesPkce(platform));
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(Verifier));
        switch (pkce)
        {
            case null:
                Assert.False(query.ContainsKey("code_challenge"));
                break;
            case "hex":
                Assert.Equal(Convert.ToHexStringLower(hash), query["code_challenge"]);
                Assert.Equal("S256", query["code_challenge_method"]);
                break;
            default:
                Assert.Equal(Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_'), query["code_challenge"]);
                Assert.Equal("S256", query["code_challenge_method"]);
                break;
        }
    }

    [Fact]
    public void BuildAuthorizationUrl_RfcExampleVerifier_GivesTheRfcChallenge()
    {
        using var harness = OAuthHarness.Create();

        var url = harness.OAuth.BuildAuthorizationUrl(Platform.X, "s", Verifier, Redirect);

        // RFC 7636 appendix B.
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", QueryHelpers.ParseQuery(url.Query)["code_challenge"]);
    }

    [Fact]
    public void BuildAuthorizationUrl_YouTube_AsksForOfflineAccessWithConsent()
    {
        using var harness = OAuthHarness.Create();

        var query = QueryHelpers.ParseQuery(harness.OAuth.BuildAuthorizationUrl(Platform.YouTube, "s", Verifier, Redirect).Query);

        Assert.Equal("offline", query["access_type"]);
        Assert.Equal("consent", query["prompt"]);
    }

    [Fact]
    public void BuildAuthorizationUrl_ScopesConfigured_ReplaceTheMinimalSetWithThePlatformsSeparator()
    {
        using var harness = OAuthHarness.Create(settings: new Dictionary<string, string?> { ["Platforms:tiktok:Scopes"] = "user.info.basic video.list" });

        var query = QueryHelpers.ParseQuery(harness.OAuth.BuildAuthorizationUrl(Platform.TikTok, "s", Verifier, Redirect).Query);

        Assert.Equal("user.info.basic,video.list", query["scope"]);
    }

    [Theory]
    [InlineData("eu", "https://eu.account.amazon.com/ap/oa")]
    [InlineData("fe", "https://apac.account.amazon.com/ap/oa")]
    public void BuildAuthorizationUrl_AmazonRegion_UsesThatRegionsHost(string region, string endpoint)
    {
        using var harness = OAuthHarness.Create(settings: new Dictionary<string, string?> { ["Platforms:amazon:Settings:Region"] = region });

        Assert.Equal(endpoint, harness.OAuth.BuildAuthorizationUrl(Platform.Amazon, "s", Verifier, Redirect).GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public void IsConfigured_NoClient_IsFalseAndNamesTheSettings()
    {
        using var harness = OAuthHarness.Create(configured: false);

        Assert.False(harness.OAuth.IsConfigured(Platform.X));
        Assert.Equal(new[] { "Platforms:x:ClientId", "Platforms:x:ClientSecret" }, harness.OAuth.RequiredSettings(Platform.X));
        var refused = Assert.Throws<OAuthException>(() => harness.OAuth.BuildAuthorizationUrl(Platform.X, "s", Verifier, Redirect));
        Assert.Equal(OAuthFailureKind.Misconfigured, refused.Kind);
        Assert.Contains("Platforms:x:ClientSecret", refused.Message);
    }

    [Fact]
    public void IsConfigured_IdAndSecret_IsTrue()
    {
        using var harness = OAuthHarness.Create();

        Assert.All(PlatformNames.All, p => Assert.True(harness.OAuth.IsConfigured(p)));
    }

    [Theory]
    [InlineData(Platform.X, RefreshModel.RotatingRefreshToken)]
    [InlineData(Platform.TikTok, RefreshModel.RotatingRefreshToken)]
    [InlineData(Platform.YouTube, RefreshModel.RefreshToken)]
    [InlineData(Platform.Amazon, RefreshModel.RefreshToken)]
    [InlineData(Platform.Facebook, RefreshModel.ExtendAccessToken)]
    [InlineData(Platform.Instagram, RefreshModel.ExtendAccessToken)]
    [InlineData(Platform.Threads, RefreshModel.ExtendAccessToken)]
    [InlineData(Platform.LinkedIn, RefreshModel.ReconnectOnly)]
    public void RefreshModelOf_EachPlatform_IsItsDocumentedModel(Platform platform, RefreshModel model)
    {
        using var harness = OAuthHarness.Create();

        Assert.Equal(model, harness.OAuth.RefreshModelOf(platform));
    }

    [Fact]
    public void RefreshModelOf_LinkedInPartner_IsRefreshToken()
    {
        using var harness = OAuthHarness.Create(settings: new Dictionary<string, string?> { ["Platforms:linkedin:Settings:PartnerRefreshTokens"] = "true" });

        Assert.Equal(RefreshModel.RefreshToken, harness.OAuth.RefreshModelOf(Platform.LinkedIn));
    }
}
