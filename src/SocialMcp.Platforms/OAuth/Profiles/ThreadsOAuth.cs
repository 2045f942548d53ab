using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>Threads' authorization flow (docs/platforms.md#threads-oauth).</summary>
internal static class ThreadsOAuth
{
    public static OAuthProfile Profile() => new()
    {
        Platform = Platform.Threads,
        DisplayName = "Threads",
        // threads.net/oauth/authorize answers with a 301 to threads.com that can drop the query (3p): the new host directly.
        AuthorizeUrl = new("https://threads.com/oauth/authorize"),
        TokenUrl = new("https://graph.threads.net/oauth/access_token"),
        // No revocation endpoint found (unverified).
        RevokeUrl = null,
        LongLived = new LongLivedExchange(
            new("https://graph.threads.net/access_token"), "th_exchange_token",
            new("https://graph.threads.net/refresh_access_token"), "th_refresh_token", "access_token",
            SendsClientId: false, ExtendSendsSecret: false),
        Scopes = ["threads_basic", "threads_content_publish", "threads_delete"],
        ScopeSeparator = ",",
        Pkce = PkceKind.None,
        ClientAuth = ClientAuthStyle.Body,
        Refresh = RefreshModel.ExtendAccessToken,
        DiscoverIdentitiesAsync = DiscoverAsync,
    };

    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var me = await lookup.GetAsync("me?fields=id,username", cancellationToken);
        if ((IdentityLookup.Text(me, "id") ?? lookup.Answer.Text("user_id")) is not { } id)
            return [];
        var username = IdentityLookup.Text(me, "username");
        return [new PublishingIdentity { PlatformAccountId = id, Handle = username ?? id, DisplayName = username }];
    }
}
