#if !POSTGRES_TESTS
using Dapper;
using Microsoft.Data.Sqlite;
using SocialMcp.Core.Access;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Storage.Sqlite;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Storage;

/// <summary>
/// Group commit in <see cref="SqliteStore"/>: writes that queue behind a running transaction share the next one. Each
/// test holds the writer in a first unit of work until the others are queued, so they form one batch.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private IStore Store => _services.Store;

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Task AppendAsync(IStoreSession session, string tool) => session.Audit.AppendAsync(new AuditEntry
    {
        WorkspaceId = LocalWorkspace.Id,
        Tool = tool,
        Outcome = "ok",
        DurationMs = 1,
        OccurredAt = TestServices.Start,
    }, Ct);

    /// <summary>A write that holds the writer until <paramref name="release"/> is set; returns once it is running.</summary>
    private async Task<Task<int>> HoldWriterAsync(TaskCompletionSource release)
    {
        var running = Signal();
        var held = Store.WriteAsync(async _ =>
        {
            running.SetResult();
            await release.Task;
            return 0;
        }, Ct);
        await running.Task;
        return held;
    }

    /// <summary>What the units stored, read on a connection of its own (so only committed rows).</summary>
    private async Task<List<string>> StoredToolsAsync()
    {
        await using var connection = await _services.Get<SqliteConnectionFactory>().OpenAsync(Ct);
        return (await connection.QueryAsync<string>("SELECT tool FROM audit_log WHERE tool LIKE 'gc-%' ORDER BY id;")).ToList();
    }

    [Fact]
    public async Task WriteAsync_OneUnitOfABatchThrows_OnlyThatUnitIsRolledBack()
    {
        var release = Signal();
        var held = await HoldWriterAsync(release);

        var first = Store.WriteAsync(async s => { await AppendAsync(s, "gc-first"); return 1; }, Ct);
        var failing = Store.WriteAsync<int>(async s =>
        {
            await AppendAsync(s, "gc-failing");
            throw new InvalidOperationException("this unit fails");
        }, Ct);
        var last = Store.WriteAsync(async s => { await AppendAsync(s, "gc-last"); return 3; }, Ct);
        release.SetResult();

        await held;
        Assert.Equal(1, await first);
        Assert.Equal(3, await last);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("this unit fails", thrown.Message);
        Assert.Equal(["gc-first", "gc-last"], await StoredToolsAsync());
    }

    [Fact]
    public async Task WriteAsync_UnitDoneWhileItsBatchRuns_IsAnsweredOnlyAfterTheCommit()
    {
        var release = Signal();
        var held = await HoldWriterAsync(release);

        var done = Store.WriteAsync(async s => { await AppendAsync(s, "gc-done"); return 42; }, Ct);
        var laterRunning = Signal();
        var laterRelease = Signal();
        var later = Store.WriteAsync(async s =>
        {
            laterRunning.SetResult();
            await laterRelease.Task;
            await AppendAsync(s, "gc-later");
            return 0;
        }, Ct);
        release.SetResult();
        await held;
        await laterRunning.Task;

        // The first unit's work is finished, but the transaction holding it is not committed yet.
        Assert.False(done.IsCompleted);
        Assert.Empty(await StoredToolsAsync());

        laterRelease.SetResult();
        Assert.Equal(42, await done);
        Assert.Equal(["gc-done", "gc-later"], await StoredToolsAsync());
        await later;
    }

    [Fact]
    public async Task WriteAsync_CommitOfABatchFails_EveryUnitFailsAndNothingIsStored()
    {
        // A deferred foreign key is checked at COMMIT only: the "gc-poison" row makes the shared commit fail.
        await using (var connection = await _services.Get<SqliteConnectionFactory>().OpenAsync(Ct))
        {
            await connection.ExecuteAsync("""
                CREATE TABLE gc_parent (id INTEGER PRIMARY KEY);
                CREATE TABLE gc_child (parent_id INTEGER NOT NULL REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED);
                CREATE TRIGGER gc_poison AFTER INSERT ON audit_log WHEN NEW.tool = 'gc-poison'
                BEGIN INSERT INTO gc_child (parent_id) VALUES (404); END;
                """);
        }
        var release = Signal();
        var held = await HoldWriterAsync(release);

        var units = new[] { "gc-a", "gc-poison", "gc-b" }
            .Select(tool => Store.WriteAsync(async s => { await AppendAsync(s, tool); return tool; }, Ct))
            .ToList();
        release.SetResult();

        await held;
        foreach (var unit in units)
            await Assert.ThrowsAsync<SqliteException>(() => unit);
        Assert.Empty(await StoredToolsAsync());

        // The store goes on: the next write commits.
        await Store.WriteAsync(async s => { await AppendAsync(s, "gc-after"); return 0; }, Ct);
        Assert.Equal(["gc-after"], await StoredToolsAsync());
    }

    [Fact]
    public async Task WriteAsync_ManyQueuedUnits_RunAndStoreInArrivalOrder()
    {
        var release = Signal();
        var held = await HoldWriterAsync(release);

        var ran = new List<int>();
        var units = Enumerable.Range(0, SqliteStore.MaxBatch + 6)
            .Select(i => Store.WriteAsync(async s =>
            {
                ran.Add(i); // Units of a batch run one after another, never at once.
                await AppendAsync(s, $"gc-{i:D3}");
                return i;
            }, Ct))
            .ToList();
        release.SetResult();

        await held;
        var results = await Task.WhenAll(units);
        var expected = Enumerable.Range(0, SqliteStore.MaxBatch + 6).ToList();
        Assert.Equal(expected, results);
        Assert.Equal(expected, ran);
        Assert.Equal(expected.Select(i => $"gc-{i:D3}"), await StoredToolsAsync());
    }

    [Fact]
    public async Task WriteAsync_CallerCancelsBeforeItsTurn_UnitNeverRuns()
    {
        var release = Signal();
        var held = await HoldWriterAsync(release);

        using var cancel = new CancellationTokenSource();
        var ran = false;
        var cancelled = Store.WriteAsync(async s => { ran = true; await AppendAsync(s, "gc-cancelled"); return 0; }, cancel.Token);
        var kept = Store.WriteAsync(async s => { await AppendAsync(s, "gc-kept"); return 0; }, Ct);
        await cancel.CancelAsync();
        release.SetResult();

        await held;
        await kept;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(ran);
        Assert.Equal(["gc-kept"], await StoredToolsAsync());
    }

    /// <summary>The synchronous setting of every connection the pool can lend (2 = FULL, 1 = NORMAL).</summary>
    private async Task<List<long>> PooledSynchronousSettingsAsync()
    {
        var factory = _services.Get<SqliteConnectionFactory>();
        var rented = new List<PreparedStatementConnection>();
        try
        {
            for (var i = 0; i < SqliteConnectionFactory.MaxIdle; i++)
                rented.Add(await factory.RentAsync(Ct));
            var settings = new List<long>();
            foreach (var connection in rented)
                settings.Add(await connection.Inner.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
            return settings;
        }
        finally
        {
            foreach (var connection in rented)
                await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task WriteRecordAsync_IsCommittedWhenItReturns_AndLeavesEveryConnectionFull()
    {
        Assert.Equal(1, await Store.WriteRecordAsync(async s => { await AppendAsync(s, "gc-record"); return 1; }, Ct));

        Assert.Equal(["gc-record"], await StoredToolsAsync());
        Assert.All(await PooledSynchronousSettingsAsync(), setting => Assert.Equal(2L, setting));
    }

    [Fact]
    public async Task WriteRecordAsync_QueuedWithDurableWrites_SharesTheirCommit()
    {
        var release = Signal();
        var held = await HoldWriterAsync(release);

        var record = Store.WriteRecordAsync(async s => { await AppendAsync(s, "gc-record"); return 1; }, Ct);
        var durable = Store.WriteAsync(async s => { await AppendAsync(s, "gc-durable"); return 2; }, Ct);
        release.SetResult();

        await held;
        Assert.Equal(1, await record);
        Assert.Equal(2, await durable);
        Assert.Equal(["gc-record", "gc-durable"], await StoredToolsAsync());
        Assert.All(await PooledSynchronousSettingsAsync(), setting => Assert.Equal(2L, setting));
    }

    [Fact]
    public async Task WriteRecordAsync_UnitThrows_NothingIsStored_AndTheConnectionIsFullAgain()
    {
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteRecordAsync<int>(async s =>
        {
            await AppendAsync(s, "gc-record");
            throw new InvalidOperationException("this record fails");
        }, Ct));

        Assert.Equal("this record fails", thrown.Message);
        Assert.Empty(await StoredToolsAsync());
        Assert.All(await PooledSynchronousSettingsAsync(), setting => Assert.Equal(2L, setting));
    }
}
#endif
