using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Tests.Http;

/// <summary>
/// The platform HttpClients' resilience pipeline as the adapters get it (<see cref="PlatformHttpClients.AddPlatformHttpClients"/>),
/// in front of a scripted platform instead of the emulator, so each rule is seen alone: what is retried, how long a
/// signalled wait lasts on the injected clock, where the cap sends the 429 back, and what opens the circuit.
/// </summary>
public sealed class PlatformResilienceTests
{
    private static readonly Uri Api = new("http://platform.test/");

    // ---- what is retried ---------------------------------------------------------------------------------

    [Fact]
    public async Task Send_GetAnsweredWithServerErrorThenOk_RetriedAndOk()
    {
        var platform = new ScriptedPlatform(Status(503));
        using var services = Services(new FakeTimeProvider(TestTime.Start), platform);

        using var response = await Client(services).GetAsync("items/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, platform.Attempts.Count);
    }

    [Fact]
    public async Task Send_PostAnsweredWithServerError_NotRetried()
    {
        var platform = new ScriptedPlatform(Status(503));
        using var services = Services(new FakeTimeProvider(TestTime.Start), platform);

        using var response = await Client(services).PostAsync("posts", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(platform.Attempts);
    }

    [Fact]
    public async Task Send_PostMarkedRetrySafeAnsweredWithServerError_RetriedAndOk()
    {
        var platform = new ScriptedPlatform(Status(503));
        using var services = Services(new FakeTimeProvider(TestTime.Start), platform);
        using var request = new HttpRequestMessage(HttpMethod.Post, "status/fetch") { Content = new StringContent("{}") };

        using var response = await Client(services).SendAsync(request.MarkRetrySafe());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, platform.Attempts.Count);
    }

    [Fact]
    public async Task Send_RefusalThatIsNotTransient_NotRetried()
    {
        var platform = new ScriptedPlatform(Status(400));
        using var services = Services(new FakeTimeProvider(TestTime.Start), platform);

        using var response = await Client(services).GetAsync("items/1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(platform.Attempts);
    }

    [Fact]
    public async Task Send_MaxRetriesZero_NeverRetries()
    {
        var platform = new ScriptedPlatform(Status(503));
        using var services = Services(new FakeTimeProvider(TestTime.Start), platform, new() { ["Platforms:x:MaxRetries"] = "0" });

        using var response = await Client(services).GetAsync("items/1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(platform.Attempts);
    }

    // ---- signalled waits -----------------------------------------------------------------------------------

    public static TheoryData<string> Signals => new() { "retry-after-delta", "retry-after-date", "x-rate-limit-reset" };

    [Theory]
    [MemberData(nameof(Signals))]
    public async Task Send_429WithShortSignalledWait_WaitsExactlyThatLongOnTheInjectedClockThenRetries(string signal)
    {
        // The fake clock is years away from the machine's: a wait read on the real clock would be wrong by that much.
        var clock = new WatchedFakeTimeProvider(TestTime.Start);
        var wait = TimeSpan.FromSeconds(30);
        var platform = new ScriptedPlatform(RateLimited(signal, clock.GetUtcNow() + wait, wait));
        using var services = Services(clock, platform);

        var sending = Client(services).GetAsync("items/1");
        await clock.WaitForDelayAsync(wait);
        Assert.False(sending.IsCompleted);
        clock.Advance(wait);
        using var response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new[] { TestTime.Start, TestTime.Start + wait }, platform.Attempts.Select(a => a.At));
    }

    [Theory]
    [MemberData(nameof(Signals))]
    public async Task Send_429WithSignalledWaitBeyondTheCap_Surfaces429AndItsSignalWithoutWaiting(string signal)
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        var wait = TimeSpan.FromSeconds(61); // MaxSignalledWait is 60 s
        var platform = new ScriptedPlatform(RateLimited(signal, clock.GetUtcNow() + wait, wait));
        using var services = Services(clock, platform);

        var sending = Client(services).GetAsync("items/1");
        var answeredWithoutWaiting = await CompletesAsync(sending);
        if (!answeredWithoutWaiting)
            clock.Advance(TimeSpan.FromHours(1)); // ends the wrong wait: disposing the pipeline waits for its executions on this clock
        Assert.True(answeredWithoutWaiting, "the pipeline waited on the clock instead of handing the 429 back");
        using var response = await sending;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Single(platform.Attempts);
        Assert.Equal(TestTime.Start, clock.GetUtcNow());
        // What the adapter reads to give the domain its reset.
        Assert.Equal(wait, RateLimitSignals.RequestedWait(response, clock.GetUtcNow()));
    }

    [Fact]
    public async Task Send_429WithSignalAtAConfiguredCap_WaitsUpToThatCap()
    {
        var clock = new WatchedFakeTimeProvider(TestTime.Start);
        var wait = TimeSpan.FromMinutes(5);
        var platform = new ScriptedPlatform(RateLimited("retry-after-delta", clock.GetUtcNow() + wait, wait));
        using var services = Services(clock, platform, new() { ["Platforms:x:MaxSignalledWait"] = "00:05:00", ["Platforms:x:AttemptTimeout"] = "01:00:00" });

        var sending = Client(services).GetAsync("items/1");
        await clock.WaitForDelayAsync(wait);
        clock.Advance(wait);
        using var response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, platform.Attempts.Count);
    }

    // ---- circuit breaker -----------------------------------------------------------------------------------

    [Fact]
    public async Task Send_Many429s_NeverOpenTheCircuit()
    {
        var platform = new ScriptedPlatform(Enumerable.Repeat(Status(429), 10).ToArray());
        using var services = Services(new FakeTimeProvider(TestTime.Start), platform, Breaker);
        var client = Client(services);

        for (var i = 0; i < 10; i++)
        {
            using var limited = await client.GetAsync("items/1");
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }
        using var response = await client.GetAsync("items/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(11, platform.Attempts.Count);
    }

    [Fact]
    public async Task Send_ServerErrorsAtTheFailureRatio_OpenTheCircuitUntilTheBreakDurationPassesOnTheInjectedClock()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        var platform = new ScriptedPlatform(Status(503), Status(503));
        using var services = Services(clock, platform, Breaker);
        var client = Client(services);
        (await client.GetAsync("items/1")).Dispose();
        (await client.GetAsync("items/1")).Dispose();

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("items/1"));
        Assert.Equal(2, platform.Attempts.Count);

        clock.Advance(TimeSpan.FromSeconds(30)); // BreakerBreakDuration
        using var response = await client.GetAsync("items/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, platform.Attempts.Count);
    }

    [Fact]
    public async Task Send_OnePlatformsCircuitOpen_OtherPlatformsStillCalled()
    {
        var platform = new ScriptedPlatform(Status(503), Status(503));
        using var services = Services(new FakeTimeProvider(TestTime.Start), platform, Breaker);
        var x = Client(services, Platform.X);
        (await x.GetAsync("items/1")).Dispose();
        (await x.GetAsync("items/1")).Dispose();
        await Assert.ThrowsAsync<BrokenCircuitException>(() => x.GetAsync("items/1"));

        using var response = await Client(services, Platform.Facebook).GetAsync("items/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, platform.Attempts.Count);
    }

    // ---- attempt timeout -----------------------------------------------------------------------------------

    [Fact]
    public async Task Send_EveryAttemptUnanswered_EachTimesOutOnTheInjectedClockAndTheTimeoutSurfaces()
    {
        var clock = new WatchedFakeTimeProvider(TestTime.Start);
        var platform = new ScriptedPlatform(Hang, Hang);
        using var services = Services(clock, platform, new() { ["Platforms:x:MaxRetries"] = "1" });

        var sending = Client(services).GetAsync("items/1");
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await WaitForAsync(() => platform.Attempts.Count == attempt && clock.PendingTimers > 0);
            clock.Advance(TimeSpan.FromSeconds(10)); // AttemptTimeout
        }

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => sending);
        Assert.Equal(new[] { TestTime.Start, TestTime.Start.AddSeconds(10) }, platform.Attempts.Select(a => a.At));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static Dictionary<string, string?> Breaker => new()
    {
        ["Platforms:x:MaxRetries"] = "0",
        ["Platforms:x:BreakerMinimumThroughput"] = "2",
        ["Platforms:x:BreakerFailureRatio"] = "0.5",
    };

    private static ServiceProvider Services(TimeProvider clock, ScriptedPlatform platform, Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Platforms:x:RetryBaseDelay"] = "00:00:00",
                ["Platforms:x:AttemptTimeout"] = "00:00:10",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(clock)
            .AddLogging()
            .AddPlatformHttpClients()
            .ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => platform.Handler(clock)));
        return services.BuildServiceProvider();
    }

    private static HttpClient Client(IServiceProvider services, Platform platform = Platform.X)
    {
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(PlatformHttpClients.NameOf(platform));
        client.BaseAddress = Api;
        return client;
    }

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Status(int status) =>
        (_, _) => Task.FromResult(new HttpResponseMessage((HttpStatusCode)status));

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang = async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    };

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> RateLimited(string signal, DateTimeOffset resetAt, TimeSpan wait) =>
        (_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            switch (signal)
            {
                case "retry-after-delta":
                    response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
                    break;
                case "retry-after-date":
                    response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(resetAt);
                    break;
                default:
                    response.Headers.Add("x-rate-limit-reset", resetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                    break;
            }
            return Task.FromResult(response);
        };

    /// <summary>Whether <paramref name="task"/> completes without anyone moving the clock (spins, yielding, never sleeping).</summary>
    private static async Task<bool> CompletesAsync(Task task)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!task.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Yield();
        return task.IsCompleted;
    }

    /// <summary>Spins (yielding, never sleeping) until the code under test reaches a state.</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException("The awaited state never came.");
            await Task.Yield();
        }
    }

    /// <summary>A platform that answers each attempt with the next scripted answer, then 200; it notes when (on the fake clock) each came.</summary>
    private sealed class ScriptedPlatform(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers)
    {
        private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _answers = new(answers);

        public ConcurrentQueue<(HttpMethod Method, DateTimeOffset At)> Attempts { get; } = new();

        public HttpMessageHandler Handler(TimeProvider clock) => new Stub(this, clock);

        private sealed class Stub(ScriptedPlatform platform, TimeProvider clock) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                platform.Attempts.Enqueue((request.Method, clock.GetUtcNow()));
                return platform._answers.TryDequeue(out var answer)
                    ? answer(request, cancellationToken)
                    : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            }
        }
    }
}
