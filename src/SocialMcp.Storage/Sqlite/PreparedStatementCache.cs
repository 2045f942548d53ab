using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// One open SQLite connection kept by <see cref="SqliteConnectionFactory"/>'s pool, with the commands already run on it,
/// by SQL text. Microsoft.Data.Sqlite keeps a command's prepared statements while its text and connection stay the same,
/// but disposes them when the command or its <see cref="SqliteConnection"/> is closed; a pooled open connection with its
/// commands lets the next unit of work that runs the same SQL skip <c>sqlite3_prepare</c> altogether.
/// Used by one <see cref="PreparedStatementConnection"/> at a time, never by two: the pool hands it out exclusively.
/// </summary>
internal sealed class PreparedStatementCache(SqliteConnection connection)
{
    /// <summary>Bounds the statements kept per connection; SQL built per call (Dapper's list expansion) past it is not kept.</summary>
    public const int MaxStatements = 256;

    private readonly Dictionary<string, SqliteCommand> _idle = new(StringComparer.Ordinal);

    /// <summary>Commands handed out and not yet given back.</summary>
    private int _rented;

    private bool _closed;

    public SqliteConnection Connection { get; } = connection;

    /// <summary>How many statements are kept (tests).</summary>
    internal int IdleCount => _idle.Count;

    /// <summary>
    /// The command for <paramref name="sql"/>: the one run before on this connection if it is idle, otherwise a new one.
    /// Taken out of the cache while in use, so a second use of the same SQL at the same time (a reader still open) gets
    /// a command of its own.
    /// </summary>
    public SqliteCommand Rent(string sql)
    {
        _rented++;
        if (_idle.Remove(sql, out var command))
            return command;
        command = Connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Takes a command back with nothing of its last use left on it: no parameters, no transaction, the default timeout.</summary>
    public void Return(SqliteCommand command)
    {
        _rented--;
        if (_closed)
        {
            // Given back after the connection was closed (its lease ended first): nothing to keep.
            command.Dispose();
            return;
        }
        command.Parameters.Clear();
        command.Transaction = null;
        command.CommandTimeout = Connection.DefaultTimeout;
        if (command.CommandText.Length == 0 || _idle.Count >= MaxStatements || !_idle.TryAdd(command.CommandText, command))
            command.Dispose();
    }

    /// <summary>
    /// Whether the connection can go back to the pool: no command still out, no transaction left open (a unit of work that
    /// did not end its transaction must not hand it to the next).
    /// </summary>
    public bool IsReusable =>
        _rented == 0
        && !_closed
        && Connection.State == System.Data.ConnectionState.Open
        && Connection.Handle is { } handle
        && raw.sqlite3_get_autocommit(handle) != 0;

    /// <summary>Finalizes every kept statement and closes the connection (its native handle goes back to Microsoft.Data.Sqlite's pool).</summary>
    public void Close()
    {
        _closed = true;
        foreach (var command in _idle.Values)
            command.Dispose();
        _idle.Clear();
        Connection.Dispose();
    }
}
