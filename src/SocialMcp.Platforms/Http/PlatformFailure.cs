using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Platforms.Http;

/// <summary>
/// A platform call that failed, already in our taxonomy: AUTH_EXPIRED, PERMISSION_MISSING, CONTENT_REJECTED,
/// DUPLICATE_CONTENT, RATE_LIMITED (with its reset time), QUOTA_EXHAUSTED, MEDIA_UPLOAD_FAILED or PLATFORM_ERROR.
/// The platform's own code and message are kept for the user; a token never is.
/// </summary>
public sealed record PlatformFailure(string Code, string Message, DateTimeOffset? RetryAfter = null, string? PlatformCode = null, string? PlatformMessage = null)
{
    /// <summary>The HTTP status of the answer this failure was mapped from (null: no answer, or an answer we could not use).</summary>
    public int? HttpStatus { get; init; }

    /// <summary>
    /// Whether the platform may have carried the call out despite the failure: a server error (5xx) or an answer we
    /// could not use, as opposed to a refusal (4xx), which did nothing. After a creating call, such a failure needs a lookup.
    /// </summary>
    public bool MayHaveActed => Code == ErrorCodes.PlatformError && HttpStatus is null or >= 500;

    public PublishOutcome ToPublishOutcome() => PublishOutcome.Failed(Code, Message, RetryAfter, PlatformCode, PlatformMessage, HttpStatus);

    public WithdrawOutcome ToWithdrawOutcome() => WithdrawOutcome.Failed(Code, PlatformMessage is null ? Message : $"{Message} ({SecretScrubber.Scrub(PlatformMessage)})");

    public static PlatformFailure Transient(string platform, string? platformCode = null, string? platformMessage = null) =>
        new(ErrorCodes.PlatformError, $"{platform} is unavailable or failed; try again later.", null, platformCode, platformMessage);
}

/// <summary>Thrown inside an adapter to stop a multi-step flow; the adapter base turns it into an outcome.</summary>
public sealed class PlatformCallException(PlatformFailure failure) : Exception(failure.Message)
{
    public PlatformFailure Failure { get; } = failure;
}
