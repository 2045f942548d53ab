using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.OAuth;

/// <summary>How a platform keeps a grant alive after the code exchange (docs/emulator.md#refresh-rules).</summary>
public enum RefreshRule
{
    /// <summary>Every refresh returns a new refresh token and the old one dies at once (X, TikTok).</summary>
    Rotating,

    /// <summary>The same refresh token is returned on every refresh (Amazon).</summary>
    Stable,

    /// <summary>The refresh token never changes and the refresh answer leaves it out (Google).</summary>
    StableOmitted,

    /// <summary>Refresh tokens only for a partner client, valid a fixed time from the first grant (LinkedIn).</summary>
    PartnerFixedWindow,

    /// <summary>No refresh token: a live long-lived access token is exchanged for a new one (Facebook, Instagram, Threads).</summary>
    ExtendAccessToken,
}

/// <summary>Whether and how the authorize request carries a PKCE challenge.</summary>
public enum PkceRule
{
    /// <summary>No PKCE in the flow: a challenge sent anyway is ignored (LinkedIn's web flow, Meta).</summary>
    None,

    /// <summary>PKCE is optional; S256 (base64url) or plain, plain when the method is left out (Google, Amazon).</summary>
    Optional,

    /// <summary>PKCE is mandatory; S256 or plain (X).</summary>
    Required,

    /// <summary>Optional, and S256 means hex-encoded SHA-256, not base64url (TikTok's desktop quirk).</summary>
    OptionalHex,
}

/// <summary>
/// One platform's OAuth settings in the emulator. The defaults are the real platforms' (docs/platforms.md, each
/// platform's "auth and tokens" section); tests and <c>socialmcp emulator</c> flags change them, down to seconds.
/// </summary>
public sealed class OAuthPlatformSettings
{
    internal OAuthPlatformSettings(Platform platform) => Platform = platform;

    public Platform Platform { get; }

    /// <summary>An access token's life: X 2 h, TikTok 2 h, YouTube 3599 s, LinkedIn 60 d, Amazon 1 h, Meta's short-lived 1 h.</summary>
    public TimeSpan AccessTokenLifetime { get; set; }

    /// <summary>Meta's long-lived user token (60 d); null for the other platforms.</summary>
    public TimeSpan? LongLivedTokenLifetime { get; set; }

    /// <summary>
    /// How old a long-lived Instagram or Threads token must be before it can be refreshed; null: 24 h, or half the
    /// long-lived lifetime when that is shorter than two days (so a 5-second token can still be refreshed).
    /// </summary>
    public TimeSpan? RefreshMinimumAge { get; set; }

    /// <summary>How long an authorization code can be exchanged (X: 30 s by its contract; 10 min elsewhere).</summary>
    public TimeSpan CodeLifetime { get; set; }

    /// <summary>A refresh token's life (TikTok 180 d from its issue, LinkedIn 365 d from the first grant); null: no expiry.</summary>
    public TimeSpan? RefreshTokenLifetime { get; set; }

    public RefreshRule Refresh { get; set; }

    public PkceRule Pkce { get; set; }

    /// <summary>Whether <c>http://127.0.0.1:{any port}/…</c> redirects are accepted without registration (docs/emulator.md#redirects).</summary>
    public bool LoopbackRedirects { get; set; }

    /// <summary>Whether the demo user declines the consent screen (the authorize redirect carries error=access_denied).</summary>
    public bool Decline { get; set; }

    /// <summary>The lifetime a refresh of a long-lived token must have reached.</summary>
    internal TimeSpan MinimumAgeForRefresh(TimeSpan longLived) =>
        RefreshMinimumAge ?? (longLived < TimeSpan.FromDays(2) ? longLived / 2 : TimeSpan.FromHours(24));

    /// <summary>The real platform's settings (docs/platforms.md, "auth and tokens").</summary>
    internal static OAuthPlatformSettings DefaultsFor(Platform platform)
    {
        var tenMinutes = TimeSpan.FromMinutes(10);
        var sixtyDays = TimeSpan.FromDays(60);
        var settings = new OAuthPlatformSettings(platform) { CodeLifetime = tenMinutes };
        switch (platform)
        {
            case Platform.X:
                // docs/platforms.md#x-auth-and-tokens: 2 h tokens, PKCE required, rotating refresh tokens, 30 s codes.
                settings.AccessTokenLifetime = TimeSpan.FromHours(2);
                settings.CodeLifetime = TimeSpan.FromSeconds(30);
                settings.Refresh = RefreshRule.Rotating;
                settings.Pkce = PkceRule.Required;
                settings.LoopbackRedirects = true;
                break;
            case Platform.TikTok:
                // docs/platforms.md#tiktok-auth-and-tokens: 2 h access, 180 d refresh, rotation (2026 docs), hex PKCE.
                settings.AccessTokenLifetime = TimeSpan.FromHours(2);
                settings.RefreshTokenLifetime = TimeSpan.FromDays(180);
                settings.Refresh = RefreshRule.Rotating;
                settings.Pkce = PkceRule.OptionalHex;
                settings.LoopbackRedirects = true;
                break;
            case Platform.YouTube:
                // docs/platforms.md#youtube-auth-and-tokens: expires_in 3599, refresh token kept and left out of the answer.
                settings.AccessTokenLifetime = TimeSpan.FromSeconds(3599);
                settings.Refresh = RefreshRule.StableOmitted;
                settings.Pkce = PkceRule.Optional;
                settings.LoopbackRedirects = true;
                break;
            case Platform.LinkedIn:
                // docs/platforms.md#linkedin-auth-and-tokens: 60 d access; refresh only for partners, 365 d from the first grant.
                settings.AccessTokenLifetime = sixtyDays;
                settings.RefreshTokenLifetime = TimeSpan.FromDays(365);
                settings.CodeLifetime = TimeSpan.FromMinutes(30);
                settings.Refresh = RefreshRule.PartnerFixedWindow;
                settings.Pkce = PkceRule.None;
                break;
            case Platform.Amazon:
                // docs/platforms.md#amazon-auth-and-tokens: 1 h access, a long-lived refresh token returned on refresh.
                settings.AccessTokenLifetime = TimeSpan.FromHours(1);
                settings.Refresh = RefreshRule.Stable;
                settings.Pkce = PkceRule.Optional;
                settings.LoopbackRedirects = true;
                break;
            case Platform.Facebook:
                settings.AccessTokenLifetime = TimeSpan.FromHours(1);
                settings.LongLivedTokenLifetime = sixtyDays;
                settings.Refresh = RefreshRule.ExtendAccessToken;
                settings.Pkce = PkceRule.None;
                // localhost redirects work while a Meta app is in development mode, which a demo app is.
                settings.LoopbackRedirects = true;
                break;
            default:
                // Instagram Login and Threads: 1 h short-lived, 60 d long-lived, HTTPS-only redirects.
                settings.AccessTokenLifetime = TimeSpan.FromHours(1);
                settings.LongLivedTokenLifetime = sixtyDays;
                settings.Refresh = RefreshRule.ExtendAccessToken;
                settings.Pkce = PkceRule.None;
                break;
        }
        return settings;
    }
}
