using System.Globalization;
using System.Net;

namespace SocialMcp.Platforms.Http;

/// <summary>Reads how long a platform asks us to wait: Retry-After (seconds or date) or X's x-rate-limit-reset (epoch seconds).</summary>
public static class RateLimitSignals
{
    public static TimeSpan? RequestedWait(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
                return delta;
            if (retryAfter.Date is { } date)
                return Max(date - now);
        }
        if (response.Headers.TryGetValues("x-rate-limit-reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochSeconds))
        {
            return Max(DateTimeOffset.FromUnixTimeSeconds(epochSeconds) - now);
        }
        return null;
    }

    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static TimeSpan Max(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
}
