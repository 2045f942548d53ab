using System.Data;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Telemetry;
using SocialMcp.Storage.Repositories;

namespace SocialMcp.Storage.Postgres;

/// <summary>
/// The shared store of a multi-instance deployment. Each unit of work gets one pooled connection; a write runs in one
/// SERIALIZABLE transaction, which gives every instance the guarantee the SQLite store gets from its single writer: a
/// read-then-write (an idempotency key looked up then inserted, a quota counted then spent) behaves as if the writes ran
/// one after another. When PostgreSQL aborts a transaction to keep that promise (serialization failure or deadlock),
/// the unit of work is run again from the start, on fresh reads; units of work touch only the database, so a rerun is safe.
/// Re-runs take turns under one advisory lock shared by every instance, and each conflict is counted
/// (<c>socialmcp.store.write_conflicts</c>), so an operator sees contention before it turns into errors.
/// </summary>
public sealed class PostgresStore(PostgresDataSource connections, ILogger<PostgresStore> logger) : IStore
{
    /// <summary>
    /// Runs of one unit of work before the conflict is reported. Instances publishing at once conflict often (every publish
    /// reads the account's quota window that the others write), so the budget is generous and the pauses grow.
    /// </summary>
    internal const int MaxAttempts = 30;

    public async Task<T> ReadAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await work(new StoreSession(new DbContext(connection, null, StorageEngine.Postgres)));
    }

    public async Task<T> WriteAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            // A first run goes straight in. A re-run first waits its turn behind the other instances' re-runs: units that
            // collided once tend to collide again (they touch the same rows), and run one at a time they cannot.
            var takesTurn = attempt > 1;
            if (takesTurn)
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key);", new { key = RerunTurnKey }, cancellationToken: cancellationToken));
            try
            {
                // The lock is taken before BEGIN on purpose: a SERIALIZABLE transaction's snapshot is taken at its first
                // statement, and a snapshot taken before the wait would be stale by the time the turn comes.
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
                var result = await work(new StoreSession(new DbContext(connection, transaction, StorageEngine.Postgres)));
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException e) when (IsRetryable(e) && attempt < MaxAttempts)
            {
                SocialMcpTelemetry.StoreWriteConflicts.Add(1, new KeyValuePair<string, object?>(SocialMcpTelemetry.Tags.SqlState, e.SqlState));
                logger.LogDebug("Write conflict ({SqlState}), attempt {Attempt}: running the unit of work again", e.SqlState, attempt);
            }
            finally
            {
                if (takesTurn)
                    await ReleaseTurnAsync(connection);
            }
            // A short random pause (after the turn is released) spreads first runs that collided.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 4 << Math.Min(attempt, 4))), cancellationToken);
        }
    }

    /// <summary>
    /// Durable, like <see cref="WriteAsync{T}"/>: <c>synchronous_commit = off</c> would trade a crash of the database
    /// server, not only of the machine, for speed (docs/decisions.md, issue 18: reads' audit rows).
    /// </summary>
    public Task<T> WriteRecordAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync(work, cancellationToken);

    /// <summary>The advisory lock key re-runs take turns on ("SMCPRRUN" as 8 bytes); every instance uses the same.</summary>
    public const long RerunTurnKey = 0x534D43505252554E;

    /// <summary>40001 serialization_failure, 40P01 deadlock_detected: the transaction was rolled back and may simply run again.</summary>
    internal static bool IsRetryable(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    private async Task ReleaseTurnAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key);", new { key = RerunTurnKey });
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is not returned to the pool, and its session's locks end with it.
            logger.LogDebug(e, "Could not release the re-run turn; the connection's session ends it");
        }
    }
}
