using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;
using SocialMcp.Platforms.OAuth;

namespace SocialMcp.Platforms.Tests.OAuth;

/// <summary>The URL rule the emulator serves too (docs/platforms.md#oauth-url-rule).</summary>
public sealed class OAuthUrlRuleTests
{
    private const string Emulator = "http://127.0.0.1:5999/";

    [Theory]
    [InlineData(Platform.X, "https://api.x.com/2/oauth2/token", "x/2/oauth2/token")]
    [InlineData(Platform.X, "https://x.com/i/oauth2/authorize", "x/i/oauth2/authorize")]
    [InlineData(Platform.YouTube, "https://oauth2.googleapis.com/token", "youtube/token")]
    [InlineData(Platform.YouTube, "https://accounts.google.com/o/oauth2/v2/auth", "youtube/o/oauth2/v2/auth")]
    [InlineData(Platform.Facebook, "https://graph.facebook.com/v23.0/oauth/access_token", "facebook/v23.0/oauth/access_token")]
    [InlineData(Platform.Instagram, "https://graph.instagram.com/refresh_access_token", "instagram/refresh_access_token")]
    [InlineData(Platform.TikTok, "https://open.tiktokapis.com/v2/oauth/token/", "tiktok/v2/oauth/token/")]
    [InlineData(Platform.Amazon, "https://api.amazon.com/auth/o2/token", "amazon/auth/o2/token")]
    public void Resolve_BaseUrlOnTheEmulator_IsTheEmulatorsPlatformRootPlusTheRealPath(Platform platform, string real, string emulated)
    {
        var options = new PlatformOptions { BaseUrl = new Uri(Emulator + platform.ToWireName() + "/") };
        var root = OAuthUrls.EmulatedRoot(OAuthProfiles.For(platform, options), options);

        Assert.Equal(Emulator + emulated, OAuthUrls.Resolve(new Uri(real), root).AbsoluteUri);
    }

    [Fact]
    public void EmulatedRoot_BaseUrlWithAVersionAfterThePlatform_IsCutAfterThePlatform()
    {
        var options = new PlatformOptions { BaseUrl = new Uri(Emulator + "facebook/v23.0/") };

        Assert.Equal(Emulator + "facebook/", OAuthUrls.EmulatedRoot(OAuthProfiles.For(Platform.Facebook, options), options)!.AbsoluteUri);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://graph.facebook.com/v24.0/")]
    public void EmulatedRoot_NoBaseUrlOrARealOne_IsNone(string? baseUrl)
    {
        var options = new PlatformOptions { BaseUrl = baseUrl is null ? null : new Uri(baseUrl) };

        Assert.Null(OAuthUrls.EmulatedRoot(OAuthProfiles.For(Platform.Facebook, options), options));
    }

    [Fact]
    public void EmulatedRoot_ExplicitOAuthBaseUrl_Wins()
    {
        var options = new PlatformOptions { BaseUrl = new Uri(Emulator + "x/"), OAuthBaseUrl = new Uri("http://127.0.0.1:7000/oauth-x") };

        Assert.Equal("http://127.0.0.1:7000/oauth-x/", OAuthUrls.EmulatedRoot(OAuthProfiles.For(Platform.X, options), options)!.AbsoluteUri);
    }

    [Fact]
    public void ApiRoot_InstagramForReal_IsGraphInstagram_OnTheEmulator_IsTheBaseUrl()
    {
        var real = new PlatformOptions();
        var emulated = new PlatformOptions { BaseUrl = new Uri(Emulator + "instagram/") };

        Assert.Equal("https://graph.instagram.com/v23.0/", OAuthUrls.ApiRoot(OAuthProfiles.For(Platform.Instagram, real), real).AbsoluteUri);
        Assert.Equal(Emulator + "instagram/", OAuthUrls.ApiRoot(OAuthProfiles.For(Platform.Instagram, emulated), emulated).AbsoluteUri);
    }

    [Fact]
    public void ApiRoot_OtherPlatformsForReal_IsTheAdaptersDefaultRoot()
    {
        var options = new PlatformOptions();

        Assert.All(PlatformNames.All.Where(p => p != Platform.Instagram), platform =>
            Assert.Equal(PlatformOptions.DefaultBaseUrls[platform], OAuthUrls.ApiRoot(OAuthProfiles.For(platform, options), options).AbsoluteUri));
    }
}
