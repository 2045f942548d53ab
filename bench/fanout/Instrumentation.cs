using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Storage;
using SocialMcp.Emulator;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Sandbox;

namespace SocialMcp.Bench.Fanout;

/// <summary>One target's publish as the platform publisher saw it: from the call (its concurrency slot held) to the outcome.</summary>
public sealed record TargetRecord(string PostId, Platform Platform, long Start, long End, TargetStatus Status, string? ErrorCode, int HttpCalls);

/// <summary>One store unit of work: which repository calls it made, how long it waited for its connection and lock, how long it held them.</summary>
public sealed record StoreRecord(bool Write, string Calls, long Start, long Wait, long Hold, bool Failed);

/// <summary>What the publish in flight on this async flow is: lets the HTTP handler count its calls and name its post.</summary>
public sealed class PublishFlow(string postId, Platform platform)
{
    public string PostId { get; } = postId;
    public Platform Platform { get; } = platform;
    public int HttpCalls;
}

/// <summary>Everything the benchmark observes, in Stopwatch ticks; thread-safe.</summary>
public sealed class Recorder
{
    public static readonly AsyncLocal<PublishFlow?> CurrentFlow = new();

    public ConcurrentDictionary<string, long> FirstCall { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, long> Claimed { get; } = new(StringComparer.Ordinal);
    /// <summary>How many posts each successful claim statement leased (the scheduler claims every free slot at once).</summary>
    public ConcurrentQueue<int> ClaimBatches { get; } = new();
    public ConcurrentQueue<TargetRecord> Targets { get; } = new();
    public ConcurrentQueue<StoreRecord> Store { get; } = new();
    public ConcurrentDictionary<string, int> HttpCallsByEndpoint { get; } = new(StringComparer.Ordinal);

    /// <summary>Off during set-up and warm-up, so only the fan-out itself is recorded.</summary>
    public volatile bool Enabled;

    public int TargetsDone => Targets.Count;

    public static long Now() => Stopwatch.GetTimestamp();

    public void HttpCall(PublishFlow? flow, string method, string path)
    {
        if (!Enabled)
            return;
        var now = Now();
        if (flow is not null)
        {
            Interlocked.Increment(ref flow.HttpCalls);
            FirstCall.AddOrUpdate(flow.PostId, now, (_, seen) => Math.Min(seen, now));
        }
        HttpCallsByEndpoint.AddOrUpdate($"{method} {Endpoint(path)}", 1, (_, n) => n + 1);
    }

    /// <summary>The path with ids blanked, e.g. "POST /facebook/{id}/feed".</summary>
    private static string Endpoint(string path) =>
        string.Join('/', path.Split('/').Select(part => part.Any(char.IsDigit) && part.Length > 6 ? "{id}" : part));
}

/// <summary>The platform publishers as the domain sees them, each call recorded (start, end, outcome, HTTP calls).</summary>
public sealed class RecordingPublisherResolver(PublisherResolver inner, Recorder recorder) : IPublisherResolver
{
    public IPlatformPublisher For(Account account) => new RecordingPublisher(inner.For(account), recorder);

    private sealed class RecordingPublisher(IPlatformPublisher inner, Recorder recorder) : IPlatformPublisher
    {
        public PublisherCapabilities CapabilitiesFor(Platform platform) => inner.CapabilitiesFor(platform);

        public Task<WithdrawOutcome> WithdrawAsync(WithdrawRequest request, CancellationToken cancellationToken) =>
            inner.WithdrawAsync(request, cancellationToken);

        public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            var flow = new PublishFlow(request.PostId, request.Platform);
            Recorder.CurrentFlow.Value = flow;
            var start = Recorder.Now();
            var outcome = await inner.PublishAsync(request, cancellationToken);
            if (recorder.Enabled)
                recorder.Targets.Enqueue(new TargetRecord(request.PostId, request.Platform, start, Recorder.Now(), outcome.Status, outcome.ErrorCode, flow.HttpCalls));
            return outcome;
        }
    }
}

/// <summary>
/// The innermost handler of every platform HttpClient: records the call, and queues one latency fault on the emulator
/// for it just before it is sent, so every platform call waits the configured time (the emulator's fault queue stays short).
/// </summary>
public sealed class LatencyAndRecordingHandler(Recorder recorder, PlatformEmulator emulator, TimeSpan latency) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "/";
        recorder.HttpCall(Recorder.CurrentFlow.Value, request.Method.Method, path);
        var first = path.TrimStart('/').Split('/', 2)[0];
        if (latency > TimeSpan.Zero && PlatformNames.TryParse(first, out var platform))
            emulator.Faults.Enqueue(platform.Value, new Fault.Latency(latency));
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The sandbox's platform APIs: the benchmark's own emulator, started before the run.</summary>
public sealed class BenchSandboxApi(PlatformEmulator emulator) : ISandboxApi
{
    public ValueTask<Uri> BaseUrlAsync(Platform platform, CancellationToken cancellationToken) => ValueTask.FromResult(emulator.BaseUrlOf(platform));
}

/// <summary>
/// The emulator's clock: real timers (the latency fault waits for real), but every reading is a day later than the one
/// before, so the emulated platforms' per-account and per-app publishing limits (X 200 per 15 min and 1,667 a day,
/// LinkedIn 150 a day, Facebook 4,800 calls a day) never trip: this benchmark measures our fan-out, not their quotas.
/// </summary>
public sealed class SkippingClock : TimeProvider
{
    private long _readings;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromDays(Interlocked.Increment(ref _readings));
}

/// <summary>
/// The store with every unit of work timed: connection and lock wait, then work plus commit.
/// </summary>
public sealed class TimedStore(IStore inner, Recorder recorder) : IStore
{
    public Task<T> ReadAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        TimeAsync(write: false, work, cancellationToken);

    public Task<T> WriteAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        TimeAsync(write: true, work, cancellationToken);

    /// <summary>Timed, and run, as a write like any other.</summary>
    public Task<T> WriteRecordAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync(work, cancellationToken);

    private async Task<T> TimeAsync<T>(bool write, Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        var calls = new CallLog(recorder);
        var start = Recorder.Now();
        long began = 0;
        var failed = true;
        try
        {
            Task<T> Run(IStoreSession session)
            {
                began = Recorder.Now();
                return work(SessionProxy.Wrap(session, calls));
            }
            T result;
            result = write
                ? await inner.WriteAsync(Run, cancellationToken)
                : await inner.ReadAsync(Run, cancellationToken);
            failed = false;
            return result;
        }
        finally
        {
            if (recorder.Enabled)
            {
                var end = Recorder.Now();
                if (began == 0)
                    began = end;
                recorder.Store.Enqueue(new StoreRecord(write, calls.Label, start, began - start, end - began, failed));
            }
        }
    }
}

/// <summary>The repository calls of one unit of work, in order.</summary>
public sealed class CallLog(Recorder recorder)
{
    private readonly List<string> _calls = [];

    public Recorder Recorder => recorder;

    public void Add(string call)
    {
        lock (_calls)
        {
            if (_calls.Count == 0 || _calls[^1] != call)
                _calls.Add(call);
        }
    }

    public string Label
    {
        get
        {
            lock (_calls)
                return string.Join(" > ", _calls.Take(4)) + (_calls.Count > 4 ? " > …" : "");
        }
    }
}

/// <summary>A session whose repositories log each call (and the scheduler's successful claims).</summary>
public class SessionProxy : DispatchProxy
{
    private IStoreSession _inner = null!;
    private CallLog _log = null!;

    public static IStoreSession Wrap(IStoreSession inner, CallLog log)
    {
        var proxy = DispatchProxy.Create<IStoreSession, SessionProxy>();
        var self = (SessionProxy)(object)proxy;
        self._inner = inner;
        self._log = log;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var value = Call(targetMethod!, _inner, args);
        return targetMethod!.Name.StartsWith("get_", StringComparison.Ordinal) && value is not null
            ? RepositoryProxy.Wrap(targetMethod.ReturnType, value, targetMethod.Name[4..], _log)
            : value;
    }

    internal static object? Call(MethodInfo method, object target, object?[]? args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}

public class RepositoryProxy : DispatchProxy
{
    private object _inner = null!;
    private string _name = null!;
    private CallLog _log = null!;

    public static object Wrap(Type repositoryType, object inner, string name, CallLog log)
    {
        var proxy = DispatchProxy.Create(repositoryType, typeof(RepositoryProxy));
        var self = (RepositoryProxy)proxy;
        self._inner = inner;
        self._name = name;
        self._log = log;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        _log.Add($"{_name}.{targetMethod!.Name.Replace("Async", "", StringComparison.Ordinal)}");
        var result = SessionProxy.Call(targetMethod, _inner, args);
        if (targetMethod.Name == "ClaimDueAsync" && result is Task<IReadOnlyList<DuePost>> claim && _log.Recorder.Enabled)
        {
            var recorder = _log.Recorder;
            claim.ContinueWith(done =>
            {
                if (!done.IsCompletedSuccessfully)
                    return;
                var now = Recorder.Now();
                foreach (var due in done.Result)
                    recorder.Claimed.TryAdd(due.PostId, now);
                if (done.Result.Count > 0)
                    recorder.ClaimBatches.Enqueue(done.Result.Count);
            }, TaskContinuationOptions.ExecuteSynchronously);
        }
        return result;
    }
}
