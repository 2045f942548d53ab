using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SQLitePCL;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// Opens connections to the SocialMcp database with foreign keys on and a busy timeout, both set once per native
/// connection rather than on every open (each was a statement per open: a PRAGMA in Microsoft.Data.Sqlite's Open for
/// foreign keys, and ours for the busy timeout).
/// The store's units of work <see cref="RentAsync">rent</see> connections from a pool of open connections that keep
/// their prepared statements (<see cref="PreparedStatementConnection"/>); <see cref="OpenAsync"/> gives a plain
/// connection of its own (migrations, transfers, tests).
/// </summary>
public sealed class SqliteConnectionFactory : IDisposable
{
    /// <summary>
    /// Open connections kept for the next unit of work; more are opened while more units run at once, and those past
    /// this many are closed when given back.
    /// </summary>
    public const int MaxIdle = 16;

    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    /// <summary>The pooled native handles already set up; an entry goes with its handle.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];

    private readonly Lock _gate = new();
    private readonly Stack<PreparedStatementCache> _idle = new();
    private bool _disposed;

    public SqliteConnectionFactory(IOptions<StorageOptions> options)
    {
        var storage = options.Value;
        DatabasePath = storage.ResolvedPath;
        _busyTimeoutMs = (int)storage.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Not ForeignKeys = true: Microsoft.Data.Sqlite would run its PRAGMA on every open. Set once per handle below.
            Pooling = true,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>A connection of the caller's own (not from the store's pool), set up like every other.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        try
        {
            Configure(connection.Handle!);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return connection;
    }

    /// <summary>
    /// An open connection for one unit of work, used by nobody else until it is disposed. Statements run on it before
    /// (by earlier units of work) are reused rather than prepared again.
    /// </summary>
    public async ValueTask<PreparedStatementConnection> RentAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PreparedStatementCache? cache = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _idle.TryPop(out cache);
        }
        cache ??= new PreparedStatementCache(await OpenAsync(cancellationToken));
        return new PreparedStatementConnection(this, cache);
    }

    /// <summary>Takes a connection back from its lease: kept if it is clean and there is room, otherwise closed.</summary>
    internal void Return(PreparedStatementCache cache)
    {
        if (cache.IsReusable)
        {
            lock (_gate)
            {
                if (!_disposed && _idle.Count < MaxIdle)
                {
                    _idle.Push(cache);
                    return;
                }
            }
        }
        cache.Close();
    }

    /// <summary>
    /// Closes the pooled connections that wait for a unit of work, as <see cref="SqliteConnection.ClearAllPools"/> does
    /// for Microsoft.Data.Sqlite's pool: the next unit of work opens the database file again (after it was replaced).
    /// Connections lent now are kept until they come back.
    /// </summary>
    public void ClearPool()
    {
        PreparedStatementCache[] idle;
        lock (_gate)
        {
            idle = [.. _idle];
            _idle.Clear();
        }
        foreach (var cache in idle)
            cache.Close();
    }

    /// <summary>How many open connections wait in the pool (tests).</summary>
    internal int IdleCount
    {
        get
        {
            lock (_gate)
                return _idle.Count;
        }
    }

    /// <summary>Closes the pooled connections; connections still lent are closed when they come back.</summary>
    public void Dispose()
    {
        lock (_gate)
            _disposed = true;
        ClearPool();
    }

    private void Configure(sqlite3 handle)
    {
        if (_configured.TryGetValue(handle, out _))
            return;
        // Direct calls and one PRAGMA, once per native handle; doing it twice (two opens racing) is harmless.
        var status = raw.sqlite3_busy_timeout(handle, _busyTimeoutMs);
        if (status != raw.SQLITE_OK)
            throw new SqliteException($"Could not set the busy timeout (SQLite error {status}).", status);
        status = raw.sqlite3_exec(handle, "PRAGMA foreign_keys = ON;");
        if (status != raw.SQLITE_OK)
            throw new SqliteException($"Could not turn foreign keys on (SQLite error {status}).", status);
        _configured.AddOrUpdate(handle, handle);
    }
}
