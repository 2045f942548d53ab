namespace SocialMcp.Core.Scheduling;

public enum SchedulerState
{
    NotStarted,
    Running,
    Stopped,
    Faulted,
}

/// <summary>
/// What the scheduler worker last did, for health reports. A host without the worker leaves it
/// <see cref="SchedulerState.NotStarted"/>, which reports not alive.
/// </summary>
public sealed class SchedulerStatus
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _nextSleep = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SchedulerState State { get; private set; } = SchedulerState.NotStarted;

    /// <summary>When the worker started; until its first pass ends, liveness counts from here.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When the loop last completed a pass over the due posts without an error.</summary>
    public DateTimeOffset? LastLoopAt { get; private set; }

    /// <summary>When the worker will look again at the latest, unless woken earlier.</summary>
    public DateTimeOffset? SleepingUntil { get; private set; }

    /// <summary>Completes the next time the worker goes to sleep with nothing in flight (tests wait on it instead of sleeping).</summary>
    public Task NextSleep
    {
        get { lock (_gate) return _nextSleep.Task; }
    }

    internal void Started(DateTimeOffset at)
    {
        lock (_gate)
        {
            State = SchedulerState.Running;
            StartedAt = at;
        }
    }

    internal void Looped(DateTimeOffset at)
    {
        lock (_gate) LastLoopAt = at;
    }

    internal void Sleeping(DateTimeOffset at, DateTimeOffset until)
    {
        TaskCompletionSource slept;
        lock (_gate)
        {
            LastLoopAt = at;
            SleepingUntil = until;
            slept = _nextSleep;
            _nextSleep = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        slept.TrySetResult();
    }

    internal void Ended(bool faulted)
    {
        lock (_gate)
        {
            State = faulted ? SchedulerState.Faulted : SchedulerState.Stopped;
            SleepingUntil = null;
        }
    }
}
