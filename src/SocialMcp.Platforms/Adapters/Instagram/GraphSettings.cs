using System.Globalization;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Instagram;

/// <summary>
/// The platform-specific values of a Graph container adapter, read from <c>Platforms:{platform}:Settings:*</c>
/// with the documented values as defaults. Polling uses the common <see cref="PlatformOptions.PollInterval"/> and
/// <see cref="PlatformOptions.MaxPolls"/>.
/// </summary>
public sealed record GraphSettings(
    bool DeleteEnabled,
    bool CheckPublishingLimit,
    TimeSpan PublishingLimitWindow,
    TimeSpan RateLimitFallbackWait,
    TimeSpan ContainerLifetime,
    int ReconcileScanLimit,
    TimeSpan ReconcileClockSkew)
{
    /// <summary>Settings:DeleteEnabled — whether the platform lets us delete a post (Instagram: disputed, off by default).</summary>
    public const string DeleteEnabledKey = "DeleteEnabled";

    /// <summary>Settings:CheckPublishingLimit — ask the publishing-limit endpoint before creating containers (Meta recommends apps enforce the limit).</summary>
    public const string CheckPublishingLimitKey = "CheckPublishingLimit";

    /// <summary>Settings:PublishingLimitWindowHours — the rolling window of the posts-per-day cap (24 h, off.).</summary>
    public const string PublishingLimitWindowKey = "PublishingLimitWindowHours";

    /// <summary>Settings:RateLimitFallbackMinutes — the wait reported when a throttle error carries no reset signal (unverified; Graph windows are an hour).</summary>
    public const string RateLimitFallbackKey = "RateLimitFallbackMinutes";

    /// <summary>Settings:ContainerLifetimeHours — how long an unpublished container lives (24 h, off.).</summary>
    public const string ContainerLifetimeKey = "ContainerLifetimeHours";

    /// <summary>Settings:ReconcileScanLimit — how many of the account's latest posts to search when a publish response was lost.</summary>
    public const string ReconcileScanLimitKey = "ReconcileScanLimit";

    /// <summary>Settings:ReconcileClockSkewSeconds — how much earlier than our clock a post's timestamp may be and still be ours.</summary>
    public const string ReconcileClockSkewKey = "ReconcileClockSkewSeconds";

    public static GraphSettings From(PlatformOptions options, bool deleteEnabledByDefault)
    {
        var values = options.Settings;
        return new GraphSettings(
            Bool(values, DeleteEnabledKey, deleteEnabledByDefault),
            Bool(values, CheckPublishingLimitKey, true),
            TimeSpan.FromHours(Number(values, PublishingLimitWindowKey, 24)),
            TimeSpan.FromMinutes(Number(values, RateLimitFallbackKey, 60)),
            TimeSpan.FromHours(Number(values, ContainerLifetimeKey, 24)),
            (int)Number(values, ReconcileScanLimitKey, 25),
            TimeSpan.FromSeconds(Number(values, ReconcileClockSkewKey, 300)));
    }

    private static bool Bool(Dictionary<string, string> values, string key, bool fallback) =>
        values.TryGetValue(key, out var text) && bool.TryParse(text, out var value) ? value : fallback;

    private static double Number(Dictionary<string, string> values, string key, double fallback) =>
        values.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : fallback;
}
