using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>Google OAuth 2.0 for YouTube (docs/platforms.md#youtube-oauth).</summary>
internal static class YouTubeOAuth
{
    public static OAuthProfile Profile() => new()
    {
        Platform = Platform.YouTube,
        DisplayName = "YouTube",
        AuthorizeUrl = new("https://accounts.google.com/o/oauth2/v2/auth"),
        TokenUrl = new("https://oauth2.googleapis.com/token"),
        RevokeUrl = new("https://oauth2.googleapis.com/revoke"),
        RevokeSendsClient = false,
        // Upload, read back (channels mine=true, playlist items), delete (force-ssl: youtube.upload cannot delete) (off.).
        Scopes =
        [
            "https://www.googleapis.com/auth/youtube.upload",
            "https://www.googleapis.com/auth/youtube.readonly",
            "https://www.googleapis.com/auth/youtube.force-ssl",
        ],
        ScopeSeparator = " ",
        Pkce = PkceKind.S256,
        ClientAuth = ClientAuthStyle.Body,
        // No rotation; the refresh answer usually omits refresh_token, so the old one is kept (off.).
        Refresh = RefreshModel.RefreshToken,
        // offline gives a refresh token; consent makes Google give one again on a reconnect, not only the first time.
        ExtraAuthorizeParameters = new Dictionary<string, string> { ["access_type"] = "offline", ["prompt"] = "consent" },
        DiscoverIdentitiesAsync = DiscoverAsync,
    };

    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var body = await lookup.GetAsync("youtube/v3/channels?part=id,snippet&mine=true", cancellationToken);
        return IdentityLookup.Items(body, "items")
            .Select(channel => (Id: IdentityLookup.Text(channel, "id"), Snippet: IdentityLookup.Object(channel, "snippet")))
            .Where(c => c.Id is not null)
            .Select(c => new PublishingIdentity
            {
                PlatformAccountId = c.Id!,
                Handle = IdentityLookup.Text(c.Snippet, "customUrl") ?? IdentityLookup.Text(c.Snippet, "title") ?? c.Id!,
                DisplayName = IdentityLookup.Text(c.Snippet, "title"),
            })
            .ToArray();
    }
}
