using System.Globalization;
using System.Net;
using System.Text.Json;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Instagram;

/// <summary>
/// Meta's Graph error envelope, shared by Instagram and Threads (docs/platforms.md#instagram-errors, off.; #threads-errors assumed the same):
/// <c>{"error": {"message", "type", "code", "error_subcode", "error_user_title", "error_user_msg", "is_transient", "fbtrace_id"}}</c>.
/// </summary>
public sealed record GraphApiError(int? Code, int? Subcode, string? Type, string? Message, string? UserMessage, bool IsTransient)
{
    /// <summary>"190", or "36000/2207004" when there is a subcode: what we keep as the platform's own code.</summary>
    public string PlatformCode => Subcode is { } subcode
        ? $"{Code?.ToString(CultureInfo.InvariantCulture)}/{subcode.ToString(CultureInfo.InvariantCulture)}"
        : Code?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>The message written for people when Meta gives one, the developer message otherwise.</summary>
    public string? PlatformMessage => string.IsNullOrWhiteSpace(UserMessage) ? Message : UserMessage;

    public static GraphApiError? From(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("error", out var error)
            || error.ValueKind != JsonValueKind.Object)
            return null;
        return new GraphApiError(
            JsonProbe.Int(error, "code"), JsonProbe.Int(error, "error_subcode"), JsonProbe.Text(error, "type"), JsonProbe.Text(error, "message"),
            JsonProbe.Text(error, "error_user_msg"),
            JsonProbe.IsTrue(error, "is_transient"));
    }

    /// <summary>"Object does not exist" (code 100, subcode 33): a container or post the platform no longer knows.</summary>
    public static bool IsUnknownObject(PlatformFailure failure) => failure.PlatformCode == "100/33";
}

/// <summary>
/// Maps Graph errors (status + envelope) to our taxonomy. Codes from docs/platforms.md#instagram-rate-limits, #instagram-errors and Meta's Instagram
/// error-code table: 190 token; 10 and 200–299 permission; 4/17/32/341/613 and 800xx throttling; 9 (2207042) the
/// publishing limit; 36000 and the 2207xxx media subcodes media problems; 506 duplicate; 1/2 and 5xx transient.
/// </summary>
public static class GraphErrorMapper
{
    private static readonly HashSet<int> ThrottleCodes = [4, 17, 32, 341, 613];

    // Subcodes about the media itself (Instagram error-code table, off.): download timeout, too large, container
    // expired, unknown upload error, thumbnail offset.
    private static readonly HashSet<int> MediaSubcodes = [2207003, 2207004, 2207020, 2207053, 2207057];

    public static PlatformFailure Map(string platform, HttpResponseMessage response, JsonElement? body, DateTimeOffset now,
        DateTimeOffset? signalledReset, GraphSettings settings)
    {
        var error = GraphApiError.From(body);
        if (error?.Code is not { } code)
            return ByStatus(platform, response.StatusCode, now, signalledReset, settings);

        var platformCode = error.PlatformCode;
        var message = error.PlatformMessage;
        PlatformFailure Failure(string ours, string text, DateTimeOffset? retryAfter = null) => new(ours, text, retryAfter, platformCode, message);

        if (code is 190 or 102)
            return Failure(ErrorCodes.AuthExpired, $"The {platform} access token has expired or was revoked; reconnect the account.");
        if (error.Subcode == 2207050)
            return Failure(ErrorCodes.PermissionMissing, $"The {platform} account is inactive, checkpointed or restricted; sign in to the app, complete what it asks, then retry.");
        if (code is 10 or (>= 200 and <= 299) || (code == 100 && error.Subcode == 33))
            return Failure(ErrorCodes.PermissionMissing, $"The {platform} token lacks a permission this call needs (or cannot act on this account); reconnect granting the publishing permissions.");
        if (code == 4 && error.Subcode == 2207051)
            return Failure(ErrorCodes.ContentRejected, $"{platform} suspects this publishing action of being spam and restricted it; change the content or appeal in the app.");
        if (code == 368)
            return Failure(ErrorCodes.ContentRejected, $"{platform} temporarily blocks this account from posting for a policy reason.");
        if (code == 9 || error.Subcode == 2207042)
            return Failure(ErrorCodes.QuotaExhausted,
                $"The {platform} account reached its daily limit for this action through the API (posts published, or deleted); a slot frees up by the retry time at the latest.",
                now + settings.PublishingLimitWindow);
        if (ThrottleCodes.Contains(code) || code is >= 80000 and < 80100)
            return Failure(ErrorCodes.RateLimited, $"{platform} is throttling calls for this app or account; try again after the retry time.",
                signalledReset ?? now + settings.RateLimitFallbackWait);
        if (code == 506)
            return Failure(ErrorCodes.DuplicateContent, $"{platform} rejected the post as a duplicate of a recent one.");
        if (code == 36000 || code == -2 || error.Subcode is { } subcode && MediaSubcodes.Contains(subcode))
            return Failure(ErrorCodes.MediaUploadFailed, $"{platform} could not use the media: check that each URL is public, fast and within the size and format limits.");
        if (error.IsTransient || code is 1 or 2 or -1 or 9007 || (int)response.StatusCode >= 500)
            return Failure(ErrorCodes.PlatformError, $"{platform} failed temporarily; try again later.");
        if (code == 100 || response.StatusCode == HttpStatusCode.BadRequest)
            return Failure(ErrorCodes.ContentRejected, $"{platform} rejected the post's content or parameters.");
        return Failure(ErrorCodes.PlatformError, $"{platform} answered with an unexpected error.");
    }

    private static PlatformFailure ByStatus(string platform, HttpStatusCode status, DateTimeOffset now, DateTimeOffset? signalledReset, GraphSettings settings) =>
        PlatformErrorClassifier.ByStatus(platform, (int)status, retryAt: signalledReset ?? now + settings.RateLimitFallbackWait);
}

/// <summary>
/// Meta's usage headers, shared by Instagram, Facebook and Threads. Once an app or business is throttled,
/// <c>X-Business-Use-Case-Usage</c> (and, for some tokens, <c>X-Ad-Account-Usage</c> or <c>X-App-Usage</c>) carries
/// <c>estimated_time_to_regain_access</c> in minutes, nested per business and use case (header names off., fields
/// unverified, docs/platforms.md#instagram-rate-limits, #facebook-rate-limits).
/// </summary>
public static class GraphUsageHeaders
{
    public const string BusinessUseCaseUsage = "X-Business-Use-Case-Usage";

    private static readonly string[] s_usageHeaders = [BusinessUseCaseUsage, "X-Ad-Account-Usage", "X-App-Usage"];

    /// <summary>When access comes back: now plus the longest wait any usage header names; null when none names one.</summary>
    public static DateTimeOffset? RegainAccessAt(HttpResponseMessage response, DateTimeOffset now)
    {
        double? longest = null;
        foreach (var header in s_usageHeaders)
        {
            if (!response.Headers.TryGetValues(header, out var values))
                continue;
            foreach (var value in values)
            {
                try
                {
                    using var usage = JsonDocument.Parse(value);
                    foreach (var minutes in RegainMinutes(usage.RootElement))
                        longest = Math.Max(longest ?? 0, minutes);
                }
                catch (JsonException)
                {
                    // A header we cannot read is no signal; the caller falls back to its default wait.
                }
            }
        }
        return longest is > 0 ? now.AddMinutes(longest.Value) : null;
    }

    private static IEnumerable<double> RegainMinutes(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "estimated_time_to_regain_access" && property.Value.TryGetDouble(out var minutes))
                        yield return minutes;
                    else
                        foreach (var nested in RegainMinutes(property.Value))
                            yield return nested;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var nested in RegainMinutes(item))
                        yield return nested;
                break;
        }
    }
}
