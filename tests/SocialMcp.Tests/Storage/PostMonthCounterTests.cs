using Dapper;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Storage.Migrations;
using SocialMcp.Storage.Repositories;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Storage;

/// <summary>
/// workspace_post_months, the counter the monthly post quota reads: bumped with every post insert in its transaction,
/// gone with it when the unit of work fails, and filled from the stored posts by the migration that adds it. Both engines.
/// </summary>
public sealed class PostMonthCounterTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private const string OtherWs = "ws_counter_other";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private string _setId = null!;

    private IStore Store => _services.Store;

    public async Task InitializeAsync()
    {
        _services = await TestServices.CreateInitializedAsync();
        _setId = (await Store.ReadAsync(s => s.PlatformSets.GetDefaultAsync(Ws, Ct), Ct))!.Id;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private Post NewPost(DateTimeOffset createdAt, string workspaceId = Ws, string? setId = null) => new()
    {
        Id = Guid.NewGuid().ToString(),
        WorkspaceId = workspaceId,
        PlatformSetId = setId ?? _setId,
        Status = PostStatus.Draft,
        Content = Drafts.Text("counted"),
        Platforms = [Platform.X],
        Version = 1,
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
    };

    private Task InsertAsync(Post post) => Store.WriteAsync(async s =>
    {
        await s.Posts.InsertAsync(post, Ct);
        return true;
    }, Ct);

    private Task<int> CreatedInMonthAsync(DateTimeOffset instant, string workspaceId = Ws) =>
        Store.ReadAsync(s => s.Posts.CountCreatedInMonthAsync(workspaceId, instant, Ct), Ct);

    private async Task<long> StoredPostsAsync()
    {
        await using var connection = await _services.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM posts;");
    }

    private async Task<List<(string WorkspaceId, string Month, long PostsCreated)>> CountersAsync()
    {
        await using var connection = await _services.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string, long)>(
            "SELECT workspace_id, month, posts_created FROM workspace_post_months ORDER BY workspace_id, month;")).ToList();
    }

    [Fact]
    public async Task InsertAsync_PostsOfSeveralMonths_CountEachInItsUtcMonth()
    {
        await InsertAsync(NewPost(new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero)));
        await InsertAsync(NewPost(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
        // 00:30 on 1 December in UTC+1 is still 30 November in UTC.
        await InsertAsync(NewPost(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1))));

        Assert.Equal(1, await CreatedInMonthAsync(new DateTimeOffset(2026, 10, 15, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(2, await CreatedInMonthAsync(TestServices.Start));
        Assert.Equal(0, await CreatedInMonthAsync(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(0, await CreatedInMonthAsync(TestServices.Start, OtherWs));
    }

    [Fact]
    public async Task InsertAsync_UnitOfWorkThrowsAfterTheInsert_NeitherThePostNorItsCountIsStored()
    {
        await InsertAsync(NewPost(TestServices.Start));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync<bool>(async s =>
        {
            await s.Posts.InsertAsync(NewPost(TestServices.Start), Ct);
            throw new InvalidOperationException("a later step of the create failed");
        }, Ct));

        Assert.Equal(1, await CreatedInMonthAsync(TestServices.Start));
        Assert.Equal(1, await StoredPostsAsync());
    }

    [Fact]
    public async Task InsertAsync_ConcurrentUnitsSomeOfWhichFail_CountOnlyTheStoredPosts()
    {
        // On SQLite the units queue behind the held writer and run as one batch, each in its savepoint; on PostgreSQL
        // they run side by side and conflict on the counter row, so some are run again.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Store.WriteAsync(async _ =>
        {
            running.TrySetResult();
            await release.Task;
            return true;
        }, Ct);
        await running.Task;
        var units = Enumerable.Range(0, 12).Select(i => Store.WriteAsync<bool>(async s =>
        {
            await s.Posts.InsertAsync(NewPost(TestServices.Start), Ct);
            if (i % 3 == 0)
                throw new InvalidOperationException("failed after the insert");
            return true;
        }, Ct)).ToList();
        release.SetResult();
        await held;
        foreach (var unit in units)
            await Record.ExceptionAsync(() => unit);

        Assert.Equal(8, units.Count(u => u.IsCompletedSuccessfully));
        Assert.Equal(8, await CreatedInMonthAsync(TestServices.Start));
        Assert.Equal(8, await StoredPostsAsync());
    }

    [Fact]
    public async Task Migration_OnADatabaseWithPostsButNoCounters_BackfillsEveryWorkspaceMonth()
    {
        await Store.WriteAsync(async s =>
        {
            await s.Workspaces.InsertAsync(new Workspace(OtherWs, "Counter other", TestServices.Start), Ct);
            await s.PlatformSets.InsertAsync(new PlatformSet("set_counter_other", OtherWs, "Default", IsDefault: true, TestServices.Start), Ct);
            return true;
        }, Ct);
        await InsertAsync(NewPost(new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero)));
        for (var i = 0; i < 3; i++)
            await InsertAsync(NewPost(TestServices.Start.AddMinutes(i)));
        await InsertAsync(NewPost(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1))));
        await InsertAsync(NewPost(TestServices.Start, OtherWs, "set_counter_other"));
        var kept = await CountersAsync();

        // The schema before the migration: posts, no counters.
        var migration = EmbeddedMigrations.For(TestServices.OnPostgres ? StorageEngine.Postgres : StorageEngine.Sqlite)
            .Single(m => m.Name == "workspace_post_months");
        await using (var connection = await _services.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("DROP TABLE workspace_post_months;");
            await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = @Version;", new { migration.Version });
        }

        var applied = await _services.Get<IStoreMigrator>().ApplyAsync(Ct);

        Assert.Equal([migration.Version], applied);
        Assert.Equal(
            [(Ws, "2026-10", 1L), (Ws, "2026-11", 4L), (OtherWs, "2026-11", 1L)],
            await CountersAsync());
        Assert.Equal(kept, await CountersAsync());
        await InsertAsync(NewPost(TestServices.Start));
        Assert.Equal(5, await CreatedInMonthAsync(TestServices.Start));
    }
}
