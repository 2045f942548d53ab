#if !POSTGRES_TESTS
using SocialMcp.Core.Access;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Access;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Access;

/// <summary>
/// A tool call's audit row goes into the call's first write (<see cref="ToolCallAudit"/>): one commit for both, exactly
/// one row per call, the row rolled back with a write that fails, and corrected when the call ends otherwise.
/// </summary>
public sealed class ToolCallAuditTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private IStore Store => _services.Store;

    private static AuditEntry Entry(string outcome, double durationMs = 1) => new()
    {
        WorkspaceId = LocalWorkspace.Id,
        ClientName = "tests",
        Tool = "audited_tool",
        Outcome = outcome,
        DurationMs = durationMs,
        OccurredAt = TestServices.Start,
    };

    private static ToolCallAudit NewCall() => new(() => Entry("ok"));

    /// <summary>A write of the call: stores a marker row (an audit entry of another tool) so the test can see it commit.</summary>
    private Task<int> WriteMarkerAsync(string marker) => Store.WriteAsync(async session =>
    {
        await session.Audit.AppendAsync(Entry("ok") with { Tool = marker }, Ct);
        return 1;
    }, Ct);

    private async Task<List<AuditEntry>> StoredAsync() =>
        (await Store.ReadAsync(s => s.Audit.ListAsync(LocalWorkspace.Id, 100, Ct), Ct)).ToList();

    [Fact]
    public async Task WriteAsync_InAToolCall_StoresTheCallsRowWithTheWrite()
    {
        var call = NewCall();
        using (call.Begin())
            await WriteMarkerAsync("marker");

        var stored = await call.CloseAsync();

        Assert.NotNull(stored);
        var rows = await StoredAsync();
        Assert.Equal(["audited_tool", "marker"], rows.Select(r => r.Tool).Order());
        Assert.Equal("ok", rows.Single(r => r.Tool == "audited_tool").Outcome);
    }

    [Fact]
    public async Task WriteAsync_TwoWritesInOneCall_StoreOneRow()
    {
        var call = NewCall();
        using (call.Begin())
        {
            await WriteMarkerAsync("first");
            await WriteMarkerAsync("second");
        }

        await call.CloseAsync();

        Assert.Single(await StoredAsync(), r => r.Tool == "audited_tool");
    }

    [Fact]
    public async Task WriteAsync_WriteThrows_RowRolledBackAndTheNextWriteStoresIt()
    {
        var call = NewCall();
        using (call.Begin())
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync<int>(async session =>
            {
                await session.Audit.AppendAsync(Entry("ok") with { Tool = "rolled-back" }, Ct);
                throw new InvalidOperationException("this write fails");
            }, Ct));
            Assert.DoesNotContain(await StoredAsync(), r => r.Tool is "audited_tool" or "rolled-back");

            await WriteMarkerAsync("after");
        }

        Assert.NotNull(await call.CloseAsync());
        Assert.Single(await StoredAsync(), r => r.Tool == "audited_tool");
    }

    [Fact]
    public async Task WriteAsync_InABatchWhereTheCallsUnitThrows_OnlyTheOthersCommitAndTheRowIsNotStored()
    {
        // Hold the writer so the next units form one batch (each in its own savepoint).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Store.WriteAsync(async _ => { running.SetResult(); await release.Task; return 0; }, Ct);
        await running.Task;

        var call = NewCall();
        Task<int> failing;
        using (call.Begin())
        {
            failing = Store.WriteAsync<int>(async session =>
            {
                await session.Audit.AppendAsync(Entry("ok") with { Tool = "rolled-back" }, Ct);
                throw new InvalidOperationException("this unit fails");
            }, Ct);
        }
        var other = WriteMarkerAsync("other");
        release.SetResult();

        await held;
        await other;
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Null(await call.CloseAsync());
        Assert.Equal(["other"], (await StoredAsync()).Select(r => r.Tool));
    }

    [Fact]
    public async Task WriteAsync_AfterTheCallClosed_DoesNotStoreTheRow()
    {
        var call = NewCall();
        Assert.Null(await call.CloseAsync());

        using (call.Begin())
            await WriteMarkerAsync("late");

        Assert.DoesNotContain(await StoredAsync(), r => r.Tool == "audited_tool");
    }

    [Fact]
    public async Task RecordAsync_CallWithoutWrites_AppendsTheRow()
    {
        var writer = new AuditLogWriter(Store);

        await writer.RecordAsync(NewCall(), Entry("ok"));

        Assert.Single(await StoredAsync(), r => r.Tool == "audited_tool");
    }

    [Fact]
    public async Task RecordAsync_RowStoredByTheWriteAndCallOk_AddsNothing()
    {
        var writer = new AuditLogWriter(Store);
        var call = NewCall();
        using (call.Begin())
            await WriteMarkerAsync("marker");

        await writer.RecordAsync(call, Entry("ok"));

        Assert.Single(await StoredAsync(), r => r.Tool == "audited_tool");
    }

    [Fact]
    public async Task RecordAsync_CallFailedAfterItsWrite_CorrectsTheStoredRow()
    {
        var writer = new AuditLogWriter(Store);
        var call = NewCall();
        using (call.Begin())
            await WriteMarkerAsync("marker");

        await writer.RecordAsync(call, Entry("PLATFORM_REJECTED", durationMs: 42));

        var row = Assert.Single(await StoredAsync(), r => r.Tool == "audited_tool");
        Assert.Equal(("PLATFORM_REJECTED", 42d), (row.Outcome, row.DurationMs));
    }
}
#endif
