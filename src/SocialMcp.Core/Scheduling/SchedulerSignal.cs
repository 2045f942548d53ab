namespace SocialMcp.Core.Scheduling;

/// <summary>
/// Wakes the scheduler early. <see cref="Posts.PostService"/> pokes it after committing a change that can move the next
/// due time: a post created scheduled, scheduled, rescheduled, updated or cancelled (not a new draft: it is never due).
/// </summary>
public interface ISchedulerSignal
{
    void Poke();
}

/// <summary>
/// A poke completes the task handed out before it. A worker takes <see cref="NextPoke"/> before it reads the database,
/// so a poke that lands while it reads is not lost: the worker's sleep ends at once. Shared by the scheduler's and the
/// webhook delivery worker's signals.
/// </summary>
public class WakeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = NewSource();

    public Task NextPoke
    {
        get { lock (_gate) return _next.Task; }
    }

    public void Poke()
    {
        TaskCompletionSource poked;
        lock (_gate)
        {
            poked = _next;
            _next = NewSource();
        }
        poked.TrySetResult();
    }

    // The caller of Poke (a tool call) must not run the worker's loop on its own thread.
    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Wakes the scheduler's worker.</summary>
public sealed class SchedulerSignal : WakeSignal, ISchedulerSignal;
