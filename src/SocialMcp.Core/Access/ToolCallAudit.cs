namespace SocialMcp.Core.Access;

/// <summary>
/// The audit row of the tool call in progress, offered to the call's first write so that both share one commit (one
/// fsync instead of two for a tool such as create_post). A store that supports it calls <see cref="TryClaim"/> after a
/// unit of work of the call succeeded, inserts the entry in the same transaction, and reports <see cref="Stored"/> once
/// that transaction committed, or <see cref="NotStored"/> if it did not. When the call ends, whoever audits it calls
/// <see cref="CloseAsync"/>: no write claims the row after that, and it learns whether a write stored the row (then it
/// corrects the outcome if the call ended otherwise than "ok") or not (then it appends the row itself, as for a read).
/// Flows with the call's execution context (an <see cref="AsyncLocal{T}"/>), as far as the writes the call awaits.
/// </summary>
public sealed class ToolCallAudit(Func<AuditEntry> entryNow)
{
    // Dropped once no write can claim the row any more: background work the call started keeps this object in its
    // execution context, and should not keep the call's request alive through the closure.
    private Func<AuditEntry>? _entryNow = entryNow;

    private static readonly AsyncLocal<ToolCallAudit?> InProgress = new();

    private const int Open = 0, Claimed = 1, StoredState = 2, Closed = 3;

    private readonly Lock _gate = new();
    private int _state;
    private long _rowId;
    private AuditEntry? _entry;
    private TaskCompletionSource? _settled;

    /// <summary>The audit of the tool call this code runs for, if any.</summary>
    public static ToolCallAudit? Current => InProgress.Value;

    /// <summary>Makes this the <see cref="Current"/> audit until the returned scope is disposed.</summary>
    public Scope Begin()
    {
        var previous = InProgress.Value;
        InProgress.Value = this;
        return new Scope(previous);
    }

    /// <summary>The entry to insert in the caller's transaction (outcome "ok", duration so far), or null if it is not this write's to store.</summary>
    public AuditEntry? TryClaim()
    {
        lock (_gate)
        {
            if (_state != Open || _entryNow is null)
                return null;
            _state = Claimed;
            return _entry = _entryNow();
        }
    }

    /// <summary>The claiming write committed: the row <paramref name="rowId"/> holds the call's entry.</summary>
    public void Stored(long rowId)
    {
        lock (_gate)
        {
            if (_state != Claimed)
                return;
            _state = StoredState;
            _rowId = rowId;
            _entryNow = null;
            _settled?.TrySetResult();
        }
    }

    /// <summary>The claiming write rolled back or its commit failed: the row is not stored, a later write may claim it.</summary>
    public void NotStored()
    {
        lock (_gate)
        {
            if (_state != Claimed)
                return;
            _state = Open;
            _entry = null;
            _settled?.TrySetResult();
        }
    }

    /// <summary>
    /// Ends the call's offer. Returns the stored row (its id and the entry as stored) if a write of the call committed
    /// it, otherwise null, and from then on no write claims it. If a write holds the claim still, waits for its commit.
    /// </summary>
    public async Task<(long RowId, AuditEntry Entry)?> CloseAsync()
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                switch (_state)
                {
                    case Open:
                        _state = Closed;
                        _entryNow = null;
                        return null;
                    case StoredState:
                        return (_rowId, _entry!);
                    case Closed:
                        return null;
                }
                _settled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _settled.Task;
            }
            await wait;
            lock (_gate)
                _settled = null;
        }
    }

    public readonly struct Scope(ToolCallAudit? previous) : IDisposable
    {
        public void Dispose() => InProgress.Value = previous;
    }
}
