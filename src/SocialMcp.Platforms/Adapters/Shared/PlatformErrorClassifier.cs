using System.Globalization;
using Polly.Timeout;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Shared;

/// <summary>
/// What every adapter's error mapping has in common: the failure an HTTP status means when the body tells nothing
/// more, and which exceptions leave it open whether the platform acted. Each adapter maps its platform's own error
/// bodies first and falls back to these (docs/platforms.md#common-error-taxonomy).
/// </summary>
internal static class PlatformErrorClassifier
{
    /// <summary>
    /// The failure for an unsuccessful answer by its status alone: 401 a refused token, 403 a missing permission,
    /// 429 throttling (until <paramref name="retryAt"/>), 5xx a transient failure, anything else an unexpected answer.
    /// <paramref name="platformCode"/> defaults to the status.
    /// </summary>
    public static PlatformFailure ByStatus(string platform, int status, string? platformCode = null, string? platformMessage = null,
        DateTimeOffset? retryAt = null)
    {
        var code = platformCode ?? status.ToString(CultureInfo.InvariantCulture);
        return status switch
        {
            401 => new(ErrorCodes.AuthExpired, $"{platform} no longer accepts this account's token (expired or revoked); reconnect the account.",
                null, code, platformMessage),
            403 => new(ErrorCodes.PermissionMissing, $"{platform} refused the call: the account or its token lacks a permission.", null, code, platformMessage),
            429 => new(ErrorCodes.RateLimited, $"{platform} is throttling calls; try again after the retry time.", retryAt, code, platformMessage),
            >= 500 => PlatformFailure.Transient(platform, code, platformMessage),
            _ => new(ErrorCodes.PlatformError, $"{platform} answered HTTP {status}.", null, code, platformMessage),
        };
    }

    /// <summary>
    /// No answer came (a transport error or a timeout, not our own cancellation): the platform may have handled the
    /// request and the answer was lost.
    /// </summary>
    public static bool IsNoAnswer(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or TimeoutRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>
    /// After a creating call: no answer, or a failure after which the platform may still have acted (a 5xx or an
    /// answer we could not use), as opposed to a refusal. Such a call is looked up before it is repeated.
    /// </summary>
    public static bool MayHaveActed(Exception ex, CancellationToken cancellationToken) =>
        IsNoAnswer(ex, cancellationToken) || ex is PlatformCallException { Failure.MayHaveActed: true };
}
