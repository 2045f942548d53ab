using System.Net;
using System.Text.Json;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Facebook;

/// <summary>
/// Maps the Meta error envelope <c>{"error": {"code", "error_subcode", "message", "is_transient", …}}</c> and the
/// upload host's <c>{"debug_info": …}</c> to our taxonomy (docs/platforms.md#instagram-errors, #facebook-rate-limits, #facebook-errors). The platform code is kept
/// as <c>code</c> or <c>code/subcode</c>.
/// </summary>
public static class FacebookErrors
{
    /// <summary>"Object does not exist, cannot be loaded or does not support this operation" (code 100, subcode 33).</summary>
    public const string ObjectMissing = "100/33";

    private static readonly HashSet<int> TokenCodes = [102, 190, 2500];
    private static readonly HashSet<int> TokenSubcodes = [458, 459, 460, 463, 464, 467, 490];
    private static readonly HashSet<int> ThrottleCodes = [4, 17, 32, 341, 613];
    private static readonly HashSet<int> MediaCodes = [324, 351, 352, 6000];
    private static readonly HashSet<int> MediaSubcodes = [1366046, 2207003, 2207004, 2207020, 2207032, 2207053];

    /// <param name="signalledReset">The reset a Retry-After header asked for, if any.</param>
    public static PlatformFailure Map(HttpResponseMessage response, JsonElement? body, DateTimeOffset now, DateTimeOffset? signalledReset, FacebookSettings settings)
    {
        var status = (int)response.StatusCode;
        if (body is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            return FromEnvelope(response, error, now, signalledReset, settings);
        if (body is { ValueKind: JsonValueKind.Object } upload && upload.TryGetProperty("debug_info", out var debug) && debug.ValueKind == JsonValueKind.Object)
        {
            var message = Str(debug, "message");
            var type = Str(debug, "type");
            return debug.TryGetProperty("retriable", out var retriable) && retriable.ValueKind == JsonValueKind.True
                ? PlatformFailure.Transient("facebook", type, message)
                : new PlatformFailure(ErrorCodes.MediaUploadFailed, "Facebook could not take the video file; check that its URL is public and the file is a valid MP4.", null, type, message);
        }
        return status switch
        {
            401 => new PlatformFailure(ErrorCodes.AuthExpired, "The Facebook Page token expired or was revoked; reconnect the account.", null, "401"),
            403 => new PlatformFailure(ErrorCodes.PermissionMissing, "Facebook refused the call: the Page token lacks a permission.", null, "403"),
            429 => RateLimited(response, now, signalledReset, settings, "429", null),
            >= 500 => PlatformFailure.Transient("facebook", status.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => new PlatformFailure(ErrorCodes.PlatformError, $"Facebook answered HTTP {status}.", null, status.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
    }

    private static PlatformFailure FromEnvelope(HttpResponseMessage response, JsonElement error, DateTimeOffset now, DateTimeOffset? signalledReset, FacebookSettings settings)
    {
        var code = Int(error, "code") ?? 0;
        var subcode = Int(error, "error_subcode");
        var platformCode = subcode is null ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{code}/{subcode}";
        var message = Str(error, "error_user_msg") is { Length: > 0 } userMessage ? $"{Str(error, "message")} {userMessage}".Trim() : Str(error, "message");
        var transient = error.TryGetProperty("is_transient", out var flag) && flag.ValueKind == JsonValueKind.True;

        if (TokenCodes.Contains(code) || subcode is { } s && TokenSubcodes.Contains(s))
            return new(ErrorCodes.AuthExpired, "The Facebook Page token expired or was revoked; reconnect the account.", null, platformCode, message);
        if (code == 10 || code is >= 200 and <= 299 || subcode == 1404078)
            return new(ErrorCodes.PermissionMissing, "The Facebook Page token lacks a permission (pages_manage_posts, publish_video) or a role on the Page; reconnect with them.", null, platformCode, message);
        if (code == 506)
            return new(ErrorCodes.DuplicateContent, "Facebook refused a post identical to the Page's previous one.", null, platformCode, message);
        if (ThrottleCodes.Contains(code) || code is >= 80000 and <= 80014 || code == 368 && subcode == 1390008 || response.StatusCode == HttpStatusCode.TooManyRequests)
            return RateLimited(response, now, signalledReset, settings, platformCode, message);
        if (code == 9)
            return new(ErrorCodes.QuotaExhausted, "The Page reached Facebook's publishing cap for the last 24 hours (30 reels).", now + settings.QuotaWindow, platformCode, message);
        if (code == 368)
            return new(ErrorCodes.ContentRejected, "Facebook blocked the post under its policies (the Page is temporarily restricted).", null, platformCode, message);
        if (MediaCodes.Contains(code) || subcode is { } m && MediaSubcodes.Contains(m))
            return new(ErrorCodes.MediaUploadFailed, "Facebook could not use a media file: check that its URL is public and that it fits Facebook's limits.", null, platformCode, message);
        if (code == 100 && subcode == 33)
            return new(ErrorCodes.PlatformError, "The Facebook object does not exist (or is no longer visible to this Page).", null, platformCode, message);
        if (code == 100)
            return new(ErrorCodes.ContentRejected, "Facebook refused the post's content as invalid.", null, platformCode, message);
        if (transient || code is 1 or 2 || (int)response.StatusCode >= 500)
            return PlatformFailure.Transient("Facebook", platformCode, message);
        return new(ErrorCodes.PlatformError, "Facebook refused the call.", null, platformCode, message);
    }

    /// <summary>
    /// The reset is the Retry-After when there is one, else the longest <c>estimated_time_to_regain_access</c> (minutes)
    /// of the usage headers, else the end of the rolling hour the platform limits are counted over.
    /// </summary>
    private static PlatformFailure RateLimited(HttpResponseMessage response, DateTimeOffset now, DateTimeOffset? signalledReset, FacebookSettings settings,
        string platformCode, string? message)
    {
        var reset = signalledReset
            ?? (RegainMinutes(response) is { } minutes ? now.AddMinutes(minutes) : now + settings.RateLimitFallbackWait);
        return new(ErrorCodes.RateLimited, "Facebook is throttling calls for this Page or app.", reset, platformCode, message);
    }

    private static double? RegainMinutes(HttpResponseMessage response)
    {
        double? longest = null;
        foreach (var header in new[] { "X-Business-Use-Case-Usage", "X-Ad-Account-Usage", "X-App-Usage" })
        {
            if (!response.Headers.TryGetValues(header, out var values))
                continue;
            foreach (var value in values)
            {
                try
                {
                    using var usage = JsonDocument.Parse(value);
                    foreach (var minutes in RegainValues(usage.RootElement))
                        longest = Math.Max(longest ?? 0, minutes);
                }
                catch (JsonException)
                {
                    // A malformed usage header only costs us its hint.
                }
            }
        }
        return longest is > 0 ? longest : null;
    }

    private static IEnumerable<double> RegainValues(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "estimated_time_to_regain_access" && property.Value.TryGetDouble(out var minutes))
                        yield return minutes;
                    else
                        foreach (var nested in RegainValues(property.Value))
                            yield return nested;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var nested in RegainValues(item))
                        yield return nested;
                break;
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
