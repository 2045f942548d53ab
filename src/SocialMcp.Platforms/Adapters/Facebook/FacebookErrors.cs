using System.Net;
using System.Text.Json;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Adapters.Instagram;
using SocialMcp.Platforms.Adapters.Shared;
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
        if (GraphApiError.From(body) is { } error)
            return FromEnvelope(response, error, now, signalledReset, settings);
        if (body is { ValueKind: JsonValueKind.Object } upload && upload.TryGetProperty("debug_info", out var debug) && debug.ValueKind == JsonValueKind.Object)
        {
            var message = JsonProbe.Text(debug, "message");
            var type = JsonProbe.Text(debug, "type");
            return debug.TryGetProperty("retriable", out var retriable) && retriable.ValueKind == JsonValueKind.True
                ? PlatformFailure.Transient("facebook", type, message)
                : new PlatformFailure(ErrorCodes.MediaUploadFailed, "Facebook could not take the video file; check that its URL is public and the file is a valid MP4.", null, type, message);
        }
        return status == 429
            ? RateLimited(response, now, signalledReset, settings, "429", null)
            : PlatformErrorClassifier.ByStatus("Facebook", status);
    }

    private static PlatformFailure FromEnvelope(HttpResponseMessage response, GraphApiError error, DateTimeOffset now, DateTimeOffset? signalledReset, FacebookSettings settings)
    {
        var code = error.Code ?? 0;
        var subcode = error.Subcode;
        var platformCode = subcode is null ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{code}/{subcode}";
        var message = error.UserMessage is { Length: > 0 } userMessage ? $"{error.Message} {userMessage}".Trim() : error.Message;
        var transient = error.IsTransient;

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
            ?? GraphUsageHeaders.RegainAccessAt(response, now)
            ?? now + settings.RateLimitFallbackWait;
        return new(ErrorCodes.RateLimited, "Facebook is throttling calls for this Page or app.", reset, platformCode, message);
    }
}
