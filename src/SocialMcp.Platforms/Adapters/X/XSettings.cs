using System.Globalization;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.X;

/// <summary>
/// X's platform-specific values from <c>Platforms:x:Settings:*</c>, each defaulting to the documented value
/// (docs/platforms.md#x-settings). Status polls use the common <see cref="PlatformOptions.PollInterval"/> and
/// <see cref="PlatformOptions.MaxPolls"/>, waiting what <c>check_after_secs</c> asks but never longer than
/// <see cref="MaxStatusWait"/>.
/// </summary>
public sealed record XSettings(
    int ChunkSizeBytes,
    TimeSpan MaxStatusWait,
    string PostUrlPattern,
    int ReconcileMaxResults,
    int ReconcileMaxPages,
    TimeSpan ReconcileClockSkew,
    TimeSpan MediaExpiryMargin,
    string ImageCategory,
    string GifCategory,
    string VideoCategory,
    TimeSpan RateLimitFallbackWait)
{
    /// <summary>The largest APPEND segment X accepts (5 MB, off. for v1.1; v2 unverified).</summary>
    public const int MaxChunkSizeBytes = 5 * 1024 * 1024;

    public static XSettings From(PlatformOptions options)
    {
        var s = options.Settings;
        return new XSettings(
            (int)Math.Clamp(Number(s, "ChunkSizeBytes", 4 * 1024 * 1024), 1, MaxChunkSizeBytes),
            TimeSpan.FromSeconds(Number(s, "MaxStatusWaitSeconds", 60)),
            // x.com/{username}/status/{id} is the documented permalink form (docs/platforms.md#x-publish-flow).
            Text(s, "PostUrlPattern", "https://x.com/{username}/status/{id}"),
            // The user timeline returns 5..100 posts per page; reconciling pages back to the attempt, so the largest page
            // costs the fewest reads of a rate-limited endpoint.
            (int)Math.Clamp(Number(s, "ReconcileMaxResults", 100), 5, 100),
            (int)Math.Max(1, Number(s, "ReconcileMaxPages", 10)),
            TimeSpan.FromSeconds(Number(s, "ReconcileClockSkewSeconds", 300)),
            // An uploaded media id is reused on a retry while it has at least this long left (expires_after_secs).
            TimeSpan.FromSeconds(Number(s, "MediaExpiryMarginSeconds", 300)),
            Text(s, "ImageCategory", "tweet_image"),
            Text(s, "GifCategory", "tweet_gif"),
            Text(s, "VideoCategory", "tweet_video"),
            // X's windows are 15 minutes long: the wait when a 429 carries no x-rate-limit-reset.
            TimeSpan.FromMinutes(Number(s, "RateLimitFallbackMinutes", 15)));
    }

    private static string Text(Dictionary<string, string> settings, string key, string fallback) =>
        settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : fallback;

    private static double Number(Dictionary<string, string> settings, string key, double fallback) =>
        settings.TryGetValue(key, out var value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : fallback;
}
