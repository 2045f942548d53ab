using Microsoft.Data.Sqlite;
using SocialMcp.Core.Media;
using SocialMcp.Core.Storage;
using SocialMcp.Storage.Repositories;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// Gives each unit of work one connection; writes run inside one BEGIN IMMEDIATE transaction. SQLite allows one writer
/// at a time: writers of this process queue on an async lock first, so a waiting writer parks no thread (SQLite's busy
/// handler sleeps the thread it runs on) and the lock passes on in order. The busy timeout still arbitrates between
/// processes sharing the file.
/// </summary>
public sealed class SqliteStore(SqliteConnectionFactory connections) : IStore
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public async Task<T> ReadAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await work(new StoreSession(new DbContext(connection, null, StorageEngine.Sqlite)));
    }

    public async Task<T> WriteAsync<T>(Func<IStoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            // Immediate: take the write lock up front, so a read-then-write never deadlocks on a lock upgrade.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(new StoreSession(new DbContext(connection, transaction, StorageEngine.Sqlite)));
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }
}
