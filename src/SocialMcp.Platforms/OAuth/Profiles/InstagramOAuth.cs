using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>Instagram API with Instagram Login (business login) (docs/platforms.md#instagram-oauth).</summary>
internal static class InstagramOAuth
{
    /// <summary>Instagram Login tokens work on graph.instagram.com, not on the Facebook Login host the adapter defaults to.</summary>
    public static readonly Uri GraphInstagramRoot = new($"https://graph.instagram.com/{FacebookOAuth.GraphVersion}/");

    public static OAuthProfile Profile() => new()
    {
        Platform = Platform.Instagram,
        DisplayName = "Instagram",
        AuthorizeUrl = new("https://www.instagram.com/oauth/authorize"),
        TokenUrl = new("https://api.instagram.com/oauth/access_token"),
        // No revocation endpoint found (unverified).
        RevokeUrl = null,
        // Short-lived (1 h) → long-lived (60 d) at once; renewed in place once at least 24 h old (off.).
        LongLived = new LongLivedExchange(
            new("https://graph.instagram.com/access_token"), "ig_exchange_token",
            new("https://graph.instagram.com/refresh_access_token"), "ig_refresh_token", "access_token",
            SendsClientId: false, ExtendSendsSecret: false),
        // The business_* names were deprecated on 2025-01-27 (off.).
        Scopes = ["instagram_business_basic", "instagram_business_content_publish"],
        ScopeSeparator = ",",
        Pkce = PkceKind.None,
        ClientAuth = ClientAuthStyle.Body,
        Refresh = RefreshModel.ExtendAccessToken,
        // The returned code ends in "#_", which is not part of it (off.).
        StripCodeSuffix = true,
        RealApiRoot = GraphInstagramRoot,
        DiscoverIdentitiesAsync = DiscoverAsync,
    };

    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var me = await lookup.GetAsync("me?fields=id,user_id,username", cancellationToken);
        // user_id is the professional account's id that publishing paths take; id the app-scoped one; the token answer names one too.
        if ((IdentityLookup.Text(me, "user_id") ?? IdentityLookup.Text(me, "id") ?? lookup.Answer.Text("user_id")) is not { } id)
            return [];
        var username = IdentityLookup.Text(me, "username");
        var metadata = new Dictionary<string, string>();
        if (lookup.IsRealPlatform)
            metadata["apiBaseUrl"] = GraphInstagramRoot.AbsoluteUri; // the adapter's default root is the Facebook Login host
        return [new PublishingIdentity { PlatformAccountId = id, Handle = username ?? id, DisplayName = username, Metadata = metadata }];
    }
}
