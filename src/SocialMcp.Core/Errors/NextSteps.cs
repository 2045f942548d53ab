using System.Globalization;
using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Errors;

/// <summary>What an agent does about a target that did not go out: a stable action to branch on and a sentence to follow.</summary>
public sealed record NextStep(string Action, string Text);

/// <summary>
/// The one next step for every code a target can end with (and for needs_reconciliation, which has no code). Results carry it
/// on each failed target and summaries say it, so an agent never retries what a retry cannot fix. llm.txt's table of error
/// codes has the same actions in its "what to do" column (a test keeps the two in step). The steps follow the taxonomy's
/// "what the caller should do" (docs/platforms.md#common-error-taxonomy).
/// </summary>
public static class NextSteps
{
    /// <summary>Change the content for that platform (text, media, settings, overrides), then publish the failed target again.</summary>
    public const string UpdateThenRetry = "update_post_then_retry";
    public const string ReconnectThenRetry = "reconnect_then_retry";
    public const string FixPermissionsThenRetry = "fix_permissions_then_retry";
    public const string ConnectAccountThenRetry = "connect_account_then_retry";
    public const string ConfigurePlatformThenRetry = "configure_platform_then_retry";
    /// <summary>Nothing to do now: the server retries the target once at the platform's reset time.</summary>
    public const string WaitForAutoRetry = "wait_for_auto_retry";
    public const string RetryAfterReset = "retry_after_reset";
    public const string Retry = "retry_post";
    public const string ResolveTarget = "resolve_target";

    private const string Fix = "Fix it for this platform with update_post (text, media, settings or its override), then retry_post.";

    /// <summary>The action for each failure code; the text for each is made by <see cref="For"/>, with times where they matter.</summary>
    public static IReadOnlyDictionary<string, string> ActionByCode { get; } = new Dictionary<string, string>
    {
        [ErrorCodes.ContentRejected] = UpdateThenRetry,
        [ErrorCodes.DuplicateContent] = UpdateThenRetry,
        [ErrorCodes.MediaUploadFailed] = UpdateThenRetry,
        [ErrorCodes.ContentTooLong] = UpdateThenRetry,
        [ErrorCodes.UnsupportedMediaType] = UpdateThenRetry,
        [ErrorCodes.UnsupportedMediaConfig] = UpdateThenRetry,
        [ErrorCodes.InvalidPlacement] = UpdateThenRetry,
        [ErrorCodes.MixedMediaNotSupported] = UpdateThenRetry,
        [ErrorCodes.ValidationFailed] = UpdateThenRetry,
        [ErrorCodes.InvalidScheduleTime] = UpdateThenRetry,
        [ErrorCodes.AuthExpired] = ReconnectThenRetry,
        [ErrorCodes.PermissionMissing] = FixPermissionsThenRetry,
        [ErrorCodes.PlatformNotConnected] = ConnectAccountThenRetry,
        [ErrorCodes.PlatformNotConfigured] = ConfigurePlatformThenRetry,
        [ErrorCodes.RateLimited] = WaitForAutoRetry,
        [ErrorCodes.QuotaExhausted] = RetryAfterReset,
        [ErrorCodes.PlatformError] = Retry,
    };

    /// <summary>
    /// The next step for a target, or null when it needs none (live, pending, publishing, withdrawn).
    /// <paramref name="autoRetryAt"/>: when the scheduler retries the post's rate-limited targets by itself (null: it will not).
    /// </summary>
    public static NextStep? For(PostTarget target, DateTimeOffset? autoRetryAt)
    {
        if (target.Status == TargetStatus.NeedsReconciliation)
        {
            return new NextStep(ResolveTarget,
                "It may be live: check the account on the platform, then call resolve_target with what you found (published with its id, or not_published). Do not retry it first.");
        }
        if (target.Status != TargetStatus.Failed)
            return null;
        var code = target.ErrorCode ?? ErrorCodes.PlatformError;
        var action = ActionByCode.GetValueOrDefault(code, Retry);
        return new NextStep(action, action switch
        {
            UpdateThenRetry => code == ErrorCodes.DuplicateContent
                ? "The platform says this exact post already exists: check the account first (it may be live already); to post it again, change the text with update_post, then retry_post."
                : Fix,
            ReconnectThenRetry => "The account's token is no longer accepted: have the person reconnect it (targets[].reconnectUrl when present, else connect_account), then retry_post.",
            FixPermissionsThenRetry => "The account or its token lacks a permission (or the account is restricted on the platform): reconnect granting the publishing permissions, or fix the account in the platform's app, then retry_post.",
            ConnectAccountThenRetry => "No usable account is connected for this platform in the post's set: connect one (connect_account), then retry_post.",
            ConfigurePlatformThenRetry => "The server is not set up for this platform yet: the operator configures it, then retry_post.",
            WaitForAutoRetry => RateLimitedText(target.RetryAt, autoRetryAt),
            RetryAfterReset => target.RetryAt is { } reset
                ? $"The platform's quota is used up until {Time(reset)}: retry_post after that time."
                : "The platform's quota is used up: retry_post later (the platform gave no reset time).",
            _ => "A temporary platform failure: retry_post. If it keeps failing, the platform may be down; try again later.",
        });
    }

    /// <summary>The action alone, for summaries and the llm.txt check; null for a target that needs none.</summary>
    public static string? ActionFor(PostTarget target) => For(target, null)?.Action;

    private static string RateLimitedText(DateTimeOffset? reset, DateTimeOffset? autoRetryAt) =>
        autoRetryAt is { } at
            ? $"Nothing to do: the server retries it once, automatically, at {Time(at)} (the platform's reset); follow it with get_post. If that retry is limited again, retry_post after the new reset."
            : reset is { } until
                ? $"The platform is throttling this account until {Time(until)}: retry_post after that time."
                : "The platform is throttling this account: retry_post later (it gave no reset time).";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
