using System.Text;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;

namespace SocialMcp.EndToEnd.Tests.Crash;

/// <summary>
/// Where one run kills the server: the stage intended for its focus target, and for a "before" run the earlier request of
/// that target where it waits. An "after" run kills as the answer goes out (the server cannot have recorded it) or
/// <see cref="AfterKillDelayMs"/> later (it may have). The other requests of the run are delayed by up to
/// <see cref="MaxLatencyMs"/> each, so the other targets are caught at varied points too.
/// </summary>
public sealed record KillPlan(int Run, CrashStage Intended, CrashTarget Focus, PreStep? HoldAt, int AfterKillDelayMs, int MaxLatencyMs)
{
    public override string ToString() => Intended switch
    {
        CrashStage.BeforePlatformCall => $"before: {Focus.Platform.ToWireName()} held at {HoldAt!.Name}",
        CrashStage.DuringPlatformCall => $"during: {Focus.Platform.ToWireName()}'s creating request held",
        _ => $"after: {Focus.Platform.ToWireName()}'s creating request answered, killed {AfterKillDelayMs} ms later",
    } + $", other requests delayed 0-{MaxLatencyMs} ms";
}

/// <summary>What kills the server during a crash run: armed before publish_post, it kills at its planned point.</summary>
public interface ICrashKillSwitch
{
    /// <summary>Completes once the server has been killed.</summary>
    Task Killed { get; }

    /// <summary>True while a kill is due shortly (a delayed kill after an answer).</summary>
    bool KillPending { get; }

    void Arm(Action kill);

    /// <summary>Kills now, when the planned point did not come.</summary>
    void KillNow(string why);

    /// <summary>Lets held requests go after the kill.</summary>
    void Release();
}

/// <summary>What the emulator had seen when the server was killed, per target, and what triggered the kill.</summary>
public sealed record KillSnapshot(string Trigger, bool Planned, IReadOnlyDictionary<Platform, CrashStage> Stages, string Seen);

/// <summary>
/// Watches the emulator during one run: holds or delays requests as the <see cref="KillPlan"/> says, kills the server at
/// the planned request (synchronously, from the emulator's request thread, so the server gets no further), records a
/// snapshot of every target's stage at that instant, and keeps counting what arrives afterwards (the recovery).
/// </summary>
public sealed class CrashRecorder : ICrashKillSwitch, IDisposable
{
    private readonly object _lock = new();
    private readonly List<ObservedRequest> _requests = [];
    private readonly List<ObservedResponse> _responses = [];
    private readonly EmulatorObserver _observer;
    private readonly KillPlan _plan;
    private readonly IReadOnlyList<CrashTarget> _targets;
    private readonly Random _random;
    private readonly CancellationTokenSource _released = new();
    private readonly TaskCompletionSource<KillSnapshot> _killed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _kill;
    private bool _armed;
    private bool _answered;
    private volatile bool _gating;

    public CrashRecorder(EmulatorObserver observer, KillPlan plan, IReadOnlyList<CrashTarget> targets, Random random)
    {
        _observer = observer;
        _plan = plan;
        _targets = targets;
        _random = random;
        observer.RequestReceived += OnRequest;
        observer.ResponseCompleted += OnResponse;
        observer.Gate = GateAsync;
    }

    /// <summary>Completes when the server has been killed, with the stages the emulator had seen at that moment.</summary>
    public Task<KillSnapshot> Killed => _killed.Task;

    Task ICrashKillSwitch.Killed => _killed.Task;

    /// <summary>From now on the planned request kills the server through <paramref name="kill"/>.</summary>
    public void Arm(Action kill)
    {
        lock (_lock)
        {
            _kill = kill;
            _armed = true;
            _gating = true;
        }
    }

    /// <summary>True while a kill is due shortly (an "after" kill waiting out its delay).</summary>
    public bool KillPending
    {
        get
        {
            lock (_lock)
                return _answered && !_killed.Task.IsCompleted;
        }
    }

    /// <summary>Kills now, when the planned request did not come (the publish ended first, or took too long).</summary>
    public void KillNow(string why)
    {
        lock (_lock)
        {
            if (!_killed.Task.IsCompleted)
                KillLocked(why, planned: false);
        }
    }

    /// <summary>After the kill: held requests are let go (their client is gone) and the recovery's requests pass untouched.</summary>
    public void Release()
    {
        _gating = false;
        _released.Cancel();
    }

    /// <summary>Creating requests of the target the platform handled successfully, over the whole run (kill and recovery).</summary>
    public int SuccessfulCreates(CrashTarget target)
    {
        lock (_lock)
            return _responses.Count(r => target.IsCreating(r.Request) && r.Handled && r.StatusCode is >= 200 and < 300);
    }

    /// <summary>Every request of the run with how it ended, for a failure report.</summary>
    public string Log()
    {
        lock (_lock)
            return Describe(_requests, _responses);
    }

    private void OnRequest(ObservedRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
            if (_armed && !_killed.Task.IsCompleted && IsHoldPoint(request))
                KillLocked($"arrival of {request.Platform?.ToWireName()} {request.Method} {request.Path}", planned: true);
        }
    }

    private void OnResponse(ObservedResponse response)
    {
        lock (_lock)
        {
            _responses.Add(response);
            if (_armed && !_answered && _plan.Intended == CrashStage.AfterPlatformCall && _plan.Focus.IsCreating(response.Request) && response.Handled)
            {
                _answered = true;
                var trigger = $"answer {response.StatusCode} to {response.Request.Platform?.ToWireName()} {response.Request.Method} {response.Request.Path}";
                if (_plan.AfterKillDelayMs == 0)
                    KillLocked(trigger, planned: true);
                else
                    _ = KillLaterAsync(trigger + $" + {_plan.AfterKillDelayMs} ms");
            }
        }
    }

    private async Task KillLaterAsync(string trigger)
    {
        await Task.Delay(_plan.AfterKillDelayMs);
        lock (_lock)
        {
            if (_armed && !_killed.Task.IsCompleted)
                KillLocked(trigger, planned: true);
        }
    }

    private bool IsHoldPoint(ObservedRequest request) => _plan.Intended switch
    {
        CrashStage.BeforePlatformCall => _plan.HoldAt!.Matches(request),
        CrashStage.DuringPlatformCall => _plan.Focus.IsCreating(request),
        _ => false,
    };

    private void KillLocked(string trigger, bool planned)
    {
        _armed = false;
        _kill!();
        var stages = _targets.ToDictionary(t => t.Platform, StageOf);
        _killed.TrySetResult(new KillSnapshot(trigger, planned, stages, Describe(_requests, _responses)));
    }

    private CrashStage StageOf(CrashTarget target)
    {
        var creating = _requests.Where(target.IsCreating).Select(r => r.Sequence).ToHashSet();
        if (creating.Count == 0)
            return CrashStage.BeforePlatformCall;
        return _responses.Any(r => creating.Contains(r.Request.Sequence) && r.Handled)
            ? CrashStage.AfterPlatformCall
            : CrashStage.DuringPlatformCall;
    }

    private async Task GateAsync(ObservedRequest request, CancellationToken aborted)
    {
        if (!_gating)
            return;
        if (IsHoldPoint(request))
        {
            // Held until the killed server's connection drops (or the run lets go): never handled.
            using var either = CancellationTokenSource.CreateLinkedTokenSource(aborted, _released.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, either.Token);
            return;
        }
        int delay;
        lock (_lock)
            delay = _plan.MaxLatencyMs == 0 ? 0 : _random.Next(_plan.MaxLatencyMs + 1);
        if (delay > 0)
            await Task.Delay(delay, aborted);
    }

    private static string Describe(List<ObservedRequest> requests, List<ObservedResponse> responses)
    {
        var builder = new StringBuilder();
        foreach (var request in requests)
        {
            var response = responses.FirstOrDefault(r => r.Request.Sequence == request.Sequence);
            var end = response is null ? "pending" : !response.Handled ? "dropped" : $"{response.StatusCode}{(response.Aborted ? " (client gone)" : "")}";
            builder.Append("    #").Append(request.Sequence).Append(' ').Append(request.Platform?.ToWireName()).Append(' ')
                .Append(request.Method).Append(' ').Append(request.Path).Append(request.Query).Append(" -> ").AppendLine(end);
        }
        return builder.ToString();
    }

    public void Dispose()
    {
        Release();
        _observer.RequestReceived -= OnRequest;
        _observer.ResponseCompleted -= OnResponse;
        _observer.Gate = null;
        _released.Dispose();
    }
}
