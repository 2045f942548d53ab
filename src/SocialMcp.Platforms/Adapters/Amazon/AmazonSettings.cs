using System.Globalization;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Amazon;

/// <summary>
/// Amazon Posts values from <c>Platforms:amazon:Settings:*</c> (docs/platforms.md#amazon-settings). <c>ClientId</c> is the Login with
/// Amazon client id sent as <c>Amazon-Advertising-API-ClientId</c> on every call; it has no default but <c>Platforms:amazon:ClientId</c>.
/// </summary>
internal sealed record AmazonSettings(
    string? ClientId,
    int MaxProducts,
    int MaxVersionConflictRetries,
    string AssetSubType,
    string? PostUrlTemplate)
{
    public const string PostMediaType = "application/vnd.bpPost.v2+json";
    public const string ProfileMediaType = "application/vnd.bpProfile.v2+json";
    public const string AssetUploadResponseMediaType = "application/vnd.creativeassetsuploadresponse.v3+json";
    public const string AssetRegisterResponseMediaType = "application/vnd.creativeassetsregisterresponse.v3+json";
    public const string AssetGetResponseMediaType = "application/vnd.creativeassetsgetresponse.v3+json";

    public static AmazonSettings From(PlatformOptions options)
    {
        var s = options.Settings;
        return new AmazonSettings(
            // The OAuth client id (Platforms:amazon:ClientId) is the same Login with Amazon id: one setting serves both.
            ClientId: s.GetValueOrDefault("ClientId") is { Length: > 0 } clientId ? clientId
                : options.ClientId is { Length: > 0 } oauthClientId ? oauthClientId : null,
            // Up to five products (ASINs) per post (off.).
            MaxProducts: Number(s, "MaxProducts", 5),
            // How often to re-read the version and try again when someone else moved the post meanwhile.
            MaxVersionConflictRetries: Number(s, "MaxVersionConflictRetries", 3),
            AssetSubType: s.GetValueOrDefault("AssetSubType") ?? "LIFESTYLE_IMAGE",
            // Amazon returns no public URL for a post (unverified, docs/platforms.md#amazon-publish-flow); a deployment may know its brand page's.
            PostUrlTemplate: s.GetValueOrDefault("PostUrlTemplate") is { Length: > 0 } template ? template : null);
    }

    private static int Number(Dictionary<string, string> settings, string name, int fallback) =>
        settings.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
