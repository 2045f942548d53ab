using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>LinkedIn's 3-legged flow for member posting (docs/platforms.md#linkedin-oauth).</summary>
internal static class LinkedInOAuth
{
    /// <summary><c>Platforms:linkedin:Settings:PartnerRefreshTokens=true</c>: the app is an approved partner that gets refresh tokens.</summary>
    public const string PartnerSetting = "PartnerRefreshTokens";

    public static OAuthProfile Profile(PlatformOptions options) => new()
    {
        Platform = Platform.LinkedIn,
        DisplayName = "LinkedIn",
        AuthorizeUrl = new("https://www.linkedin.com/oauth/v2/authorization"),
        TokenUrl = new("https://www.linkedin.com/oauth/v2/accessToken"),
        // Used by many clients, not confirmed in the official pages (3p).
        RevokeUrl = new("https://www.linkedin.com/oauth/v2/revoke"),
        // openid profile let /v2/userinfo give the member id (sub) the author URN is built from; w_member_social posts.
        Scopes = ["openid", "profile", "w_member_social"],
        ScopeSeparator = " ",
        // The web flow takes no PKCE; the native PKCE flow must be enabled by LinkedIn (off.).
        Pkce = PkceKind.None,
        ClientAuth = ClientAuthStyle.Body,
        // Refresh tokens only for approved partners (off.); whether they change on refresh is unverified, so what comes back is kept.
        Refresh = OAuthProfiles.Flag(options, PartnerSetting) ? RefreshModel.RefreshToken : RefreshModel.ReconnectOnly,
        DiscoverIdentitiesAsync = DiscoverAsync,
    };

    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var me = await lookup.GetAsync("v2/userinfo", cancellationToken);
        if (IdentityLookup.Text(me, "sub") is not { } sub)
            return [];
        var name = IdentityLookup.Text(me, "name");
        return [new PublishingIdentity { PlatformAccountId = "urn:li:person:" + sub, Handle = name ?? sub, DisplayName = name }];
    }
}
