using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>Facebook Login's manual flow for Page publishing (docs/platforms.md#facebook-oauth).</summary>
internal static class FacebookOAuth
{
    /// <summary>The Graph API version of every Facebook URL, the adapters' too (<c>PlatformOptions.DefaultBaseUrls</c>).</summary>
    public const string GraphVersion = "v23.0";

    /// <summary>How many pages of <c>me/accounts</c> are read at most; a person with more Pages than that is rare.</summary>
    private const int MaxPageListPages = 10;

    public static OAuthProfile Profile()
    {
        var token = new Uri($"https://graph.facebook.com/{GraphVersion}/oauth/access_token");
        return new OAuthProfile
        {
            Platform = Platform.Facebook,
            DisplayName = "Facebook",
            AuthorizeUrl = new($"https://www.facebook.com/{GraphVersion}/dialog/oauth"),
            // The code exchange is a GET with id, secret and code in the query (3p, as the official examples).
            TokenUrl = token,
            // Permissions are revoked with the person's user token (DELETE /{user-id}/permissions); accounts keep Page tokens only.
            RevokeUrl = null,
            // No refresh token: the user token is swapped for a ~60-day one at once, and extended by the same exchange (off.).
            LongLived = new LongLivedExchange(token, "fb_exchange_token", token, "fb_exchange_token", "fb_exchange_token",
                SendsClientId: true, ExtendSendsSecret: true),
            Scopes = ["pages_manage_posts", "pages_read_engagement", "pages_show_list", "publish_video"],
            ScopeSeparator = ",",
            // The manual flow has no PKCE; the OIDC flow that has it is still "in testing" (off.).
            Pkce = PkceKind.None,
            ClientAuth = ClientAuthStyle.Query,
            Refresh = RefreshModel.ExtendAccessToken,
            DiscoverIdentitiesAsync = DiscoverAsync,
        };
    }

    /// <summary>One identity per Page the person manages, each with its Page token (no expiry when derived from a long-lived user token, off.).</summary>
    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var identities = new List<PublishingIdentity>();
        string? next = "me/accounts?fields=id,name,access_token&limit=100";
        for (var page = 0; page < MaxPageListPages && next is not null; page++)
        {
            var body = await lookup.GetAsync(next, cancellationToken);
            foreach (var item in IdentityLookup.Items(body, "data"))
            {
                if (IdentityLookup.Text(item, "id") is not { } id || IdentityLookup.Text(item, "access_token") is not { } pageToken)
                    continue;
                var name = IdentityLookup.Text(item, "name");
                identities.Add(new PublishingIdentity
                {
                    PlatformAccountId = id,
                    Handle = name ?? id,
                    DisplayName = name,
                    Grant = new TokenGrant { AccessToken = pageToken, AccessExpiresAt = null, Scopes = lookup.Grant.Scopes },
                });
            }
            next = IdentityLookup.Text(IdentityLookup.Object(body, "paging"), "next");
        }
        return identities;
    }
}
