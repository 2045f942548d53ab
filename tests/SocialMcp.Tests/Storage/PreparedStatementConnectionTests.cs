#if !POSTGRES_TESTS
using Dapper;
using Microsoft.Data.Sqlite;
using SocialMcp.Storage.Sqlite;
using SocialMcp.Tests.Support;
using SQLitePCL;

namespace SocialMcp.Tests.Storage;

/// <summary>
/// The store's pooled connections (<see cref="SqliteConnectionFactory.RentAsync"/>) keep their prepared statements:
/// the same SQL on the same native connection runs the same statement again, with fresh parameters each time, and
/// nothing of one lease (a statement, a parameter, a transaction) reaches another connection or the next lease.
/// </summary>
public sealed class PreparedStatementConnectionTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string CountByTool = "SELECT COUNT(*) FROM audit_log WHERE tool = @tool;";

    // SQLite's SQLITE_STMTSTATUS_RUN: how many times a prepared statement has run since it was prepared.
    private const int StatementRuns = 6;

    private TestServices _services = null!;

    public async Task InitializeAsync()
    {
        _services = await TestServices.CreateInitializedAsync();
        await using var connection = await Factory.OpenAsync(Ct);
        await connection.ExecuteAsync(
            """
            INSERT INTO audit_log (workspace_id, tool, outcome, duration_ms, occurred_at) VALUES
                ('local', 'one', 'ok', 1, '2026-01-01T00:00:00.0000000Z'),
                ('local', 'two', 'ok', 1, '2026-01-01T00:00:00.0000000Z'),
                ('local', 'two', 'ok', 1, '2026-01-01T00:00:00.0000000Z');
            """);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private SqliteConnectionFactory Factory => _services.Get<SqliteConnectionFactory>();

    /// <summary>Runs <paramref name="sql"/> through a command of <paramref name="connection"/> and returns the statement it ran.</summary>
    private static async Task<sqlite3_stmt> StatementOfAsync(PreparedStatementConnection connection, string sql, string tool)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@tool";
        parameter.Value = tool;
        command.Parameters.Add(parameter);
        await using var reader = (SqliteDataReader)await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return reader.Handle!;
    }

    [Fact]
    public async Task RentAsync_SameSqlOnTheSameConnection_RunsTheStatementPreparedBefore()
    {
        sqlite3 handle;
        sqlite3_stmt first;
        await using (var connection = await Factory.RentAsync(Ct))
        {
            handle = connection.Inner.Handle!;
            first = await StatementOfAsync(connection, CountByTool, "one");
        }

        await using var again = await Factory.RentAsync(Ct);
        var second = await StatementOfAsync(again, CountByTool, "two");

        Assert.Same(handle, again.Inner.Handle);
        Assert.Same(first, second);
        Assert.Equal(2, raw.sqlite3_stmt_status(second, StatementRuns, 0));
    }

    [Fact]
    public async Task Dapper_SameSqlWithOtherArguments_ReusesTheStatementWithFreshParameters()
    {
        await using var connection = await Factory.RentAsync(Ct);

        var one = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountByTool, new { tool = "one" }, cancellationToken: Ct));
        var two = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountByTool, new { tool = "two" }, cancellationToken: Ct));
        var none = await connection.QuerySingleAsync<long>(new CommandDefinition(CountByTool, new { tool = "none" }, cancellationToken: Ct));
        var statement = await StatementOfAsync(connection, CountByTool, "one");

        Assert.Equal((1L, 2L, 0L), (one, two, none));
        Assert.Equal(4, raw.sqlite3_stmt_status(statement, StatementRuns, 0));
    }

    [Fact]
    public async Task CreateCommand_AfterAUseWithParameters_StartsWithNone()
    {
        await using var connection = await Factory.RentAsync(Ct);
        await StatementOfAsync(connection, CountByTool, "one");

        await using var command = connection.CreateCommand();
        command.CommandText = CountByTool;

        Assert.Empty(command.Parameters);
        // The statement's earlier binding is not reused: a missing parameter is an error, as on a new command.
        await Assert.ThrowsAsync<InvalidOperationException>(() => command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task RentAsync_TwoLeasesAtOnce_GetTwoConnectionsAndTwoStatements()
    {
        await using var a = await Factory.RentAsync(Ct);
        await using var b = await Factory.RentAsync(Ct);

        var fromA = await StatementOfAsync(a, CountByTool, "one");
        var fromB = await StatementOfAsync(b, CountByTool, "one");

        Assert.NotSame(a.Inner, b.Inner);
        Assert.NotSame(a.Inner.Handle, b.Inner.Handle);
        Assert.NotSame(fromA, fromB);
    }

    [Fact]
    public async Task Dispose_ThenUseTheLeaseOrItsCommand_Throws()
    {
        var connection = await Factory.RentAsync(Ct);
        var command = connection.CreateCommand();
        await connection.DisposeAsync();

        command.CommandText = CountByTool;
        Assert.Throws<ObjectDisposedException>(() => command.Parameters.Count);
        Assert.Throws<ObjectDisposedException>(() => connection.CreateCommand().ExecuteScalar());
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    [Fact]
    public async Task Dispose_WithATransactionLeftOpen_RollsItBackAndTheNextLeaseCanWrite()
    {
        await using (var connection = await Factory.RentAsync(Ct))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO audit_log (workspace_id, tool, outcome, duration_ms, occurred_at) VALUES ('local', 'left-open', 'ok', 1, 'x');",
                transaction: transaction, cancellationToken: Ct));
        }

        await using var next = await Factory.RentAsync(Ct);
        await using var write = next.BeginTransaction(deferred: false);
        Assert.Equal(0L, await next.ExecuteScalarAsync<long>(new CommandDefinition(CountByTool, new { tool = "left-open" }, write, cancellationToken: Ct)));
        await write.CommitAsync(Ct);
    }

    [Fact]
    public async Task RentAsync_AfterTheSchemaChanged_ACachedStatementSeesTheNewSchema()
    {
        const string select = "SELECT * FROM prepared_probe;";
        await using (var plain = await Factory.OpenAsync(Ct))
            await plain.ExecuteAsync("CREATE TABLE prepared_probe (a INTEGER); INSERT INTO prepared_probe VALUES (1);");
        await using (var connection = await Factory.RentAsync(Ct))
            Assert.Single(((IDictionary<string, object>)await connection.QuerySingleAsync(select)).Keys);

        await using (var plain = await Factory.OpenAsync(Ct))
            await plain.ExecuteAsync("ALTER TABLE prepared_probe ADD COLUMN b TEXT DEFAULT 'x';");

        await using var again = await Factory.RentAsync(Ct);
        var row = (IDictionary<string, object>)await again.QuerySingleAsync(select);
        Assert.Equal(new[] { "a", "b" }, row.Keys);
    }

    [Fact]
    public async Task RentAsync_ForeignKeysAndBusyTimeout_AreOnWithoutAPragmaPerOpen()
    {
        await using var connection = await Factory.RentAsync(Ct);

        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys;"));
        Assert.True(await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout;") > 0);
        Assert.DoesNotContain("Foreign Keys", connection.ConnectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Dapper_ListExpansion_MovesTheParametersToTheExpandedStatement()
    {
        await using var connection = await Factory.RentAsync(Ct);

        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM audit_log WHERE tool IN @tools AND workspace_id = @workspace;",
            new { tools = new[] { "one", "two" }, workspace = "local" }, cancellationToken: Ct));

        Assert.Equal(3L, count);
    }
}
#endif
