using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SocialMcp.Storage.Postgres;

namespace SocialMcp.Server.Access;

/// <summary>The verdict on one call: admitted or not, with what the X-RateLimit-* headers report.</summary>
public sealed record RateLimitDecision(bool Admitted, int Limit, int Remaining, TimeSpan ResetAfter);

/// <summary>
/// Fixed-window limits per (caller, operation), answered as RATE_LIMITED on both transports, and per client address
/// for requests without a valid API key. Built on System.Threading.RateLimiting; one limiter per partition, created on
/// first use. On a shared PostgreSQL store (<paramref name="sharedWindows"/> given) the windows are counted in the
/// database instead, so several instances together grant each limit once.
/// </summary>
public sealed class ToolRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time, PostgresRateWindows? sharedWindows = null) : IDisposable
{
    private const string UnauthenticatedBucket = "unauthenticated";

    private readonly ConcurrentDictionary<(string Partition, string Bucket), (FixedWindowRateLimiter Limiter, DateTimeOffset WindowStart)> _limiters = new();

    public RateLimitDecision TryAcquire(string partition, ToolOperation operation) =>
        TryAcquire(partition, operation.ToString(), options.Value.LimitFor(operation));

    /// <summary>One refused request without a valid API key from <paramref name="clientAddress"/>.</summary>
    public RateLimitDecision TryAcquireUnauthenticated(string clientAddress) =>
        TryAcquire("ip:" + clientAddress, UnauthenticatedBucket, options.Value.UnauthenticatedPerWindow);

    /// <summary>One request to the authorization server's endpoints from <paramref name="clientAddress"/>.</summary>
    public RateLimitDecision TryAcquireAuthorization(string clientAddress) =>
        TryAcquire("ip:" + clientAddress, "authorization", options.Value.AuthorizationPerWindow);

    /// <summary>One operator sign-in attempt on the consent page from <paramref name="clientAddress"/>.</summary>
    public RateLimitDecision TryAcquireSignIn(string clientAddress) =>
        TryAcquire("ip:" + clientAddress, "sign-in", options.Value.SignInPerWindow);

    private RateLimitDecision TryAcquire(string partition, string bucket, int limit)
    {
        var settings = options.Value;
        if (sharedWindows is not null)
            return TryAcquireShared(partition, bucket, limit, settings.Window);
        var entry = _limiters.GetOrAdd((partition, bucket), _ => (new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = settings.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }), time.GetUtcNow()));

        using var lease = entry.Limiter.AttemptAcquire();
        var remaining = (int)(entry.Limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);
        var resetAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? retryAfter
            : WindowRemaining(entry.WindowStart, settings.Window);
        return new RateLimitDecision(lease.IsAcquired, limit, remaining, resetAfter);
    }

    private RateLimitDecision TryAcquireShared(string partition, string bucket, int limit, TimeSpan window)
    {
        var now = time.GetUtcNow();
        // Refused calls are counted too; they only push the count further past the limit.
        var counted = sharedWindows!.Count(partition + "|" + bucket, now, window);
        var (_, end) = PostgresRateWindows.WindowOf(now, window);
        return new RateLimitDecision(counted <= limit, limit, (int)Math.Max(0, limit - counted), end - now);
    }

    // Windows start when a partition first appears and repeat from there.
    private TimeSpan WindowRemaining(DateTimeOffset start, TimeSpan window)
    {
        var elapsed = time.GetUtcNow() - start;
        var intoWindow = TimeSpan.FromTicks(elapsed.Ticks % window.Ticks);
        return window - intoWindow;
    }

    public void Dispose()
    {
        foreach (var (limiter, _) in _limiters.Values)
            limiter.Dispose();
    }
}
