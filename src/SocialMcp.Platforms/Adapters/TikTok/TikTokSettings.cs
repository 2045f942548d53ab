using System.Globalization;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.TikTok;

/// <summary>
/// TikTok's numbers, from <c>Platforms:tiktok:Settings:*</c> with the documented values as defaults (docs/platforms.md#tiktok-settings).
/// Polling uses the common PollInterval/MaxPolls.
/// </summary>
internal sealed record TikTokSettings(
    TimeSpan RateLimitWindow,
    TimeSpan PostCapWindow,
    TimeSpan PendingShareWait,
    TimeSpan UnconfirmedInitWindow,
    TimeSpan ReconcileClockSkew,
    int MaxPhotos,
    int VideoListPageSize,
    bool ReconcileWithVideoList,
    string? DefaultPrivacyLevel,
    string VideoUrlTemplate,
    string PhotoUrlTemplate)
{
    public static TikTokSettings From(PlatformOptions options)
    {
        var s = options.Settings;
        return new TikTokSettings(
            // Limits are per token per minute (off.), and TikTok sends no reset header.
            RateLimitWindow: Duration(s, "RateLimitWindow", TimeSpan.FromMinutes(1)),
            // spam_risk_too_many_posts: a daily cap (≈15 posts per creator, 3p); the window's start is not published.
            PostCapWindow: Duration(s, "PostCapWindow", TimeSpan.FromHours(24)),
            // spam_risk_too_many_pending_share: unfinished uploads expire with their upload URL (~1 h, 3p).
            PendingShareWait: Duration(s, "PendingShareWait", TimeSpan.FromHours(1)),
            // After an init whose answer was lost, how long to keep looking for the post before creating it again.
            UnconfirmedInitWindow: Duration(s, "UnconfirmedInitWindow", TimeSpan.FromHours(1)),
            ReconcileClockSkew: Duration(s, "ReconcileClockSkew", TimeSpan.FromMinutes(5)),
            MaxPhotos: Number(s, "MaxPhotos", 35),
            VideoListPageSize: Number(s, "VideoListPageSize", 20),
            ReconcileWithVideoList: !string.Equals(s.GetValueOrDefault("ReconcileWithVideoList"), "false", StringComparison.OrdinalIgnoreCase),
            DefaultPrivacyLevel: s.GetValueOrDefault("DefaultPrivacyLevel") is { Length: > 0 } level ? level : null,
            // The permalink pattern is unverified (docs/platforms.md#tiktok-publish-flow); the video list's share_url wins when we have it.
            VideoUrlTemplate: s.GetValueOrDefault("VideoUrlTemplate") ?? "https://www.tiktok.com/@{username}/video/{id}",
            PhotoUrlTemplate: s.GetValueOrDefault("PhotoUrlTemplate") ?? "https://www.tiktok.com/@{username}/photo/{id}");
    }

    private static TimeSpan Duration(Dictionary<string, string> settings, string name, TimeSpan fallback) =>
        settings.TryGetValue(name, out var text) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static int Number(Dictionary<string, string> settings, string name, int fallback) =>
        settings.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
