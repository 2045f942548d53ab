using System.Globalization;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.LinkedIn;

/// <summary>
/// LinkedIn's values from <c>Platforms:linkedin:Settings:*</c>, each defaulting to the documented value
/// (docs/platforms.md#linkedin-settings).
/// </summary>
internal sealed record LinkedInSettings(
    string Version,
    string RestliProtocolVersion,
    string Visibility,
    string PostUrlFormat,
    int ReconcilePageSize,
    int ReconcileMaxPages,
    TimeSpan ReconcileClockSkew,
    TimeSpan? MediaDownloadTimeout)
{
    /// <summary>
    /// <c>LinkedIn-Version: YYYYMM</c> (off.). Versions are sunset about a year after release, so this needs a bump
    /// now and then; the default is the release current when this adapter was written.
    /// </summary>
    public const string DefaultVersion = "202511";

    public static LinkedInSettings From(PlatformOptions options) => new(
        Version: Read(options, "LinkedInVersion") ?? DefaultVersion,
        // The Posts API speaks Rest.li 2.0 (off.).
        RestliProtocolVersion: Read(options, "RestliProtocolVersion") ?? "2.0.0",
        // PUBLIC or CONNECTIONS (off.); a post's settings.visibility wins.
        Visibility: Read(options, "Visibility") ?? "PUBLIC",
        // The feed/update permalink (off., DMA docs example).
        PostUrlFormat: Read(options, "PostUrlFormat") ?? "https://www.linkedin.com/feed/update/{0}",
        // Reconciling an ambiguous create pages back through the author's posts: this many a page (the finder's count,
        // at most 100), and at most this many pages before a person has to look.
        ReconcilePageSize: int.TryParse(Read(options, "ReconcilePageSize"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size > 0 ? Math.Min(size, 100) : 50,
        ReconcileMaxPages: int.TryParse(Read(options, "ReconcileMaxPages"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pages) && pages > 0 ? pages : 10,
        // A post found while reconciling counts as ours if created no earlier than our first attempt minus this.
        ReconcileClockSkew: ReadTime(options, "ReconcileClockSkew") ?? TimeSpan.FromMinutes(5),
        MediaDownloadTimeout: ReadTime(options, "MediaDownloadTimeout"));

    private static string? Read(PlatformOptions options, string key) =>
        options.Settings.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } value ? value : null;

    private static TimeSpan? ReadTime(PlatformOptions options, string key) =>
        TimeSpan.TryParse(Read(options, key), CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero ? value : null;
}
