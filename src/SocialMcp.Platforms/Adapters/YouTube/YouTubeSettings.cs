using System.Globalization;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.YouTube;

/// <summary>
/// YouTube's values from <c>Platforms:youtube:Settings:*</c>, each defaulting to the documented value
/// (docs/platforms.md#youtube-settings). A post's own settings (title, privacyStatus, …) win over the defaults here.
/// </summary>
internal sealed record YouTubeSettings(
    string DefaultPrivacyStatus,
    string? DefaultCategoryId,
    int MaxTitleLength,
    long UploadChunkBytes,
    string VideoUrlFormat,
    TimeZoneInfo QuotaTimeZone,
    TimeSpan RateLimitBackoff,
    TimeSpan UploadLimitRetryAfter,
    TimeSpan? MediaDownloadTimeout)
{
    /// <summary>Resumable chunks other than the last are multiples of 256 KiB (unverified, Google's upload guides).</summary>
    public const long ChunkGranularity = 256 * 1024;

    public static YouTubeSettings From(PlatformOptions options)
    {
        var chunk = long.TryParse(Read(options, "UploadChunkBytes"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) ? bytes : 8 * 1024 * 1024;
        return new YouTubeSettings(
            // public | unlisted | private (off.); an unaudited API project's uploads end up private whatever is asked.
            DefaultPrivacyStatus: Read(options, "DefaultPrivacyStatus") ?? "public",
            // Optional in videos.insert; when set, every upload without a categoryId gets this one.
            DefaultCategoryId: Read(options, "DefaultCategoryId"),
            // snippet.title ≤ 100 characters (off.): only used to cut a title taken from the post's first line.
            MaxTitleLength: int.TryParse(Read(options, "MaxTitleLength"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var title) && title > 0 ? title : 100,
            UploadChunkBytes: Math.Max(ChunkGranularity, chunk / ChunkGranularity * ChunkGranularity),
            // The watch URL (standard, unverified as API output).
            VideoUrlFormat: Read(options, "VideoUrlFormat") ?? "https://www.youtube.com/watch?v={0}",
            // The project's daily quota resets at midnight Pacific time (off.).
            QuotaTimeZone: ZoneOrPacific(Read(options, "QuotaTimeZone")),
            // rateLimitExceeded carries no documented Retry-After (unverified): wait this long unless the answer says.
            RateLimitBackoff: ReadTime(options, "RateLimitBackoff") ?? TimeSpan.FromMinutes(15),
            // uploadLimitExceeded: the channel's daily upload cap — "try again in 24 hours" (off. developer news, 3p).
            UploadLimitRetryAfter: ReadTime(options, "UploadLimitRetryAfter") ?? TimeSpan.FromHours(24),
            MediaDownloadTimeout: ReadTime(options, "MediaDownloadTimeout"));
    }

    /// <summary>The next midnight in the quota's time zone, when the project's daily units come back.</summary>
    public DateTimeOffset NextQuotaReset(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, QuotaTimeZone);
        var midnight = local.Date.AddDays(1);
        return new DateTimeOffset(midnight, QuotaTimeZone.GetUtcOffset(midnight));
    }

    private static TimeZoneInfo ZoneOrPacific(string? id)
    {
        foreach (var candidate in new[] { id, "America/Los_Angeles" })
        {
            if (candidate is not null && TimeZoneInfo.TryFindSystemTimeZoneById(candidate, out var zone))
                return zone;
        }
        // No time zone data on this machine: Pacific standard time, an hour late in summer.
        return TimeZoneInfo.CreateCustomTimeZone("Pacific", TimeSpan.FromHours(-8), "Pacific", "Pacific");
    }

    private static string? Read(PlatformOptions options, string key) =>
        options.Settings.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } value ? value : null;

    private static TimeSpan? ReadTime(PlatformOptions options, string key) =>
        TimeSpan.TryParse(Read(options, key), CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero ? value : null;
}
