using SocialMcp.Core.Access;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Access;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Access;

public sealed class AuditLogWriterTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static AuditEntry Entry(int n) =>
        new AuditEntry
        {
            WorkspaceId = LocalWorkspace.Id,
            ClientName = "tests",
            ClientVersion = "1",
            Tool = $"tool_{n}",
            Outcome = "ok",
            DurationMs = n,
            OccurredAt = TestServices.Start.AddSeconds(n),
        };

    [Fact]
    public async Task AppendAsync_ConcurrentCalls_EveryEntryIsStoredWhenItsCallCompletes()
    {
        var writer = new AuditLogWriter(_services.Store);

        await Task.WhenAll(Enumerable.Range(1, 300).Select(n => Task.Run(() => writer.AppendAsync(Entry(n)))));

        var stored = await _services.Store.ReadAsync(s => s.Audit.ListAsync(LocalWorkspace.Id, 1000, Ct), Ct);
        Assert.Equal(Enumerable.Range(1, 300).Select(n => $"tool_{n}").Order(), stored.Select(e => e.Tool).Order());
    }

    [Fact]
    public async Task AppendAsync_OneCall_IsStoredBeforeItCompletes()
    {
        var writer = new AuditLogWriter(_services.Store);

        await writer.AppendAsync(Entry(1));

        var stored = await _services.Store.ReadAsync(s => s.Audit.ListAsync(LocalWorkspace.Id, 10, Ct), Ct);
        Assert.Equal("tool_1", Assert.Single(stored).Tool);
    }
}
