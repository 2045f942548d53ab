using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Http;

/// <summary>
/// One Polly 8 pipeline shape for every platform, installed as a DelegatingHandler on each platform's HttpClient:
/// a per-attempt timeout inside a circuit breaker (one per platform) inside a jittered exponential retry. The retry
/// honours the platform's wait signal (Retry-After, x-rate-limit-reset) when it is short enough, and only repeats
/// requests that cannot create anything twice (<see cref="PlatformRequests.IsRetrySafe"/>).
/// </summary>
public sealed class PlatformResilienceHandler(Platform platform, PlatformPipelines pipelines) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.For(platform);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(PlatformPipelines.RequestKey, request);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Handler.BaseSendAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> BaseSendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}

/// <summary>The pipelines, one per platform and kept for the process's life, so each circuit breaker sees all of its platform's calls.</summary>
public sealed class PlatformPipelines(IOptionsMonitor<PlatformOptions> options, TimeProvider time)
{
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("SocialMcp.Request");

    private readonly ConcurrentDictionary<Platform, ResiliencePipeline<HttpResponseMessage>> _pipelines = new();

    public ResiliencePipeline<HttpResponseMessage> For(Platform platform) => _pipelines.GetOrAdd(platform, Build);

    private ResiliencePipeline<HttpResponseMessage> Build(Platform platform)
    {
        var settings = options.Get(platform.ToWireName());
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.MaxSignalledWait,
                ShouldHandle = args => ValueTask.FromResult(settings.MaxRetries > 0 && ShouldRetry(args.Context, args.Outcome, settings)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RateLimitSignals.RequestedWait(response, time.GetUtcNow()) : null),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = settings.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, settings.BreakerMinimumThroughput),
                SamplingDuration = settings.BreakerSamplingDuration,
                BreakDuration = settings.BreakerBreakDuration,
                // 429 is the platform pacing us, not failing: it does not count towards breaking.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or TimeoutRejectedException
                    || (args.Outcome.Result is { } r && (int)r.StatusCode >= 500)),
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, PlatformOptions settings)
    {
        if (!context.Properties.TryGetValue(RequestKey, out var request) || !request.IsRetrySafe())
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
