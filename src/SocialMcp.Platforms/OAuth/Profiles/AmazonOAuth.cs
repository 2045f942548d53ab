using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.OAuth.Profiles;

/// <summary>Login with Amazon for the Ads API (docs/platforms.md#amazon-oauth).</summary>
internal static class AmazonOAuth
{
    /// <summary><c>Platforms:amazon:Settings:Region</c>: <c>na</c> (default), <c>eu</c> or <c>fe</c>; LWA has a host per region.</summary>
    public const string RegionSetting = "Region";

    public static OAuthProfile Profile(PlatformOptions options)
    {
        var (authorizeHost, tokenHost) = options.Settings.GetValueOrDefault(RegionSetting)?.ToLowerInvariant() switch
        {
            "eu" => ("eu.account.amazon.com", "api.amazon.co.uk"),
            "fe" => ("apac.account.amazon.com", "api.amazon.co.jp"),
            _ => ("www.amazon.com", "api.amazon.com"),
        };
        return new OAuthProfile
        {
            Platform = Platform.Amazon,
            DisplayName = "Amazon",
            AuthorizeUrl = new($"https://{authorizeHost}/ap/oa"),
            TokenUrl = new($"https://{tokenHost}/auth/o2/token"),
            // No LWA revocation endpoint found (unverified).
            RevokeUrl = null,
            Scopes = ["advertising::campaign_management"],
            ScopeSeparator = " ",
            // Supported and optional (3p): sent, since it costs nothing.
            Pkce = PkceKind.S256,
            ClientAuth = ClientAuthStyle.Body,
            // Long-lived refresh token; whether it changes is unverified, so a returned one replaces the old.
            Refresh = RefreshModel.RefreshToken,
            DiscoverIdentitiesAsync = DiscoverAsync,
        };
    }

    /// <summary>One identity per advertiser profile (<c>GET /v2/profiles</c>); the profile id is the <c>Amazon-Advertising-API-Scope</c> the adapter sends.</summary>
    private static async Task<IReadOnlyList<PublishingIdentity>> DiscoverAsync(IdentityLookup lookup, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string> { ["Amazon-Advertising-API-ClientId"] = lookup.ClientId };
        var body = await lookup.GetAsync("v2/profiles", cancellationToken, headers);
        var identities = new List<PublishingIdentity>();
        // The Ads API answers with a bare array; accept a {"profiles": […]} wrapper too.
        var profiles = body.ValueKind == System.Text.Json.JsonValueKind.Array ? IdentityLookup.Items(body) : IdentityLookup.Items(body, "profiles");
        foreach (var profile in profiles)
        {
            if (IdentityLookup.Text(profile, "profileId") is not { } profileId)
                continue;
            var account = IdentityLookup.Object(profile, "accountInfo");
            var name = IdentityLookup.Text(account, "name");
            var country = IdentityLookup.Text(profile, "countryCode");
            var metadata = new Dictionary<string, string> { ["profileId"] = profileId };
            if (country is not null)
                metadata["countryCode"] = country;
            if (IdentityLookup.Text(account, "type") is { } type)
                metadata["accountType"] = type;
            identities.Add(new PublishingIdentity
            {
                PlatformAccountId = profileId,
                Handle = name ?? profileId,
                DisplayName = name is null ? null : country is null ? name : $"{name} ({country})",
                Metadata = metadata,
            });
        }
        return identities;
    }
}
