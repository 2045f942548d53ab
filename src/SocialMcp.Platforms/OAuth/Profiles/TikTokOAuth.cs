using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>TikTok Login Kit v2 (docs/platforms.md#tiktok-oauth).</summary>
internal static class TikTokOAuth
{
    public static OAuthProfile Profile() => new()
    {
        Platform = Platform.TikTok,
        DisplayName = "TikTok",
        AuthorizeUrl = new("https://www.tiktok.com/v2/auth/authorize/"),
        TokenUrl = new("https://open.tiktokapis.com/v2/oauth/token/"),
        RevokeUrl = new("https://open.tiktokapis.com/v2/oauth/revoke/"),
        Scopes = ["user.info.basic", "video.publish", "video.upload"],
        ScopeSeparator = ",",
        // Desktop apps must send PKCE, with the digest in hex (off.).
        Pkce = PkceKind.HexS256,
        ClientAuth = ClientAuthStyle.Body,
        ClientIdParameter = "client_key",
        // 2026 docs: a refresh returns a new refresh token and the previous one stops working (off.).
        Refresh = RefreshModel.RotatingRefreshToken,
        DiscoverIdentitiesAsync = DiscoverAsync,
    };

    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var body = await lookup.GetAsync("v2/user/info/?fields=open_id,union_id,avatar_url,display_name", cancellationToken);
        var user = IdentityLookup.Object(IdentityLookup.Object(body, "data"), "user");
        // The token answer names the person too (open_id), should the user info leave it out.
        if ((IdentityLookup.Text(user, "open_id") ?? lookup.Answer.Text("open_id")) is not { } openId)
            return [];
        var name = IdentityLookup.Text(user, "display_name");
        return [new PublishingIdentity { PlatformAccountId = openId, Handle = name ?? openId, DisplayName = name }];
    }
}
