using System.Text.Json;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.TikTok;

/// <summary>
/// TikTok's envelope <c>{"data": {…}, "error": {"code", "message", "log_id"}}</c> (docs/platforms.md#tiktok-errors) and its codes in our
/// taxonomy. The code decides, not the HTTP status: some refusals (spam_risk_*) arrive with HTTP 200, and a missing
/// scope arrives as 401 like an expired token.
/// </summary>
internal static class TikTokErrors
{
    public const string Ok = "ok";

    /// <summary>The envelope's error code, message and log id (null code when the body has no envelope).</summary>
    public static (string? Code, string Message, string? LogId) Read(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } b || !b.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            return (null, "", null);
        return (JsonProbe.Text(error, "code"), JsonProbe.Text(error, "message") ?? "", JsonProbe.Text(error, "log_id"));
    }

    public static PlatformFailure Map(int status, string? code, string message, string? logId, DateTimeOffset? signalledReset,
        DateTimeOffset now, TikTokSettings settings)
    {
        var platformMessage = string.IsNullOrEmpty(logId) ? message : $"{message} (log_id {logId})";
        PlatformFailure Failure(string ours, string text, DateTimeOffset? retryAfter = null) =>
            new(ours, text, retryAfter, code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture), platformMessage);

        switch (code)
        {
            case "access_token_invalid":
                return Failure(ErrorCodes.AuthExpired, "The TikTok token is invalid, expired or revoked; reconnect the account.");
            case "scope_not_authorized" or "scope_permission_missed":
                return Failure(ErrorCodes.PermissionMissing, "The TikTok account did not grant the scope this needs (video.publish); reconnect it with that scope.");
            case "unaudited_client_can_only_post_to_private_accounts":
                return Failure(ErrorCodes.PermissionMissing,
                    "This app is not audited by TikTok yet: it may only post with privacyLevel SELF_ONLY to private accounts.");
            case "rate_limit_exceeded":
                return Failure(ErrorCodes.RateLimited, "TikTok's per-minute limit for this account was reached.", signalledReset ?? now + settings.RateLimitWindow);
            case "spam_risk_too_many_posts":
                return Failure(ErrorCodes.RateLimited, "The TikTok account reached its daily posting cap.", now + settings.PostCapWindow);
            case "spam_risk_too_many_pending_share":
                return Failure(ErrorCodes.RateLimited, "The TikTok account has too many unfinished uploads; wait until they finish or expire.",
                    now + settings.PendingShareWait);
            case "spam_risk_user_banned_from_posting":
                return Failure(ErrorCodes.ContentRejected, "TikTok has banned this account from posting.");
            case { } spam when spam.StartsWith("spam_risk", StringComparison.Ordinal):
                return Failure(ErrorCodes.ContentRejected, "TikTok refused the post as a spam risk.");
            case "privacy_level_option_mismatch":
                return Failure(ErrorCodes.ContentRejected, "The privacy level is not one this TikTok account offers.");
            case "invalid_params":
                return Failure(ErrorCodes.ContentRejected, "TikTok refused the post's fields.");
            case "invalid_file_upload" or "url_ownership_unverified" or "file_format_check_failed" or "duration_check_failed"
                or "frame_rate_check_failed" or "picture_size_check_failed" or "video_pull_failed" or "photo_pull_failed":
                return Failure(ErrorCodes.MediaUploadFailed, code == "url_ownership_unverified"
                    ? "TikTok may only pull media from URL prefixes verified for this app; host the media there."
                    : "TikTok could not take the media.");
            case "internal_error":
                return Failure(ErrorCodes.PlatformError, "TikTok failed internally; try again later.");
        }

        return status is 400 or 422
            ? Failure(ErrorCodes.ContentRejected, "TikTok refused the post.")
            : PlatformErrorClassifier.ByStatus("TikTok", status, code, platformMessage, signalledReset ?? now + settings.RateLimitWindow);
    }

    /// <summary>A publish that ended FAILED, by its fail_reason.</summary>
    public static PlatformFailure FromFailReason(string? reason)
    {
        var code = reason ?? "FAILED";
        if (reason is not null && reason.StartsWith("spam_risk", StringComparison.Ordinal))
            return new PlatformFailure(ErrorCodes.ContentRejected, "TikTok refused the post during processing.", null, code, reason);
        if (reason is "auth_removed" or "publish_cancelled")
            return new PlatformFailure(ErrorCodes.AuthExpired, "The creator removed the app's access before TikTok finished the post.", null, code, reason);
        if (reason is "internal")
            return PlatformFailure.Transient("tiktok", code, reason);
        return new PlatformFailure(ErrorCodes.MediaUploadFailed, "TikTok could not process the media.", null, code, reason);
    }
}
