using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SocialMcp.Core;
using SocialMcp.Core.Access;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Media;
using SocialMcp.Platforms.Tokens.KeyRing;
using SocialMcp.Server.Cli;
using SocialMcp.Storage;
using SocialMcp.Storage.Migrations;
using SocialMcp.Storage.Transfer;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.MigrateStore;

/// <summary>
/// migrate-store's copy: a SQLite deployment with real data (posts published and scheduled, their events, an account with
/// an encrypted token, a webhook endpoint, audit rows) moved into a fresh PostgreSQL database, then read back through the
/// PostgreSQL store. A second run into the filled database and a source with a table PostgreSQL lacks are refused.
/// </summary>
public sealed class MigrateStoreTests : IAsyncLifetime
{
    private const string AccessToken = "access-token-3f9c2a71";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "socialmcp-migrate-" + Guid.NewGuid().ToString("N"));
    private readonly WatchedFakeTimeProvider _clock = new(TestServices.Start);
    private PostgresTestCluster _cluster = null!;
    private string _database = null!;
    private string _connectionString = null!;

    private string SqlitePath => Path.Combine(_directory, "socialmcp.db");
    private string KeysDirectory => Path.Combine(_directory, "keys");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _cluster = await PostgresTestCluster.SharedAsync();
        // An empty database, as an operator creates it: migrate-store applies the schema itself.
        _database = await _cluster.CreateDatabaseAsync();
        _connectionString = _cluster.ConnectionStringFor(_database);
    }

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await _cluster.DropDatabaseAsync(_database);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task CopyAsync_SqliteWithData_PostgresStoreReadsTheSameRowsAndTheTokenDecrypts()
    {
        var seeded = await SeedSqliteAsync();

        var report = await CopyAsync();

        Assert.True(report.Committed);
        Assert.All(report.Tables, t => Assert.Equal(t.Source, t.Target));
        Assert.Equal(3, Count(report, "posts"));
        Assert.Equal(2, Count(report, "audit_log"));
        Assert.Equal(1, Count(report, "webhook_endpoints"));
        Assert.True(Count(report, "post_events") > 3);
        Assert.True(Count(report, StoreTransfer.KeyRingTable) >= 1);
        var printed = MigrateStoreCommand.FormatCounts(report);
        Assert.Matches(new Regex(@"^posts\s+3\s+3$", RegexOptions.Multiline), printed.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("MISMATCH", printed);

        await using var postgres = BuildServices(PostgresSettings(await ExportKeyRingAsync()));
        foreach (var (postId, details, history) in seeded.Posts)
        {
            var posts = postgres.GetRequiredService<PostService>();
            Assert.Equal(Json(details), Json(await posts.GetAsync(LocalWorkspace.Id, postId, Ct)));
            Assert.Equal(Json(history), Json(await posts.GetHistoryAsync(LocalWorkspace.Id, postId, Ct)));
        }
        var store = postgres.GetRequiredService<IStore>();
        var account = await store.ReadAsync(s => s.Accounts.GetByIdAsync(seeded.AccountId, Ct), Ct);
        Assert.Equal(AccessToken, postgres.GetRequiredService<ITokenCipher>().Reveal(account!.TokenReference));
        var webhook = Assert.Single(await postgres.GetRequiredService<WebhookService>().ListAsync(LocalWorkspace.Id, Ct));
        Assert.Equal(seeded.WebhookId, webhook.Id);

        // The identity sequences were moved past the copied ids: new rows get fresh ones.
        await store.WriteAsync(async s =>
        {
            await s.Audit.AppendAsync(Audit("after_move"), Ct);
            return true;
        }, Ct);
        // The monthly quota's counter came over with the posts, and goes on counting.
        Assert.Equal(1, Count(report, "workspace_post_months"));
        Assert.Equal(3, await CreatedThisMonthAsync());
        var created = await postgres.GetRequiredService<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create("After the move", Platform.LinkedIn), Ct);
        Assert.Equal(4, await CreatedThisMonthAsync());
        var newEvents = await postgres.GetRequiredService<PostService>().GetHistoryAsync(LocalWorkspace.Id, created.Post.Id, Ct);
        Assert.True(newEvents.Min(e => e.Id) > seeded.Posts.SelectMany(p => p.History).Max(e => e.Id));

        Task<int> CreatedThisMonthAsync() => store.ReadAsync(s => s.Posts.CountCreatedInMonthAsync(LocalWorkspace.Id, _clock.GetUtcNow(), Ct), Ct);
    }

    [Fact]
    public async Task CopyAsync_TargetAlreadyHoldsData_IsRefusedAndChangesNothing()
    {
        await SeedSqliteAsync();
        await CopyAsync();
        var before = await TargetCountsAsync();

        var refused = await Assert.ThrowsAsync<StoreTransferException>(CopyAsync);

        Assert.Equal(StoreTransferErrors.TargetNotEmpty, refused.Code);
        Assert.Contains("posts (3)", refused.Message);
        Assert.Equal(before, await TargetCountsAsync());
    }

    [Fact]
    public async Task CopyAsync_SourceHasATablePostgresLacks_IsRefusedAndCopiesNothing()
    {
        await SeedSqliteAsync();
        await using (var connection = new SqliteConnection($"Data Source={SqlitePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE extra_notes (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO extra_notes (note) VALUES ('kept');";
            await command.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<StoreTransferException>(CopyAsync);

        Assert.Equal(StoreTransferErrors.SchemaMismatch, refused.Code);
        Assert.Contains("extra_notes", refused.Message);
        Assert.All(await TargetCountsAsync(), table => Assert.Equal(0, table.Value));
    }

    [Fact]
    public async Task CopyAsync_EncryptedTokensButNoKeyFiles_IsRefused()
    {
        await SeedSqliteAsync();
        Directory.Delete(KeysDirectory, recursive: true);

        var refused = await Assert.ThrowsAsync<StoreTransferException>(CopyAsync);

        Assert.Equal(StoreTransferErrors.KeyRingMissing, refused.Code);
        Assert.All(await TargetCountsAsync(), table => Assert.Equal(0, table.Value));
    }

    [Fact]
    public async Task CopyAsync_MissingSqliteFile_IsRefusedWithoutCreatingIt()
    {
        var refused = await Assert.ThrowsAsync<StoreTransferException>(CopyAsync);

        Assert.Equal(StoreTransferErrors.SourceNotFound, refused.Code);
        Assert.False(File.Exists(SqlitePath));
    }

    [Fact]
    public void ComposeFile_StorageSettings_NameRealStorageOptions()
    {
        var compose = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "compose.yaml"));

        var names = Regex.Matches(compose, @"SOCIALMCP_Storage__(\w+)").Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Contains(nameof(StorageOptions.Provider), names);
        Assert.Contains(nameof(StorageOptions.ConnectionString), names);
        var known = typeof(StorageOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet();
        Assert.Empty(names.Except(known));
        Assert.Contains($"SOCIALMCP_Storage__Provider: {StorageOptions.PostgresProvider}", compose);
        Assert.Contains("SOCIALMCP_" + KeyEncryptionSecret.ConfigurationKey.Replace(":", "__", StringComparison.Ordinal) + ":", compose);
    }

    [Theory]
    [InlineData("/data/socialmcp.db", "postgres:Host=db")]
    [InlineData("sqlite:/data/socialmcp.db", "Host=db")]
    public async Task MigrateStoreCommand_LocationsWithoutTheirPrefix_AreRefusedWithExitCodeTwo(string from, string to)
    {
        var exitCode = await SocialMcpCommandLine.Build().Parse(["migrate-store", "--from", from, "--to", to]).InvokeAsync();

        Assert.Equal(2, exitCode);
    }

    private Task<StoreTransferReport> CopyAsync() =>
        new StoreTransfer(NullLoggerFactory.Instance).CopyAsync(SqlitePath, _connectionString, KeysDirectory, Ct);

    private static long Count(StoreTransferReport report, string table) => report.Tables.Single(t => t.Table == table).Target;

    private sealed record SeededPost(string PostId, PostDetails Details, IReadOnlyList<PostEvent> History);

    private sealed record Seeded(IReadOnlyList<SeededPost> Posts, string AccountId, string WebhookId);

    /// <summary>A single-node deployment's data, written through the SQLite store and the domain as the server would.</summary>
    private async Task<Seeded> SeedSqliteAsync()
    {
        await using var sqlite = BuildServices(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = StorageOptions.SqliteProvider,
            ["Storage:Path"] = SqlitePath,
            [KeyRingProtection.KeysDirectoryKey] = KeysDirectory,
            ["Media:Root"] = Path.Combine(_directory, "media"),
        });
        await sqlite.GetRequiredService<IStoreMigrator>().ApplyAsync(Ct);
        await sqlite.GetRequiredService<LocalWorkspace>().EnsureCreatedAsync(Ct);
        var posts = sqlite.GetRequiredService<PostService>();
        var store = sqlite.GetRequiredService<IStore>();

        var published = await posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Published before the move"), Ct);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await posts.PublishAsync(LocalWorkspace.Id, published.Post.Id, null, Ct);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var scheduled = await posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Scheduled across the move"), Ct);
        await posts.ScheduleAsync(LocalWorkspace.Id, scheduled.Post.Id, _clock.GetUtcNow().AddDays(2), null, Ct);
        var draft = await posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Still a draft"), Ct);

        var accountId = await store.WriteAsync(async s =>
        {
            var now = _clock.GetUtcNow();
            var set = new PlatformSet("set_real", LocalWorkspace.Id, "Real", IsDefault: false, now);
            await s.PlatformSets.InsertAsync(set, Ct);
            var account = new Account
            {
                Id = "acc_real_x",
                WorkspaceId = LocalWorkspace.Id,
                PlatformSetId = set.Id,
                Platform = Platform.X,
                Handle = "@real",
                PlatformAccountId = "x-1001",
                TokenReference = sqlite.GetRequiredService<ITokenCipher>().Protect(AccessToken),
                TokenExpiresAt = now.AddHours(2),
                IsSandbox = false,
                Metadata = JsonDocument.Parse("{}").RootElement.Clone(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            await s.Accounts.InsertAsync(account, Ct);
            return account.Id;
        }, Ct);

        var webhook = await sqlite.GetRequiredService<WebhookService>().CreateAsync(LocalWorkspace.Id, "https://hooks.example.com/socialmcp", "before the move", null, Ct);
        await store.WriteAsync(async s =>
        {
            await s.Audit.AppendAsync(Audit("create_post"), Ct);
            await s.Audit.AppendAsync(Audit("publish_post"), Ct);
            return true;
        }, Ct);

        var seeded = new List<SeededPost>();
        foreach (var id in new[] { published.Post.Id, scheduled.Post.Id, draft.Post.Id })
            seeded.Add(new SeededPost(id, await posts.GetAsync(LocalWorkspace.Id, id, Ct), await posts.GetHistoryAsync(LocalWorkspace.Id, id, Ct)));
        return new Seeded(seeded, accountId, webhook.Endpoint.Id);
    }

    private AuditEntry Audit(string tool) => new()
    {
        WorkspaceId = LocalWorkspace.Id,
        ClientName = "tests",
        ClientVersion = "1",
        Tool = tool,
        Outcome = "ok",
        DurationMs = 12.5,
        OccurredAt = _clock.GetUtcNow(),
    };

    /// <summary>
    /// The copied key ring as files again, for a Data Protection provider to read: the table is what PostgreSQL
    /// deployments load their keys from, so decrypting with exactly its rows proves the copy is complete.
    /// </summary>
    private async Task<string> ExportKeyRingAsync()
    {
        var directory = Path.Combine(_directory, "keys-from-postgres");
        Directory.CreateDirectory(directory);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT friendly_name, xml FROM {StoreTransfer.KeyRingTable};", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            await File.WriteAllTextAsync(Path.Combine(directory, reader.GetString(0) + ".xml"), reader.GetString(1));
        return directory;
    }

    private Dictionary<string, string?> PostgresSettings(string keysDirectory) => new()
    {
        ["Storage:Provider"] = StorageOptions.PostgresProvider,
        ["Storage:ConnectionString"] = _connectionString,
        [KeyRingProtection.KeysDirectoryKey] = keysDirectory,
        ["Media:Root"] = Path.Combine(_directory, "media"),
    };

    private ServiceProvider BuildServices(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(b => b.AddProvider(NullLoggerProvider.Instance));
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSocialCore();
        services.AddSocialStorage();
        services.AddPlatformPublishers();
        // Webhook URLs are checked against where they resolve; a fixed public address keeps the test off the network.
        services.AddSingleton<IHostResolver>(new FixedResolver());
        return services.BuildServiceProvider();
    }

    private async Task<Dictionary<string, long>> TargetCountsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations';",
            connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\";", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, SocialJson.Options);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SocialMcp.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("SocialMcp.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class FixedResolver : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") });
    }
}
