using Microsoft.Data.Sqlite;
using SocialMcp.Core.Access;
using SocialMcp.Core.Storage;
using SocialMcp.Storage.Repositories;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// Gives each unit of work one connection. Writes use group commit: SQLite allows one writer at a time and each commit
/// waits for an fsync (synchronous stays FULL), so units of work that arrive while a transaction is running are run
/// together, in arrival order, in the next <c>BEGIN IMMEDIATE</c> transaction, and share its commit. Inside a shared
/// transaction each unit runs in a SAVEPOINT of its own, so a unit that throws is rolled back alone. No caller is
/// answered before the COMMIT that holds its unit has returned, and a failed COMMIT fails every unit of its batch.
/// A unit that arrives alone runs exactly as before: one transaction of its own, no savepoint.
/// The busy timeout still arbitrates between processes sharing the file.
/// A unit written for a tool call also stores the call's audit row (<see cref="ToolCallAudit"/>) in its transaction, if
/// no earlier write of the call did: the tool's write and its audit entry share one commit.
/// Connections are rented from <see cref="SqliteConnectionFactory"/>'s pool, so a statement a unit runs again on the
/// same connection is not prepared again.
/// A batch made only of record writes (<see cref="WriteRecordAsync"/>: audit rows of calls that wrote nothing else) commits
/// with <c>synchronous = NORMAL</c>: in WAL mode the commit is written to the WAL but not fsync'd, so it survives a crash
/// of this process (the operating system holds the write) and becomes durable with the next fsync'd commit or checkpoint;
/// only a power loss or an operating-system crash before then can lose it. Any other write in the batch makes it FULL.
/// </summary>
public sealed class SqliteStore(SqliteConnectionFactory connections) : IStore
{
    /// <summary>Bounds one transaction (and how long it holds SQLite's write lock); the rest waits for the next.</summary>
    public const int MaxBatch = 64;

    private readonly Lock _gate = new();
    private List<IWriteUnit> _queue = [];
    private bool _writing;

    public async Task<T> ReadAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await connections.RentAsync(cancellationToken);
        return await work(new StoreSession(new DbContext(connection, null, StorageEngine.Sqlite)));
    }

    public Task<T> WriteAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        Enqueue(work, waitsForDisk: true, cancellationToken);

    public Task<T> WriteRecordAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        Enqueue(work, waitsForDisk: false, cancellationToken);

    private Task<T> Enqueue<T>(Func<IStoreSession, Task<T>> work, bool waitsForDisk, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        var unit = new WriteUnit<T>(work, ExecutionContext.Capture(), ToolCallAudit.Current, waitsForDisk, cancellationToken);
        bool start;
        lock (_gate)
        {
            _queue.Add(unit);
            start = !_writing;
            _writing = true;
        }
        // The writer loop runs apart from any caller (without its execution context): each unit runs in its own
        // caller's context instead, and no caller waits for batches after its own.
        if (start)
        {
            using (ExecutionContext.SuppressFlow())
                _ = Task.Run(WriteAllAsync);
        }
        return unit.Done.Task;
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            List<IWriteUnit> batch;
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
            await WriteBatchAsync(batch);
        }
    }

    private async Task WriteBatchAsync(List<IWriteUnit> batch)
    {
        // A unit whose caller gave up before its turn is not run at all.
        var live = new List<IWriteUnit>(batch.Count);
        foreach (var unit in batch)
        {
            if (unit.CancellationToken.IsCancellationRequested)
                unit.Cancel();
            else
                live.Add(unit);
        }
        if (live.Count == 0)
            return;

        try
        {
            await using var connection = await connections.RentAsync(CancellationToken.None);
            using var _ = live.TrueForAll(unit => !unit.WaitsForDisk) ? new CommitWithoutFsync(connection) : null;
            // Immediate: take the write lock up front, so a read-then-write never deadlocks on a lock upgrade.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var session = new StoreSession(new DbContext(connection, transaction, StorageEngine.Sqlite));
            if (live.Count == 1)
            {
                // Alone: the unit's failure rolls the whole transaction back (disposing it), as it always did.
                await live[0].RunAsync(session);
                await live[0].StoreAuditAsync(session);
            }
            else
            {
                const string savepoint = "unit";
                foreach (var unit in live)
                {
                    await transaction.SaveAsync(savepoint);
                    try
                    {
                        await unit.RunAsync(session);
                        await unit.StoreAuditAsync(session);
                    }
                    catch (Exception ex)
                    {
                        // If the rollback itself fails the transaction is unusable: the outer catch fails the batch.
                        await transaction.RollbackAsync(savepoint);
                        unit.Failed = ex;
                        unit.AuditNotStored();
                    }
                    await transaction.ReleaseAsync(savepoint);
                }
            }
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Nothing of this batch is stored: every unit fails, a unit that threw with its own exception.
            foreach (var unit in live)
            {
                unit.AuditNotStored();
                unit.Fail(unit.Failed ?? ex);
            }
            return;
        }
        foreach (var unit in live)
        {
            // Before the caller is answered, so the call's audit knows its row is stored when the tool returns.
            unit.AuditCommitted();
            if (unit.Failed is { } failed)
                unit.Fail(failed);
            else
                unit.Succeed();
        }
    }

    /// <summary>
    /// <c>synchronous = NORMAL</c> on one connection from before its transaction begins until after it has ended, then FULL
    /// again (the setting is the connection's, and the connection goes back to the pool). Both statements are prepared
    /// once per connection, in its statement cache, like every other statement.
    /// </summary>
    private sealed class CommitWithoutFsync : IDisposable
    {
        private readonly PreparedStatementConnection _connection;

        public CommitWithoutFsync(PreparedStatementConnection connection)
        {
            _connection = connection;
            Run("PRAGMA synchronous = NORMAL;");
        }

        public void Dispose() => Run("PRAGMA synchronous = FULL;");

        private void Run(string pragma)
        {
            try
            {
                using var command = _connection.CreateCommand();
                command.CommandText = pragma;
                command.ExecuteNonQuery();
            }
            catch
            {
                // A connection whose setting is unknown must not serve a durable write: it is closed, not pooled.
                _connection.Inner.Close();
                throw;
            }
        }
    }

    private interface IWriteUnit
    {
        CancellationToken CancellationToken { get; }
        /// <summary>False for a record write (<see cref="WriteRecordAsync"/>), whose commit need not reach the disk first.</summary>
        bool WaitsForDisk { get; }
        Exception? Failed { get; set; }
        Task RunAsync(StoreSession session);
        Task StoreAuditAsync(StoreSession session);
        void AuditNotStored();
        void AuditCommitted();
        void Succeed();
        void Fail(Exception exception);
        void Cancel();
    }

    private sealed class WriteUnit<T>(Func<IStoreSession, Task<T>> work, ExecutionContext? context, ToolCallAudit? audit,
        bool waitsForDisk, CancellationToken cancellationToken) : IWriteUnit
    {
        public bool WaitsForDisk => waitsForDisk;

        private T _result = default!;
        private long? _auditRowId;

        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken CancellationToken => cancellationToken;

        public Exception? Failed { get; set; }

        public async Task RunAsync(StoreSession session)
        {
            // Started in the caller's execution context, so its AsyncLocals (the current span, the caller) are the
            // ones the work sees, as if it ran on the caller's own flow.
            Task<T> running;
            if (context is null)
            {
                running = work(session);
            }
            else
            {
                Task<T>? started = null;
                ExecutionContext.Run(context, _ => started = work(session), null);
                running = started!;
            }
            _result = await running;
        }

        /// <summary>After the unit's work succeeded: its tool call's audit row, if no other write of the call holds it.</summary>
        public async Task StoreAuditAsync(StoreSession session)
        {
            if (audit?.TryClaim() is not { } entry)
                return;
            try
            {
                _auditRowId = await session.Audit.InsertAsync(entry, CancellationToken.None);
            }
            catch
            {
                audit.NotStored();
                throw;
            }
        }

        public void AuditNotStored()
        {
            if (_auditRowId is null)
                return;
            _auditRowId = null;
            audit!.NotStored();
        }

        public void AuditCommitted()
        {
            if (_auditRowId is not { } id)
                return;
            if (Failed is null)
                audit!.Stored(id);
            else
                AuditNotStored();
        }

        public void Succeed() => Done.TrySetResult(_result);

        public void Fail(Exception exception)
        {
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
                Done.TrySetCanceled(cancellationToken);
            else
                Done.TrySetException(exception);
        }

        public void Cancel() => Done.TrySetCanceled(cancellationToken);
    }
}
