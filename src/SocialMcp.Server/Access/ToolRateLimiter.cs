using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SocialMcp.Server.Access;

/// <summary>The verdict on one call: admitted or not, with what the X-RateLimit-* headers report.</summary>
public sealed record RateLimitDecision(bool Admitted, int Limit, int Remaining, TimeSpan ResetAfter);

/// <summary>
/// Fixed-window limits per (caller, operation), shared by the HTTP gate (429) and stdio (RATE_LIMITED).
/// Built on System.Threading.RateLimiting; one limiter per partition, created on first use.
/// </summary>
public sealed class ToolRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<(string Partition, ToolOperation Operation), (FixedWindowRateLimiter Limiter, DateTimeOffset WindowStart)> _limiters = new();

    public RateLimitDecision TryAcquire(string partition, ToolOperation operation)
    {
        var settings = options.Value;
        var limit = settings.LimitFor(operation);
        var entry = _limiters.GetOrAdd((partition, operation), _ => (new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
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
