using System.Globalization;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Facebook;

/// <summary>
/// Facebook's platform-specific values from <c>Platforms:facebook:Settings:*</c>, each defaulting to the documented
/// value (docs/platforms.md#facebook-settings). Polling uses the common <see cref="PlatformOptions.PollInterval"/> and
/// <see cref="PlatformOptions.MaxPolls"/>.
/// </summary>
public sealed record FacebookSettings(
    string ReelUrlPattern,
    string PostUrlFallbackPattern,
    Uri WebRoot,
    string VideoHost,
    string UploadUrlPattern,
    TimeSpan ReconcileClockSkew,
    int ReconcilePageSize,
    int ReconcileMaxPages,
    TimeSpan RateLimitFallbackWait,
    TimeSpan QuotaWindow)
{
    public static FacebookSettings From(PlatformOptions options)
    {
        var s = options.Settings;
        return new FacebookSettings(
            // The reel URL pattern (3p) and the permalink fallback when permalink_url cannot be read (unverified).
            Text(s, "ReelUrlPattern", "https://www.facebook.com/reel/{id}"),
            Text(s, "PostUrlFallbackPattern", "https://www.facebook.com/{id}"),
            // permalink_url of videos and reels is relative to the web site.
            new Uri(Text(s, "WebRoot", "https://www.facebook.com/")),
            // Video uploads go to the graph-video host (off.); only used when the API root is graph.facebook.com.
            Text(s, "VideoHost", "graph-video.facebook.com"),
            // Where reel bytes go when the start phase named no upload_url (rupload host, off. name; path unverified).
            Text(s, "UploadUrlPattern", "https://rupload.facebook.com/video-upload/v23.0/{id}"),
            TimeSpan.FromSeconds(Number(s, "ReconcileClockSkewSeconds", 300)),
            // Reconciling pages back through the Page's items since the attempt: 100 a page is the Graph API's largest.
            (int)Math.Clamp(Number(s, "ReconcilePageSize", 100), 1, 100),
            (int)Math.Max(1, Number(s, "ReconcileMaxPages", 10)),
            // Platform rate limits are counted over a rolling hour (off.): the wait when no header says otherwise.
            TimeSpan.FromMinutes(Number(s, "RateLimitFallbackMinutes", 60)),
            // The reels cap is per rolling 24 hours (off.): the latest the quota can come back.
            TimeSpan.FromHours(Number(s, "QuotaWindowHours", 24)));
    }

    private static string Text(Dictionary<string, string> settings, string key, string fallback) =>
        settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : fallback;

    private static double Number(Dictionary<string, string> settings, string key, double fallback) =>
        settings.TryGetValue(key, out var value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : fallback;
}
