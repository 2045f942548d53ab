using SocialMcp.Storage.Migrations;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Storage;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Tests.Support;

/// <summary>
/// The real domain, store and sandbox publisher over a fresh database, with a manual clock: a SQLite file in a temp
/// directory, or (in SocialMcp.Postgres.Tests, which compiles these same tests with POSTGRES_TESTS) a fresh database on
/// the test PostgreSQL server, copied from a migrated template. Dispose deletes the directory and the database.
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    /// <param name="configure">Extra registrations after the defaults (e.g. an <c>ISandboxApi</c> so sandbox accounts publish through the emulator).</param>
    public TestServices(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "socialmcp-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "test.db");
        Clock = new WatchedFakeTimeProvider(Start);

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(StoreSettings(settings))
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddProvider(NullLoggerProvider.Instance));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSocialCore();
        services.AddSocialStorage();
        services.AddPlatformPublishers();
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider();
    }

    public string Directory { get; }

    /// <summary>The SQLite file (unused on PostgreSQL, where <see cref="ConnectionString"/> names the database).</summary>
    public string DatabasePath { get; }

    /// <summary>The PostgreSQL database's connection string; null on SQLite.</summary>
    public string? ConnectionString { get; private set; }

    private string? _postgresDatabase;

    /// <summary>Which engine these tests run on: set at compile time per test project.</summary>
    public static bool OnPostgres =>
#if POSTGRES_TESTS
        true;
#else
        false;
#endif

    /// <remarks>
    /// On PostgreSQL, a <c>Storage:ConnectionString</c> among the test's own settings names another test's database (a
    /// second process on it): that one is used, and the other test drops it.
    /// </remarks>
    private Dictionary<string, string?> StoreSettings(IDictionary<string, string?>? testSettings)
    {
        if (!OnPostgres)
            return new Dictionary<string, string?> { ["Storage:Path"] = DatabasePath };
        if (testSettings?.TryGetValue("Storage:ConnectionString", out var shared) == true && shared is not null)
        {
            ConnectionString = shared;
        }
        else
        {
            _postgresDatabase = CreatePostgresDatabaseAsync().GetAwaiter().GetResult();
            ConnectionString = PostgresTestCluster.SharedAsync().GetAwaiter().GetResult().ConnectionStringFor(_postgresDatabase);
        }
        var settings = PostgresSettings(ConnectionString, Directory);
        settings["Storage:Path"] = DatabasePath;
        return settings;
    }

    private const string TemplateDatabase = "socialmcp_template";

    /// <summary>A fresh database on the test PostgreSQL server, copied from the migrated template; returns its name.</summary>
    internal static async Task<string> CreatePostgresDatabaseAsync() =>
        await (await PostgresTestCluster.SharedAsync()).CreateDatabaseAsync(TemplateDatabase, MigrateTemplateAsync);

    /// <summary>The settings that put a store on <paramref name="connectionString"/>'s PostgreSQL database.</summary>
    internal static Dictionary<string, string?> PostgresSettings(string connectionString, string directory) => new()
    {
        ["Storage:Provider"] = StorageOptions.PostgresProvider,
        ["Storage:ConnectionString"] = connectionString,
        // Local files that sit beside a SQLite file go to the per-user folder on PostgreSQL: keep them in the test's folder.
        ["Media:Root"] = Path.Combine(directory, "media"),
    };

    /// <summary>Applies every migration to the template database once per process; each test's database is a copy.</summary>
    private static async Task MigrateTemplateAsync(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = StorageOptions.PostgresProvider,
            ["Storage:ConnectionString"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddProvider(NullLoggerProvider.Instance));
        services.AddSingleton(TimeProvider.System);
        services.AddSocialStorage();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreMigrator>().ApplyAsync(CancellationToken.None);
    }

    /// <summary>A raw connection to this test's database (either engine), for tests that read or poke rows directly.</summary>
    public async Task<DbConnection> OpenConnectionAsync()
    {
        if (ConnectionString is not null)
        {
            var connection = new Npgsql.NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            return connection;
        }
        return await Get<SqliteConnectionFactory>().OpenAsync(CancellationToken.None);
    }
    public WatchedFakeTimeProvider Clock { get; }
    public IServiceProvider Services => _provider;
    public IStore Store => Get<IStore>();
    public SandboxPublisher Sandbox => Get<SandboxPublisher>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public static async Task<TestServices> CreateInitializedAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var services = new TestServices(settings, configure);
        await services.Get<IStoreMigrator>().ApplyAsync(CancellationToken.None);
        await services.Get<LocalWorkspace>().EnsureCreatedAsync(CancellationToken.None);
        return services;
    }

    public Task<Account> AccountAsync(Platform platform) => Store.ReadAsync(async s =>
        (await s.Accounts.ListAsync(LocalWorkspace.Id, platform, null, CancellationToken.None)).Single(), CancellationToken.None);

    /// <summary>Makes the sandbox account of a platform fail publishes (and/or withdraws) with the given code.</summary>
    public async Task MakeSandboxFailAsync(Platform platform, string? publishCode, string? withdrawCode = null)
    {
        var account = await AccountAsync(platform);
        var metadata = JsonSerializer.Serialize(new { sandbox = new { failPublish = publishCode, failWithdraw = withdrawCode } });
        await Store.WriteAsync(s => s.Accounts.UpdateMetadataAsync(LocalWorkspace.Id, account.Id, metadata, Clock.GetUtcNow(), CancellationToken.None),
            CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null)
            await (await PostgresTestCluster.SharedAsync()).DropDatabaseAsync(_postgresDatabase);
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
