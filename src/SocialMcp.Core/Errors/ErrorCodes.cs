namespace SocialMcp.Core.Errors;

/// <summary>
/// Stable, machine-readable error codes. Agents branch on these, so a code is never renamed;
/// llm.txt documents each one (a test keeps the two in step).
/// </summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string NoPlatformsSelected = "NO_PLATFORMS_SELECTED";
    public const string PlatformNotConnected = "PLATFORM_NOT_CONNECTED";
    public const string ContentTooLong = "CONTENT_TOO_LONG";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string UnsupportedMediaConfig = "UNSUPPORTED_MEDIA_CONFIG";
    public const string InvalidPlacement = "INVALID_PLACEMENT";
    public const string MixedMediaNotSupported = "MIXED_MEDIA_NOT_SUPPORTED";
    public const string InvalidScheduleTime = "INVALID_SCHEDULE_TIME";
    public const string PostNotFound = "POST_NOT_FOUND";
    public const string PlatformSetNotFound = "PLATFORM_SET_NOT_FOUND";
    public const string InvalidStatusTransition = "INVALID_STATUS_TRANSITION";
    public const string VersionConflict = "VERSION_CONFLICT";
    public const string ScheduleLimitReached = "SCHEDULE_LIMIT_REACHED";
    public const string RateLimited = "RATE_LIMITED";
    public const string MediaUploadFailed = "MEDIA_UPLOAD_FAILED";
    public const string PlatformError = "PLATFORM_ERROR";
    public const string AuthExpired = "AUTH_EXPIRED";
    public const string WithdrawNotSupported = "WITHDRAW_NOT_SUPPORTED";
    public const string PermissionMissing = "PERMISSION_MISSING";
    public const string ContentRejected = "CONTENT_REJECTED";
    public const string DuplicateContent = "DUPLICATE_CONTENT";
    public const string QuotaExhausted = "QUOTA_EXHAUSTED";
    public const string UnknownTool = "UNKNOWN_TOOL";
    public const string ForbiddenScope = "FORBIDDEN_SCOPE";
    public const string QuotaExceeded = "QUOTA_EXCEEDED";
    public const string PlatformSetNameTaken = "PLATFORM_SET_NAME_TAKEN";
    public const string PlatformSetLimitReached = "PLATFORM_SET_LIMIT_REACHED";
    public const string PlatformSetInUse = "PLATFORM_SET_IN_USE";
    public const string DefaultPlatformSetProtected = "DEFAULT_PLATFORM_SET_PROTECTED";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string PlanChanged = "PLAN_CHANGED";
    public const string PlatformNotConfigured = "PLATFORM_NOT_CONFIGURED";
    public const string ConnectFailed = "CONNECT_FAILED";
    public const string ConnectExpired = "CONNECT_EXPIRED";
    public const string SandboxFallbackRefused = "SANDBOX_FALLBACK_REFUSED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string TargetNotEditable = "TARGET_NOT_EDITABLE";

    // Media library and fetch guard (issue 13). Each joins All, and llm.txt's table, with the code that first raises it.
    public const string MediaUrlForbidden = "MEDIA_URL_FORBIDDEN";
    public const string MediaFetchFailed = "MEDIA_FETCH_FAILED";
    public const string MediaNotFound = "MEDIA_NOT_FOUND";
    public const string MediaInUse = "MEDIA_IN_USE";
    public const string MediaTypeMismatch = "MEDIA_TYPE_MISMATCH";
    public const string MediaTooLarge = "MEDIA_TOO_LARGE";
    public const string MediaNotPublic = "MEDIA_NOT_PUBLIC";

    // Threads, replies, first comments and the queue (issue 15). Each joins All, and llm.txt's table, with the code that first raises it.
    public const string ThreadNotSupported = "THREAD_NOT_SUPPORTED";
    public const string ReplyNotSupported = "REPLY_NOT_SUPPORTED";
    public const string FirstCommentNotSupported = "FIRST_COMMENT_NOT_SUPPORTED";
    public const string ReplyParentNotFound = "REPLY_PARENT_NOT_FOUND";
    public const string NoPostingSchedule = "NO_POSTING_SCHEDULE";
    public const string NoFreeSlot = "NO_FREE_SLOT";

    // Webhooks (issue 16).
    public const string WebhookNotFound = "WEBHOOK_NOT_FOUND";
    public const string WebhookUrlRefused = "WEBHOOK_URL_REFUSED";
    public const string WebhookLimitReached = "WEBHOOK_LIMIT_REACHED";
    public const string WebhookDeliveryNotFound = "WEBHOOK_DELIVERY_NOT_FOUND";

    public static IReadOnlyList<string> All { get; } =
    [
        ValidationFailed, NoPlatformsSelected, PlatformNotConnected, ContentTooLong, UnsupportedMediaType,
        UnsupportedMediaConfig, InvalidPlacement, MixedMediaNotSupported, InvalidScheduleTime, PostNotFound,
        PlatformSetNotFound, InvalidStatusTransition, VersionConflict, ScheduleLimitReached, RateLimited,
        MediaUploadFailed, PlatformError, AuthExpired, WithdrawNotSupported, PermissionMissing, ContentRejected,
        DuplicateContent, QuotaExhausted, UnknownTool, ForbiddenScope, QuotaExceeded,
        PlatformSetNameTaken, PlatformSetLimitReached, PlatformSetInUse, DefaultPlatformSetProtected, IdempotencyKeyReused,
        PlanChanged, PlatformNotConfigured, ConnectFailed, ConnectExpired, SandboxFallbackRefused, InternalError,
        MediaUrlForbidden, MediaFetchFailed,
        MediaNotFound, MediaInUse, MediaTypeMismatch, MediaTooLarge,
        TargetNotEditable, MediaNotPublic,
        ThreadNotSupported, ReplyNotSupported, FirstCommentNotSupported, ReplyParentNotFound,
        NoPostingSchedule, NoFreeSlot,
        WebhookNotFound, WebhookUrlRefused, WebhookLimitReached, WebhookDeliveryNotFound,
    ];
}
