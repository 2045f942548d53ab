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
    public PublishOutcome ToPublishOutcome() => PublishOutcome.Failed(Code, Message, RetryAfter, PlatformCode, PlatformMessage);

    public WithdrawOutcome ToWithdrawOutcome() => WithdrawOutcome.Failed(Code, PlatformMessage is null ? Message : $"{Message} ({PlatformMessage})");

    public static PlatformFailure Transient(string platform, string? platformCode = null, string? platformMessage = null) =>
        new(ErrorCodes.PlatformError, $"{platform} is unavailable or failed; try again later.", null, platformCode, platformMessage);
}

/// <summary>Thrown inside an adapter to stop a multi-step flow; the adapter base turns it into an outcome.</summary>
public sealed class PlatformCallException(PlatformFailure failure) : Exception(failure.Message)
{
    public PlatformFailure Failure { get; } = failure;
}
