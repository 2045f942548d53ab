using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SQLitePCL;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// Opens connections to the SocialMcp database with foreign keys on and a busy timeout. Connections are pooled: the
/// busy timeout is set once per native connection, not on every open (it was a PRAGMA statement per open).
/// </summary>
public sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    /// <summary>The pooled native handles whose busy timeout is set; an entry goes with its handle.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];

    public SqliteConnectionFactory(IOptions<StorageOptions> options)
    {
        var storage = options.Value;
        DatabasePath = storage.ResolvedPath;
        _busyTimeoutMs = (int)storage.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var handle = connection.Handle!;
        if (!_configured.TryGetValue(handle, out _))
        {
            // A direct call, not a PRAGMA: nothing to prepare. Setting it twice (two opens racing) is harmless.
            var status = raw.sqlite3_busy_timeout(handle, _busyTimeoutMs);
            if (status != raw.SQLITE_OK)
                throw new SqliteException($"Could not set the busy timeout (SQLite error {status}).", status);
            _configured.AddOrUpdate(handle, handle);
        }
        return connection;
    }
}
