using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// Bounds how many targets are published at once per account (<c>Scheduling:MaxConcurrentPerAccount</c>) and per
/// platform (<c>Scheduling:MaxConcurrentPerPlatform</c>), for every publish: the scheduler's and publish_post's.
/// A platform's slots are shared fairly between workspaces (<see cref="FairSlots"/>): one workspace's queue of posts
/// cannot keep another's waiting behind it.
/// </summary>
public sealed class PublishConcurrency(IOptions<SchedulingOptions> options)
{
    private readonly ConcurrentDictionary<Platform, FairSlots> _platforms = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _accounts = new(StringComparer.Ordinal);

    /// <summary>Waits for a slot of the account, then of its platform; dispose the result to give both back.</summary>
    public Task<IDisposable> EnterAsync(Platform platform, string accountId, CancellationToken cancellationToken) =>
        EnterAsync(platform, accountId, workspaceId: "", cancellationToken);

    /// <summary>As above, with the platform's slots shared fairly between workspaces.</summary>
    public async Task<IDisposable> EnterAsync(Platform platform, string accountId, string workspaceId, CancellationToken cancellationToken)
    {
        // Account first: a post waiting for its busy account must not hold a platform slot other accounts could use.
        var account = _accounts.GetOrAdd(accountId, _ => new SemaphoreSlim(options.Value.MaxConcurrentPerAccount));
        await account.WaitAsync(cancellationToken);
        var perPlatform = _platforms.GetOrAdd(platform, _ => new FairSlots(options.Value.MaxConcurrentPerPlatform));
        try
        {
            await perPlatform.EnterAsync(workspaceId, cancellationToken);
        }
        catch
        {
            account.Release();
            throw;
        }
        return new Slot(account, perPlatform, workspaceId);
    }

    private sealed class Slot(SemaphoreSlim account, FairSlots platform, string workspaceId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            platform.Release(workspaceId);
            account.Release();
        }
    }
}

/// <summary>
/// A counting gate whose freed slot goes to the waiting workspace that holds the fewest slots right now (ties: the one
/// that has waited longest), then to that workspace's oldest waiter. A workspace with many queued posts therefore gets
/// no more than its share while others wait, and uses every slot when nobody else does.
/// </summary>
public sealed class FairSlots(int capacity)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedList<TaskCompletionSource>> _waiting = new(StringComparer.Ordinal);

    // Workspaces with waiters, in the order they started waiting (a served workspace that still waits goes to the back).
    private readonly LinkedList<string> _turns = new();
    private int _inUse;

    public int Capacity => capacity;

    /// <summary>Slots in use and posts waiting, over all workspaces: for tests and diagnostics.</summary>
    public (int InUse, int Waiting) Snapshot()
    {
        lock (_gate)
            return (_inUse, _waiting.Values.Sum(w => w.Count));
    }

    public Task EnterAsync(string workspaceId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_inUse < capacity && _turns.Count == 0)
            {
                _inUse++;
                Hold(workspaceId, +1);
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiting.TryGetValue(workspaceId, out var queue))
            {
                queue = new LinkedList<TaskCompletionSource>();
                _waiting[workspaceId] = queue;
                _turns.AddLast(workspaceId);
            }
            var node = queue.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                var registration = cancellationToken.Register(() => Cancel(workspaceId, node, cancellationToken));
                waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            return waiter.Task;
        }
    }

    public void Release(string workspaceId)
    {
        lock (_gate)
        {
            Hold(workspaceId, -1);
            if (NextWorkspace() is not { } next)
            {
                _inUse--;
                return;
            }
            // The slot passes straight to the chosen waiter: _inUse stays the same.
            var queue = _waiting[next.Value];
            var waiter = queue.First!.Value;
            queue.RemoveFirst();
            _turns.Remove(next);
            if (queue.Count > 0)
                _turns.AddLast(next.Value);
            else
                _waiting.Remove(next.Value);
            Hold(next.Value, +1);
            waiter.TrySetResult();
        }
    }

    private LinkedListNode<string>? NextWorkspace()
    {
        LinkedListNode<string>? best = null;
        for (var node = _turns.First; node is not null; node = node.Next)
        {
            if (best is null || _held.GetValueOrDefault(node.Value) < _held.GetValueOrDefault(best.Value))
                best = node;
        }
        return best;
    }

    private void Cancel(string workspaceId, LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Already granted (the task completed under this lock): the holder's dispose gives the slot back.
            if (node.List is null || !node.Value.TrySetCanceled(cancellationToken))
                return;
            var queue = node.List;
            queue.Remove(node);
            if (queue.Count == 0)
            {
                _waiting.Remove(workspaceId);
                _turns.Remove(workspaceId);
            }
        }
    }

    private void Hold(string workspaceId, int change)
    {
        var held = _held.GetValueOrDefault(workspaceId) + change;
        if (held <= 0)
            _held.Remove(workspaceId);
        else
            _held[workspaceId] = held;
    }
}
