using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Sandbox;

namespace SocialMcp.Tests.Support;

/// <summary>
/// <see cref="TestServices"/> whose sandbox accounts publish through the real adapters to a <see cref="PlatformEmulator"/>
/// on the same fake clock, so faults can be queued per platform. Platform calls use zero backoff and poll interval and a
/// per-attempt timeout of <see cref="AttemptTimeout"/> on the fake clock; <see cref="Requests"/> sees every HTTP attempt.
/// </summary>
public sealed class EmulatedPublishing : IAsyncDisposable
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    // A guard against a hung test, not a timed assertion.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private EmulatedPublishing(TestServices services, PlatformEmulator emulator, RequestObserver requests)
    {
        Services = services;
        Emulator = emulator;
        Requests = requests;
    }

    public TestServices Services { get; }
    public PlatformEmulator Emulator { get; }
    public RequestObserver Requests { get; }
    public WatchedFakeTimeProvider Clock => Services.Clock;
    public PostService Posts => Services.Get<PostService>();

    public static async Task<EmulatedPublishing> StartAsync(IReadOnlyCollection<Platform> platforms, IDictionary<string, string?>? settings = null)
    {
        var requests = new RequestObserver();
        var all = new Dictionary<string, string?>();
        foreach (var platform in PlatformNames.All)
        {
            var name = platform.ToWireName();
            all[$"Platforms:{name}:PollInterval"] = "00:00:00";
            all[$"Platforms:{name}:RetryBaseDelay"] = "00:00:00";
            all[$"Platforms:{name}:AttemptTimeout"] = AttemptTimeout.ToString();
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var services = await TestServices.CreateInitializedAsync(all, s =>
        {
            s.AddSingleton<EmulatorSandbox>();
            s.AddSingleton<ISandboxApi>(sp => sp.GetRequiredService<EmulatorSandbox>());
            s.ConfigureHttpClientDefaults(b => b
                // Outermost, above the resilience handler: each call, from before its first attempt to after its last.
                .AddHttpMessageHandler(() => new CallObservingHandler(requests))
                // Innermost, below it: each attempt.
                .ConfigurePrimaryHttpMessageHandler(() => new ObservingHandler(requests)));
        });
        var emulator = await services.Get<EmulatorSandbox>().StartAsync(platforms);
        return new EmulatedPublishing(services, emulator, requests);
    }

    public Task<PostDetails> CreateAsync(string text, params Platform[] platforms) =>
        Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create(text, platforms), CancellationToken.None);

    public Task<PostDetails> GetAsync(string postId) => Posts.GetAsync(LocalWorkspace.Id, postId, CancellationToken.None);

    public Task<IReadOnlyList<PostEvent>> EventsAsync(string postId) => Posts.GetHistoryAsync(LocalWorkspace.Id, postId, CancellationToken.None);

    /// <summary>The token the in-process sandbox presents to the emulator for this platform's sandbox account.</summary>
    public async Task<string> SandboxTokenAsync(Platform platform) =>
        $"{EmulatorState.SandboxTokenPrefix}{platform.ToWireName()}-{(await Services.AccountAsync(platform)).PlatformAccountId}";

    /// <summary>Spins (no sleeping) until <paramref name="condition"/> holds; throws if it never does.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var guard = Stopwatch.StartNew();
        while (!await condition())
        {
            if (guard.Elapsed > Patience)
                throw new TimeoutException($"Gave up waiting: {what}.");
            await Task.Yield();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> to its end, moving the clock by <paramref name="step"/> each time
    /// <paramref name="readyToAdvance"/> says everything left is waiting on the clock.
    /// </summary>
    /// <remarks>
    /// No HTTP call starts from the moment <paramref name="readyToAdvance"/> is asked until the clock has moved: a call that
    /// started in between would arm its attempt timeout on the old time and the step would fire it, timing out an attempt
    /// the test never meant to (a publish then fails under load only). Calls that had started are in
    /// <see cref="RequestObserver.CallsInFlight"/>, so the check sees them; calls held back start after the move.
    /// </remarks>
    public async Task<T> DriveAsync<T>(Task<T> work, Func<Task<bool>> readyToAdvance, TimeSpan step)
    {
        var guard = Stopwatch.StartNew();
        while (!work.IsCompleted)
        {
            if (guard.Elapsed > Patience)
                throw new TimeoutException($"The publish never finished: {Clock.PendingTimers} timer(s) pending, in flight: "
                    + string.Join(", ", Requests.InFlight.Select(r => $"{r.Line} #{r.Ordinal}")) + ".");
            bool advanced;
            await Requests.HoldNewCallsAsync();
            try
            {
                advanced = await readyToAdvance();
                if (advanced)
                    Clock.Advance(step);
            }
            finally
            {
                Requests.ReleaseNewCalls();
            }
            if (!advanced)
                await Task.Yield();
        }
        return await work;
    }

    /// <summary>Events of one type on a post so far.</summary>
    public async Task<List<PostEvent>> EventsOfAsync(string postId, string eventType) =>
        (await EventsAsync(postId)).Where(e => e.EventType == eventType).ToList();

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();

    /// <summary>Registered as the <see cref="ISandboxApi"/>; started by the test on the services' clock.</summary>
    private sealed class EmulatorSandbox(TimeProvider time) : ISandboxApi, IAsyncDisposable
    {
        private PlatformEmulator? _emulator;

        public async Task<PlatformEmulator> StartAsync(IReadOnlyCollection<Platform> platforms)
        {
            _emulator = await PlatformEmulator.StartAsync(time: time, platforms: platforms);
            _emulator.State.AcceptSandboxTokens = true;
            return _emulator;
        }

        public ValueTask<Uri> BaseUrlAsync(Platform platform, CancellationToken cancellationToken) =>
            ValueTask.FromResult((_emulator ?? throw new InvalidOperationException("Start the emulator first.")).BaseUrlOf(platform));

        public async ValueTask DisposeAsync()
        {
            if (_emulator is not null)
                await _emulator.DisposeAsync();
        }
    }

    private sealed class ObservingHandler(RequestObserver observer) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var id = observer.Started(request);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                observer.Ended(id);
            }
        }
    }
}

internal sealed class CallObservingHandler(RequestObserver observer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await observer.CallStartingAsync(cancellationToken);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            observer.CallEnded();
        }
    }
}

/// <summary>
/// Every HTTP call and attempt the adapters make, an attempt as "METHOD path" with its ordinal among attempts of the same
/// line: lets a test tell that all that is in flight are attempts the emulator was told never to answer.
/// </summary>
public sealed class RequestObserver
{
    private readonly ConcurrentDictionary<long, (string Line, int Ordinal)> _inFlight = new();
    private readonly ConcurrentDictionary<string, int> _seen = new();
    private long _next;

    private int _callsInFlight;

    // Held by a test while it decides whether to move the clock and moves it; a call starting waits for it (asynchronously).
    private readonly SemaphoreSlim _newCalls = new(1, 1);

    public int InFlightCount => _inFlight.Count;

    /// <summary>Calls in flight, counting one that is between attempts (its retry's backoff) or before its first.</summary>
    public int CallsInFlight => Volatile.Read(ref _callsInFlight);

    /// <summary>Keeps new calls from starting (each waits, counted in no figure here) until <see cref="ReleaseNewCalls"/>.</summary>
    public Task HoldNewCallsAsync() => _newCalls.WaitAsync();

    public void ReleaseNewCalls() => _newCalls.Release();

    internal async Task CallStartingAsync(CancellationToken cancellationToken)
    {
        await _newCalls.WaitAsync(cancellationToken);
        Interlocked.Increment(ref _callsInFlight);
        _newCalls.Release();
    }

    internal void CallEnded() => Interlocked.Decrement(ref _callsInFlight);

    public IReadOnlyCollection<(string Line, int Ordinal)> InFlight => _inFlight.Values.ToList();

    internal long Started(HttpRequestMessage request)
    {
        var line = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        var ordinal = _seen.AddOrUpdate(line, 1, (_, n) => n + 1);
        var id = Interlocked.Increment(ref _next);
        _inFlight[id] = (line, ordinal);
        return id;
    }

    internal void Ended(long id) => _inFlight.TryRemove(id, out _);

    /// <summary>True when every request in flight (possibly none) satisfies <paramref name="hung"/>.</summary>
    public bool OnlyInFlight(Func<string, int, bool> hung) => _inFlight.Values.All(r => hung(r.Line, r.Ordinal));

    /// <summary>Attempts in flight that satisfy <paramref name="hung"/>.</summary>
    public int CountInFlight(Func<string, int, bool> hung) => _inFlight.Values.Count(r => hung(r.Line, r.Ordinal));
}
