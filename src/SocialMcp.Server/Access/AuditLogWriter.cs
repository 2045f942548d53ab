using SocialMcp.Core.Access;
using SocialMcp.Core.Storage;

namespace SocialMcp.Server.Access;

/// <summary>
/// Appends audit entries with group commit: a call's entry is committed when <see cref="AppendAsync"/> completes, as
/// with one transaction per call, but entries that arrive while a write is in progress go into the next transaction
/// together. One transaction per call made concurrent calls take turns at SQLite's write lock, whose busy handler
/// waits by sleeping: at 16 concurrent read calls the audit write, not the tool, set the pace (bench/README.md).
/// A call that writes stores its entry in its own first write's transaction instead (<see cref="RecordAsync"/>).
/// The entries of calls that wrote nothing else go in as record writes (<see cref="IStore.WriteRecordAsync"/>): committed
/// before the call is answered, so a crash of the server keeps them, without each read waiting for an fsync of its own
/// (docs/decisions.md, issue 18: reads' audit rows).
/// </summary>
public sealed class AuditLogWriter(IStore store)
{
    // Bounds one transaction; what is left waits for the next one.
    private const int MaxBatch = 256;

    private readonly Lock _gate = new();
    private List<Pending> _queue = [];
    private bool _writing;

    /// <summary>
    /// Records a finished tool call whose writes were offered its row (<see cref="ToolCallAudit"/>): nothing more if a
    /// write stored it and the call ended as stored ("ok"); the outcome corrected if it ended otherwise after that write;
    /// otherwise (a read, a call that failed before writing, a store that does not take the offer) appended here.
    /// </summary>
    public async Task RecordAsync(ToolCallAudit audit, AuditEntry entry)
    {
        if (await audit.CloseAsync() is not { } stored)
        {
            await AppendAsync(entry);
            return;
        }
        if (stored.Entry.Outcome == entry.Outcome)
            return;
        await store.WriteAsync(async session =>
        {
            await session.Audit.SetOutcomeAsync(stored.RowId, entry.Outcome, entry.DurationMs, CancellationToken.None);
            return 0;
        }, CancellationToken.None);
    }

    public Task AppendAsync(AuditEntry entry)
    {
        var pending = new Pending(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _queue.Add(pending);
            start = !_writing;
            _writing = true;
        }
        // The writer runs apart from this call (and without its execution context), so no caller waits for other
        // callers' batches after its own.
        if (start)
        {
            using (ExecutionContext.SuppressFlow())
                _ = Task.Run(WriteAllAsync);
        }
        return pending.Done.Task;
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }
                if (_queue.Count <= MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, MaxBatch);
                    _queue.RemoveRange(0, MaxBatch);
                }
            }

            try
            {
                await store.WriteRecordAsync(async session =>
                {
                    foreach (var pending in batch)
                        await session.Audit.AppendAsync(pending.Entry, CancellationToken.None);
                    return 0;
                }, CancellationToken.None);
                foreach (var pending in batch)
                    pending.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                // Each caller logs its own failure; the next batch tries again.
                foreach (var pending in batch)
                    pending.Done.TrySetException(ex);
            }
        }
    }

    private sealed record Pending(AuditEntry Entry, TaskCompletionSource Done);
}
