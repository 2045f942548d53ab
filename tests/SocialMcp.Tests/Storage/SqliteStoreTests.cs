using SocialMcp.Storage.Migrations;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Storage.Sqlite;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Storage;

public sealed class SqliteStoreTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task<SqliteConnection> OpenAsync() => await _services.Get<SqliteConnectionFactory>().OpenAsync(Ct);

    /// <summary>A version-1 draft for x in the local workspace's default set, not yet stored.</summary>
    private async Task<Post> DraftForXAsync(string text)
    {
        var set = await _services.Store.ReadAsync(s => s.PlatformSets.GetDefaultAsync(LocalWorkspace.Id, Ct), Ct);
        return new Post
        {
            Id = Guid.NewGuid().ToString(),
            WorkspaceId = LocalWorkspace.Id,
            PlatformSetId = set!.Id,
            Status = PostStatus.Draft,
            Content = Drafts.Text(text),
            Platforms = [Platform.X],
            Version = 1,
            CreatedAt = TestServices.Start,
            UpdatedAt = TestServices.Start,
        };
    }

    [Fact]
    public async Task Migrations_OnNewFile_AreAppliedRecordedAndWalIsOn()
    {
        await using var connection = await OpenAsync();

        var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version;")).ToList();
        Assert.Equal(EmbeddedMigrations.Sqlite.Select(m => (long)m.Version), versions);
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys;"));
        Assert.True(await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout;") > 0);
    }

    [Fact]
    public async Task Migrations_OnNewFile_CreateTheDatabaseAndItsWalReadableByTheOwnerOnly()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        var path = _services.Get<SqliteConnectionFactory>().DatabasePath;
        await using (var connection = await OpenAsync())
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS mode_probe (x INTEGER); INSERT INTO mode_probe VALUES (1);");

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(path));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(path + "-wal"));
    }

    [Fact]
    public async Task Migrations_OnAFileOthersCanRead_TightenItToTheOwner()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        var path = _services.Get<SqliteConnectionFactory>().DatabasePath;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await _services.Get<IStoreMigrator>().ApplyAsync(Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Migrations_SecondRun_AppliesNothing()
    {
        var applied = await _services.Get<IStoreMigrator>().ApplyAsync(Ct);

        Assert.Empty(applied);
    }

    [Fact]
    public async Task LocalWorkspace_FirstRun_HasSandboxSetWithOneAccountPerPlatform_AndSecondRunAddsNothing()
    {
        await _services.Get<LocalWorkspace>().EnsureCreatedAsync(Ct);

        var sets = await _services.Store.ReadAsync(s => s.PlatformSets.ListWithAccountCountsAsync(LocalWorkspace.Id, Ct), Ct);
        var summary = Assert.Single(sets);
        Assert.Equal("Sandbox", summary.Set.Name);
        Assert.True(summary.Set.IsDefault);
        Assert.Equal(8, summary.AccountCount);
        var accounts = await _services.Store.ReadAsync(s => s.Accounts.ListInSetAsync(LocalWorkspace.Id, summary.Set.Id, Ct), Ct);
        Assert.Equal(PlatformNames.All.Order(), accounts.Select(a => a.Platform).Order());
        Assert.All(accounts, a => Assert.True(a.IsSandbox));
    }

    [Fact]
    public async Task Post_RoundTrip_KeepsContentOverridesMediaAndTimes()
    {
        var set = await _services.Store.ReadAsync(s => s.PlatformSets.GetDefaultAsync(LocalWorkspace.Id, Ct), Ct);
        var settings = JsonDocument.Parse("""{"placement":"carousel"}""").RootElement.Clone();
        var content = new PostContent("Hello 👋",
            [new MediaItem("https://example.com/a.jpg", "image", "image/jpeg", 1234, 1080, 1350, AltText: "A cat")],
            "https://example.com",
            new Dictionary<Platform, PlatformOverride> { [Platform.LinkedIn] = new("Hello LinkedIn", settings) });
        var when = new DateTimeOffset(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero);
        var post = new Post
        {
            Id = Guid.NewGuid().ToString(),
            WorkspaceId = LocalWorkspace.Id,
            PlatformSetId = set!.Id,
            Status = PostStatus.Scheduled,
            Content = content,
            Platforms = [Platform.LinkedIn, Platform.X],
            ScheduledFor = when,
            Version = 1,
            CreatedAt = TestServices.Start,
            UpdatedAt = TestServices.Start,
        };

        await _services.Store.WriteAsync(async s => { await s.Posts.InsertAsync(post, Ct); return 0; }, Ct);
        var read = await _services.Store.ReadAsync(s => s.Posts.GetAsync(LocalWorkspace.Id, post.Id, Ct), Ct);

        Assert.NotNull(read);
        Assert.Equal(post.Platforms, read.Platforms);
        Assert.Equal(when, read.ScheduledFor);
        Assert.Equal("Hello 👋", read.Content.Text);
        Assert.Equal(content.Media, read.Content.Media);
        Assert.Equal("Hello LinkedIn", read.Content.TextFor(Platform.LinkedIn));
        Assert.Equal("carousel", read.Content.SettingsFor(Platform.LinkedIn)!.Value.GetProperty("placement").GetString());
    }

    [Fact]
    public async Task Post_FromAnotherWorkspace_IsNotFound()
    {
        var post = await DraftForXAsync("x");
        await _services.Store.WriteAsync(async s => { await s.Posts.InsertAsync(post, Ct); return 0; }, Ct);

        var read = await _services.Store.ReadAsync(s => s.Posts.GetAsync("another-workspace", post.Id, Ct), Ct);

        Assert.Null(read);
    }

    [Fact]
    public async Task PostUpdate_WithWrongExpectedVersion_ChangesNothing()
    {
        var post = await DraftForXAsync("v1");
        await _services.Store.WriteAsync(async s => { await s.Posts.InsertAsync(post, Ct); return 0; }, Ct);

        var updated = await _services.Store.WriteAsync(s => s.Posts.UpdateAsync(post with { Content = Drafts.Text("v2"), Version = 3 }, 2, Ct), Ct);

        Assert.False(updated);
        var read = await _services.Store.ReadAsync(s => s.Posts.GetAsync(LocalWorkspace.Id, post.Id, Ct), Ct);
        Assert.Equal("v1", read!.Content.Text);
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public async Task WriteAsync_WhenWorkThrows_RollsBackEverything()
    {
        var post = await DraftForXAsync("x");

        await Assert.ThrowsAsync<InvalidOperationException>(() => _services.Store.WriteAsync<int>(async s =>
        {
            await s.Posts.InsertAsync(post, Ct);
            throw new InvalidOperationException("boom");
        }, Ct));

        Assert.Null(await _services.Store.ReadAsync(s => s.Posts.GetAsync(LocalWorkspace.Id, post.Id, Ct), Ct));
    }

    [Fact]
    public async Task Events_AreAppendOnly()
    {
        var post = await DraftForXAsync("x");
        await _services.Store.WriteAsync(async s =>
        {
            await s.Posts.InsertAsync(post, Ct);
            await s.Events.AppendAsync(new PostEvent
            {
                Id = 0,
                PostId = post.Id,
                Platform = Platform.X,
                EventType = "created",
                ToStatus = "draft",
                PostVersion = 1,
                OccurredAt = TestServices.Start,
            }, Ct);
            return 0;
        }, Ct);
        await using var connection = await OpenAsync();

        await Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("UPDATE post_events SET detail = 'rewritten';"));
        await Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("DELETE FROM post_events;"));
        var events = await _services.Store.ReadAsync(s => s.Events.ListForPostAsync(post.Id, Ct), Ct);
        Assert.Equal(Platform.X, Assert.Single(events).Platform);
    }

    [Fact]
    public async Task Targets_ForeignKeys_RejectUnknownPost()
    {
        var account = await _services.AccountAsync(Platform.X);
        var orphan = new PostTarget
        {
            PostId = Guid.NewGuid().ToString(),
            Platform = Platform.X,
            AccountId = account.Id,
            Status = TargetStatus.Pending,
            AttemptCount = 0,
            CreatedAt = TestServices.Start,
            UpdatedAt = TestServices.Start,
        };

        await Assert.ThrowsAsync<SqliteException>(() => _services.Store.WriteAsync(async s => { await s.Targets.InsertAsync(orphan, Ct); return 0; }, Ct));
    }
}
