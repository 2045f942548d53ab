using System.Collections.Concurrent;
using System.Diagnostics;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.TikTok;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also remembers the delay of every timer created, so a test can wait for
/// one particular wait (a Retry-After of 7 s) rather than for "some timer": each HTTP attempt holds a timeout timer
/// of its own, which a plain timer count cannot tell apart from the retry's delay. Used by the TikTok and Amazon tests.
/// </summary>
internal sealed class WatchedClock : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _created = new();

    public FakeTimeProvider Clock { get; } = new();

    public override DateTimeOffset GetUtcNow() => Clock.GetUtcNow();

    public override long GetTimestamp() => Clock.GetTimestamp();

    public override long TimestampFrequency => Clock.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Clock.CreateTimer(callback, state, dueTime, period);
        // Recorded once the timer is registered, so an Advance that follows the wait is sure to fire it.
        _created.Enqueue(dueTime);
        return timer;
    }

    public void Advance(TimeSpan by) => Clock.Advance(by);

    /// <summary>Waits (yielding, not sleeping) until the code under test has started a wait of exactly <paramref name="delay"/>.</summary>
    public async Task WaitForDelayAsync(TimeSpan delay)
    {
        var watch = Stopwatch.StartNew();
        while (!_created.Contains(delay))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException($"Nothing started a wait of {delay}.");
            await Task.Yield();
        }
    }
}
