using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using SocialMcp.Core.Storage;
using SocialMcp.Storage.Repositories;

namespace SocialMcp.Storage.Postgres;

/// <summary>
/// The shared store of a multi-instance deployment. Each unit of work gets one pooled connection; a write runs in one
/// SERIALIZABLE transaction, which gives every instance the guarantee the SQLite store gets from its single writer: a
/// read-then-write (an idempotency key looked up then inserted, a quota counted then spent) behaves as if the writes ran
/// one after another. When PostgreSQL aborts a transaction to keep that promise (serialization failure or deadlock),
/// the unit of work is run again from the start, on fresh reads; units of work touch only the database, so a rerun is safe.
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
            try
            {
                await using var connection = await connections.OpenAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
                var result = await work(new StoreSession(new DbContext(connection, transaction, StorageEngine.Postgres)));
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException e) when (IsRetryable(e) && attempt < MaxAttempts)
            {
                logger.LogDebug("Write conflict ({SqlState}), attempt {Attempt}: running the unit of work again", e.SqlState, attempt);
                // A random pause, its ceiling doubling with each attempt up to 256 ms, spreads the retries of transactions that collided.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 4 << Math.Min(attempt, 6))), cancellationToken);
            }
        }
    }

    /// <summary>40001 serialization_failure, 40P01 deadlock_detected: the transaction was rolled back and may simply run again.</summary>
    internal static bool IsRetryable(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;
}
