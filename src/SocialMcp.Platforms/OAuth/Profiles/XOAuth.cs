using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>X's OAuth 2.0 authorization code with PKCE (docs/platforms.md#x-oauth).</summary>
internal static class XOAuth
{
    public static OAuthProfile Profile() => new()
    {
        Platform = Platform.X,
        DisplayName = "X",
        AuthorizeUrl = new("https://x.com/i/oauth2/authorize"),
        TokenUrl = new("https://api.x.com/2/oauth2/token"),
        RevokeUrl = new("https://api.x.com/2/oauth2/revoke"),
        // Posting needs tweet.read tweet.write users.read, media uploads media.write, a refresh token offline.access (off.).
        Scopes = ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"],
        ScopeSeparator = " ",
        Pkce = PkceKind.S256,
        // A confidential client must use HTTP Basic; X rejects the secret in the body (off.).
        ClientAuth = ClientAuthStyle.Basic,
        // "Refresh tokens rotate — always save the newest one" (off.).
        Refresh = RefreshModel.RotatingRefreshToken,
        DiscoverIdentitiesAsync = DiscoverAsync,
    };

    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var me = IdentityLookup.Object(await lookup.GetAsync("2/users/me", cancellationToken), "data");
        return IdentityLookup.Text(me, "id") is { } id
            ? [new PublishingIdentity { PlatformAccountId = id, Handle = IdentityLookup.Text(me, "username") ?? id, DisplayName = IdentityLookup.Text(me, "name") }]
            : [];
    }
}
