using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace SocialMcp.Platforms.Http;

/// <summary>
/// The one pipeline shape every platform's HttpClient gets through <c>AddResilienceHandler</c>: a jittered exponential
/// retry around a circuit breaker around a per-attempt timeout, all on the injected <see cref="TimeProvider"/>.
/// Where Microsoft.Extensions.Http.Resilience's defaults differ from our rules, its extension points carry ours:
/// <list type="bullet">
/// <item>only a request that cannot create anything twice is retried (<see cref="PlatformRequests.IsRetrySafe"/>);</item>
/// <item>the platform's wait signal (Retry-After as delta or date, x-rate-limit-reset) is read on the injected clock,
/// not the machine's, and a wait longer than <see cref="PlatformOptions.MaxSignalledWait"/> is not waited: the 429
/// goes back to the adapter with its reset, so the domain schedules the wait instead of holding the caller;</item>
/// <item>a 429 is the platform pacing us, not failing: it never counts towards opening the circuit.</item>
/// </list>
/// </summary>
public static class PlatformResiliencePipeline
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, PlatformOptions settings, TimeProvider time)
    {
        pipeline.TimeProvider = time;
        pipeline
            .AddRetry(new HttpRetryStrategyOptions
            {
                // Polly needs at least one attempt configured; MaxRetries = 0 is honoured by ShouldHandle instead.
                MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.MaxSignalledWait,
                // The library's Retry-After reader uses the machine's clock for dates and knows no cap: ours replaces it.
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(settings.MaxRetries > 0 && ShouldRetry(args.Context, args.Outcome, settings, time)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RateLimitSignals.RequestedWait(response, time.GetUtcNow()) : null),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = settings.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, settings.BreakerMinimumThroughput),
                SamplingDuration = settings.BreakerSamplingDuration,
                BreakDuration = settings.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(CountsAsFailure(args.Outcome)),
            })
            .AddTimeout(settings.AttemptTimeout);
    }

    /// <summary>What the circuit breaker counts: no answer, or a server error. Not 429, and not any other refusal.</summary>
    public static bool CountsAsFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || (outcome.Result is { } response && (int)response.StatusCode >= 500);

    private static bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, PlatformOptions settings, TimeProvider time)
    {
        if (context.GetRequestMessage() is not { } request || !request.IsRetrySafe())
            return false;
        if (outcome.Exception is not null)
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        var response = outcome.Result!;
        if (!RateLimitSignals.IsTransientStatus(response.StatusCode))
            return false;
        // A wait longer than we are willing to hold the caller for goes back to the adapter as RATE_LIMITED.
        var wait = RateLimitSignals.RequestedWait(response, time.GetUtcNow());
        return wait is null || wait <= settings.MaxSignalledWait;
    }
}
