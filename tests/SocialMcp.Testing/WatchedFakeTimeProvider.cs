using System.Collections.Concurrent;
using System.Diagnostics;

namespace SocialMcp.Testing;

/// <summary>
/// The library's <see cref="FakeTimeProvider"/> plus the one thing it keeps private: which timers are waiting.
/// A test must not move the clock before the code under test has started its wait, because the library schedules a
/// timer created after an <see cref="FakeTimeProvider.Advance"/> from the new time, so that wait would never come due.
/// <see cref="PendingTimers"/> and <see cref="WaitForDelayAsync"/> let a test wait (yielding, never sleeping) for it.
/// Starts at <see cref="TestTime.Start"/> unless told otherwise.
/// </summary>
public sealed class WatchedFakeTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    // A guard against a hung test, not a timed assertion.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly HashSet<WatchedTimer> _armed = [];
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();

    public WatchedFakeTimeProvider() : this(TestTime.Start) { }

    /// <summary>Timers that will fire when the clock moves far enough: one-shot timers not yet fired, periodic ones, neither disposed.</summary>
    public int PendingTimers { get { lock (_armed) return _armed.Count; } }

    /// <summary>The due time of every timer started so far, in order: tells a retry's signalled wait from an attempt timeout.</summary>
    public IReadOnlyCollection<TimeSpan> DueTimes => _dueTimes;

    /// <summary>Waits until the code under test has started a wait of exactly <paramref name="delay"/>.</summary>
    public async Task WaitForDelayAsync(TimeSpan delay)
    {
        var watch = Stopwatch.StartNew();
        while (!_dueTimes.Contains(delay))
        {
            if (watch.Elapsed > Patience)
                throw new TimeoutException($"Nothing started a wait of {delay}.");
            await Task.Yield();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this);
        timer.Start(() => base.CreateTimer(s => { timer.Fired(); callback(s); }, state, dueTime, period), dueTime, period);
        return timer;
    }

    private void SetArmed(WatchedTimer timer, bool armed)
    {
        lock (_armed)
        {
            if (armed) _armed.Add(timer);
            else _armed.Remove(timer);
        }
    }

    /// <summary>
    /// Wraps the library's timer to know whether it is armed. Its own lock orders a fire against the arming that follows a
    /// start or change; it is never held while calling into the library, whose Advance fires callbacks.
    /// </summary>
    private sealed class WatchedTimer(WatchedFakeTimeProvider owner) : ITimer
    {
        private readonly object _gate = new();
        private ITimer? _inner;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private int _fires;

        private bool Periodic => _period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero;

        public void Start(Func<ITimer> create, TimeSpan dueTime, TimeSpan period) =>
            Arm(() => _inner = create(), dueTime, period);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = false;
            Arm(() => changed = _inner!.Change(dueTime, period), dueTime, period);
            return changed;
        }

        // Counted once the library has registered the timer, so an Advance a test makes after seeing it is sure to fire it;
        // a one-shot timer that fired meanwhile (a zero due time fires at once) is not counted.
        private void Arm(Action register, TimeSpan dueTime, TimeSpan period)
        {
            int firesBefore;
            lock (_gate)
            {
                _period = period;
                firesBefore = _fires;
            }
            register();
            lock (_gate)
                owner.SetArmed(this, dueTime != Timeout.InfiniteTimeSpan && (Periodic || _fires == firesBefore));
            if (dueTime != Timeout.InfiniteTimeSpan)
                owner._dueTimes.Enqueue(dueTime);
        }

        public void Fired()
        {
            lock (_gate)
            {
                _fires++;
                if (!Periodic)
                    owner.SetArmed(this, false);
            }
        }

        public void Dispose()
        {
            _inner?.Dispose();
            lock (_gate)
                owner.SetArmed(this, false);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
