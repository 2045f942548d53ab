using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// A connection lent by <see cref="SqliteConnectionFactory.RentAsync"/> for one unit of work. Commands made on it (by
/// Dapper or directly) reuse the prepared statement of the same SQL text from earlier units of work on the same native
/// connection; each use starts with no parameters and no transaction of its own. Disposing it gives the connection back
/// to the pool; after that every use of it, or of a command made on it, throws.
/// </summary>
public sealed class PreparedStatementConnection : DbConnection
{
    private readonly SqliteConnectionFactory _owner;
    private PreparedStatementCache? _cache;
    private SqliteTransaction? _transaction;

    internal PreparedStatementConnection(SqliteConnectionFactory owner, PreparedStatementCache cache)
    {
        _owner = owner;
        _cache = cache;
    }

    internal PreparedStatementCache Cache => _cache ?? throw new ObjectDisposedException(nameof(PreparedStatementConnection));

    /// <summary>The SQLite connection underneath (for what only it offers, e.g. its native handle).</summary>
    public SqliteConnection Inner => Cache.Connection;

    /// <summary>The transaction begun on this connection while it is still open, as <see cref="SqliteConnection.CreateCommand"/> would give a command.</summary>
    internal SqliteTransaction? CurrentTransaction => _transaction?.Connection is null ? null : _transaction;

    [AllowNull]
    public override string ConnectionString
    {
        get => _cache?.Connection.ConnectionString ?? "";
        set => throw new NotSupportedException("A pooled connection's connection string is fixed by its factory.");
    }

    public override string Database => Inner.Database;

    public override string DataSource => Inner.DataSource;

    public override string ServerVersion => Inner.ServerVersion;

    public override ConnectionState State => _cache is null ? ConnectionState.Closed : Inner.State;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    /// <summary>A lent connection is open from the start and cannot be opened again once given back.</summary>
    public override void Open()
    {
        if (_cache is null)
            throw new ObjectDisposedException(nameof(PreparedStatementConnection));
    }

    public override void Close() => Release();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Release();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Release();
        return base.DisposeAsync();
    }

    private void Release()
    {
        var cache = _cache;
        if (cache is null)
            return;
        _cache = null;
        // A transaction never ended is rolled back before the connection can be seen by anyone else.
        if (CurrentTransaction is { } open)
            open.Dispose();
        _transaction = null;
        _owner.Return(cache);
    }

    /// <summary>Begins a transaction; <paramref name="deferred"/> false takes SQLite's write lock at once (<c>BEGIN IMMEDIATE</c>).</summary>
    public SqliteTransaction BeginTransaction(bool deferred) => _transaction = Inner.BeginTransaction(deferred);

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => _transaction = Inner.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => new PreparedCommand(this);

    /// <summary>
    /// A command whose SQLite command is taken from the connection's cache when it runs, and given back (its
    /// parameters cleared) when it is disposed or runs another text. Its parameters are its own until it runs: Dapper
    /// rewrites the text after adding parameters (list expansion), so they cannot live on the cached command.
    /// </summary>
    private sealed class PreparedCommand(PreparedStatementConnection connection) : DbCommand
    {
        private PreparedStatementConnection? _connection = connection;
        private PreparedStatementCache? _cache;
        private SqliteCommand? _inner;
        private SqliteDataReader? _reader;
        private readonly ParameterList _parameters = new();
        private string _text = "";
        private SqliteTransaction? _transaction = connection.CurrentTransaction;
        private int? _timeout;

        private PreparedStatementConnection Owner => _connection ?? throw new ObjectDisposedException(nameof(PreparedCommand));

        /// <summary>The SQLite command for the current text, from the cache, with this command's parameters, transaction and timeout.</summary>
        private SqliteCommand Ready()
        {
            var cache = Owner.Cache;
            CloseReader();
            if (_inner is not null && _inner.CommandText != _text)
            {
                _cache!.Return(_inner);
                _inner = null;
            }
            if (_inner is null)
            {
                _cache = cache;
                _inner = cache.Rent(_text);
            }
            var parameters = _inner.Parameters;
            parameters.Clear();
            foreach (SqliteParameter parameter in _parameters)
                parameters.Add(parameter);
            _inner.Transaction = _transaction;
            _inner.CommandTimeout = _timeout ?? Owner.Inner.DefaultTimeout;
            return _inner;
        }

        [AllowNull]
        public override string CommandText
        {
            get => _text;
            set => _text = value ?? "";
        }

        public override int CommandTimeout
        {
            get => _timeout ?? Owner.Inner.DefaultTimeout;
            set => _timeout = value;
        }

        public override CommandType CommandType
        {
            get => CommandType.Text;
            set
            {
                if (value != CommandType.Text)
                    throw new ArgumentException("SQLite runs text commands only.", nameof(value));
            }
        }

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection
        {
            get => _connection;
            set => throw new NotSupportedException("A prepared command stays on the connection that made it.");
        }

        protected override DbParameterCollection DbParameterCollection
        {
            get
            {
                _ = Owner.Cache; // a command of a connection given back is done with
                return _parameters;
            }
        }

        protected override DbTransaction? DbTransaction
        {
            get => _transaction;
            set => _transaction = (SqliteTransaction?)value;
        }

        public override void Cancel()
        {
        }

        protected override DbParameter CreateDbParameter() => new SqliteParameter();

        public override void Prepare() => Ready().Prepare();

        public override int ExecuteNonQuery() => Ready().ExecuteNonQuery();

        public override object? ExecuteScalar() => Ready().ExecuteScalar();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => _reader = Ready().ExecuteReader(behavior);

        // Microsoft.Data.Sqlite runs synchronously; these skip the base class's extra task per call.
        public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ExecuteNonQuery());
        }

        public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ExecuteScalar());
        }

        protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ExecuteDbDataReader(behavior));
        }

        /// <summary>As disposing a SQLite command does, a reader still open is closed (its statement reset) before the next use.</summary>
        private void CloseReader()
        {
            if (_reader is { IsClosed: false } reader)
                reader.Dispose();
            _reader = null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && _connection is not null)
            {
                CloseReader();
                if (_inner is not null)
                    _cache!.Return(_inner);
                _inner = null;
                _cache = null;
                _connection = null;
            }
            base.Dispose(disposing);
        }

        /// <summary>Microsoft.Data.Sqlite's parameter collection, made here (its constructor is for derived classes).</summary>
        private sealed class ParameterList : SqliteParameterCollection;
    }
}
