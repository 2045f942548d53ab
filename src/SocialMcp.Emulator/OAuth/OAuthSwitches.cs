using System.Globalization;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.OAuth;

/// <summary>
/// The OAuth failure switches that go through the fault plan (5xx and slow token endpoints), and the parsing of the
/// <c>socialmcp emulator</c> flags that set them and the authority's lifetimes (docs/emulator.md#switches).
/// </summary>
public static class OAuthSwitches
{
    /// <summary>Text in the path of every token-endpoint call of the platform (code exchange, refresh, long-lived exchange).</summary>
    public static string TokenEndpointPathFragment(Platform platform) =>
        platform is Platform.Instagram or Platform.Threads ? "access_token" : "/" + OAuthRoutes.TokenPath(platform);

    /// <summary>The next <paramref name="times"/> token-endpoint calls of the platform answer this status (503 by default).</summary>
    public static void FailTokenEndpoint(this FaultPlan faults, Platform platform, int status = 503, int times = 1) =>
        faults.Enqueue(platform, new Fault.Respond(status, """{"error":"temporarily_unavailable","error_description":"The service is temporarily unavailable."}""")
        {
            PathContains = TokenEndpointPathFragment(platform),
        }, times);

    /// <summary>The next <paramref name="times"/> token-endpoint calls of the platform wait <paramref name="delay"/> (on the emulator's clock) first.</summary>
    public static void DelayTokenEndpoint(this FaultPlan faults, Platform platform, TimeSpan delay, int times = 1) =>
        faults.Enqueue(platform, new Fault.Latency(delay) { PathContains = TokenEndpointPathFragment(platform) }, times);

    /// <summary>A duration as <c>5s</c>, <c>10m</c>, <c>2h</c>, <c>60d</c>, <c>250ms</c> or <c>hh:mm:ss</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var trimmed = text.Trim();
        (string Suffix, Func<double, TimeSpan> Make)[] units =
        [
            ("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours), ("d", TimeSpan.FromDays),
        ];
        foreach (var (suffix, make) in units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(trimmed[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
                return make(amount);
        }
        if (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
            return span;
        throw new FormatException($"'{text}' is not a duration (examples: 5s, 10m, 2h, 60d).");
    }

    /// <summary>A flag value <c>[platform=]value</c>: the platform it is for (null: all) and the value.</summary>
    public static (Platform? Platform, string Value) ParseScoped(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
            return (null, text);
        var name = text[..equals].Trim().ToLowerInvariant();
        if (!PlatformNames.TryParse(name, out var platform))
            throw new FormatException($"'{name}' is not a platform (one of {string.Join(", ", PlatformNames.AllWireNames)}).");
        return (platform, text[(equals + 1)..]);
    }

    public static int ParseCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 0
            ? count
            : throw new FormatException($"'{text}' is not a count.");

    /// <summary>The platforms a scoped flag names: its own, or all of them.</summary>
    public static IReadOnlyList<Platform> PlatformsOf(Platform? platform) => platform is { } one ? [one] : PlatformNames.All;
}
