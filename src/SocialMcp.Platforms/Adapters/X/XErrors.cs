using System.Globalization;
using System.Text.Json;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.X;

/// <summary>
/// Maps X's errors to our taxonomy (docs/platforms.md#x-rate-limits, #x-errors): v2 problem details
/// <c>{"title", "type", "status", "detail", "errors": [{"message", "parameters"}]}</c> and the legacy
/// <c>{"errors": [{"code", "message"}]}</c>. The platform code is the problem type's last segment
/// (<c>invalid-request</c>, <c>usage-capped</c>), the legacy code, or the HTTP status for <c>about:blank</c>.
/// </summary>
public static class XErrors
{
    public const string ResourceNotFound = "resource-not-found";

    /// <param name="signalledReset">The reset x-rate-limit-reset (or a Retry-After) asked for, if any.</param>
    public static PlatformFailure Map(HttpResponseMessage response, JsonElement? body, DateTimeOffset now, DateTimeOffset? signalledReset, XSettings settings)
    {
        var status = (int)response.StatusCode;
        var problem = Read(body);
        var platformCode = problem.LegacyCode?.ToString(CultureInfo.InvariantCulture)
            ?? (problem.Type is { Length: > 0 } type && type != "about:blank" ? type[(type.LastIndexOf('/') + 1)..] : status.ToString(CultureInfo.InvariantCulture));
        var message = problem.Message;
        var text = (message ?? "").ToLowerInvariant();

        if (status == 401 || problem.LegacyCode is 32 or 89 or 215)
            return new(ErrorCodes.AuthExpired, "The X token expired or was revoked; reconnect the account.", null, platformCode, message);
        if (status == 429 || problem.LegacyCode == 88)
        {
            var dailyReset = DailyCapReset(response);
            if (dailyReset is not null || platformCode == "usage-capped")
                return new(ErrorCodes.QuotaExhausted, "The X app or user used its posting cap for the period.", dailyReset, platformCode, message);
            return new(ErrorCodes.RateLimited, "X is rate limiting this account.", signalledReset ?? now + settings.RateLimitFallbackWait, platformCode, message);
        }
        if (status == 403 || problem.LegacyCode is 186 or 187)
        {
            // A reply whose parent is gone or hidden (docs/platforms.md#replies-x): legacy code 385 says the same.
            if (text.Contains("deleted or not visible", StringComparison.Ordinal) || problem.LegacyCode == 385)
                return new(ErrorCodes.ReplyParentNotFound, "X refused the reply: the post it answers is deleted or not visible to this account.",
                    null, platformCode, message);
            if (text.Contains("duplicate", StringComparison.Ordinal) || problem.LegacyCode == 187)
                return new(ErrorCodes.DuplicateContent, "X refused a post identical to one the account already posted.", null, platformCode, message);
            if (text.Contains("video longer", StringComparison.Ordinal) || text.Contains("not allowed to post a video", StringComparison.Ordinal))
                return new(ErrorCodes.MediaUploadFailed, "The video is longer than this X account may post.", null, platformCode, message);
            if (text.Contains("too long", StringComparison.Ordinal) || text.Contains("shorter", StringComparison.Ordinal) || problem.LegacyCode == 186)
                return new(ErrorCodes.ContentRejected, "X refused the text as too long.", null, platformCode, message);
            return new(ErrorCodes.PermissionMissing, "The X token lacks a scope (tweet.write, media.write) or the app lacks write access; reconnect with them.",
                null, platformCode, message);
        }
        if (status == 400 || problem.LegacyCode == 324)
        {
            if (problem.MentionsReply)
                return new(ErrorCodes.ReplyParentNotFound, "X refused the reply: the id of the post it answers is not valid.", null, platformCode, message);
            return problem.MentionsMedia || problem.LegacyCode == 324
                ? new(ErrorCodes.MediaUploadFailed, "X refused a media file or media id.", null, platformCode, message)
                : new(ErrorCodes.ContentRejected, "X refused the post as invalid.", null, platformCode, message);
        }
        return PlatformErrorClassifier.ByStatus("X", status, platformCode, message);
    }

    /// <summary>When a 24-hour cap (app or user) is spent, the time it resets.</summary>
    private static DateTimeOffset? DailyCapReset(HttpResponseMessage response)
    {
        foreach (var prefix in new[] { "x-app-limit-24hour-", "x-user-limit-24hour-" })
        {
            if (Header(response, prefix + "remaining") == "0"
                && long.TryParse(Header(response, prefix + "reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
                return DateTimeOffset.FromUnixTimeSeconds(epoch);
        }
        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private sealed record Problem(string? Type, string? Message, int? LegacyCode, bool MentionsMedia, bool MentionsReply = false);

    private static Problem Read(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } json)
            return new Problem(null, null, null, false);
        var reply = false;
        var parts = new List<string>();
        if (JsonProbe.Text(json, "detail") is { Length: > 0 } detail)
            parts.Add(detail);
        int? legacy = null;
        var media = false;
        if (json.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object)
                    continue;
                if (JsonProbe.Text(error, "message") is { Length: > 0 } m)
                    parts.Add(m);
                if (error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var number))
                    legacy ??= number;
                if (error.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
                {
                    media |= parameters.EnumerateObject().Any(p => p.Name.StartsWith("media", StringComparison.Ordinal));
                    reply |= parameters.EnumerateObject().Any(p => p.Name.StartsWith("reply", StringComparison.Ordinal));
                }
            }
        }
        var message = parts.Count == 0 ? JsonProbe.Text(json, "title") : string.Join(" ", parts.Distinct());
        media |= message?.Contains("media", StringComparison.OrdinalIgnoreCase) == true;
        return new Problem(JsonProbe.Text(json, "type"), message, legacy, media, reply);
    }
}
