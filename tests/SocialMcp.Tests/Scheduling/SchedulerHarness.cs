using System.Data.Common;
using SocialMcp.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Storage;
using SocialMcp.Storage.Sqlite;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Scheduling;

/// <summary>
/// One server's worth of domain, store, sandbox publisher and scheduler worker on a clock with timers: a SQLite file, or
/// (in SocialMcp.Postgres.Tests) a fresh database on the test PostgreSQL server. Two harnesses given the same database and
/// clock are two processes sharing one database.
/// </summary>
public sealed class SchedulerHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = TestServices.Start;

    // A guard against a hung test, not a timed assertion: a pass takes milliseconds alone, but the PostgreSQL run of the
    // whole suite once kept one waiting past 30 s (CI, 1,136 tests in parallel on 2 cores).
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly ServiceProvider _provider;
    private readonly bool _ownsDirectory;
    private bool _running;

    private SchedulerHarness(string databasePath, string? postgresDatabase, FakeTimeProvider clock, bool ownsDirectory,
        IDictionary<string, string?>? settings, Action<IServiceCollection>? configure = null)
    {
        DatabasePath = databasePath;
        _postgresDatabase = postgresDatabase;
        Clock = clock;
        _ownsDirectory = ownsDirectory;
        var store = postgresDatabase is null
            ? new Dictionary<string, string?> { ["Storage:Path"] = databasePath }
            : TestServices.PostgresSettings(
                PostgresTestCluster.SharedAsync().GetAwaiter().GetResult().ConnectionStringFor(postgresDatabase), Path.GetDirectoryName(databasePath)!);
        ConnectionString = store.GetValueOrDefault("Storage:ConnectionString");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(store)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // Long enough that no safety re-check fires inside a test: every wake is the due time or a poke.
                ["Scheduling:RecheckInterval"] = "01:00:00",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddProvider(NullLoggerProvider.Instance));
        services.AddSingleton<TimeProvider>(clock);
        services.AddSocialCore();
        services.AddSocialStorage();
        services.AddPlatformPublishers();
        services.AddSocialScheduler();
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider();
    }

    public string DatabasePath { get; }

    /// <summary>The PostgreSQL database's name, null on SQLite.</summary>
    private readonly string? _postgresDatabase;

    /// <summary>The PostgreSQL database's connection string; null on SQLite.</summary>
    public string? ConnectionString { get; }

    public FakeTimeProvider Clock { get; }
    public IStore Store => Get<IStore>();
    public PostService Posts => Get<PostService>();
    public SandboxPublisher Sandbox => Get<SandboxPublisher>();
    public SchedulerStatus Status => Get<SchedulerStatus>();
    public SchedulerHealth Health => Get<SchedulerHealth>();
    public SchedulerWorker Worker => _provider.GetServices<IHostedService>().OfType<SchedulerWorker>().Single();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>A fresh database in a temp directory, migrated, with the local workspace and its sandbox accounts.</summary>
    /// <param name="configure">Registrations after the harness's own (e.g. a <see cref="SchedulerRole"/>, a change notifier).</param>
    public static async Task<SchedulerHarness> CreateAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-scheduler-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // Watched, so a test can wait until the worker has started its sleep before it moves the clock.
        var postgresDatabase = TestServices.OnPostgres ? await TestServices.CreatePostgresDatabaseAsync() : null;
        var harness = new SchedulerHarness(Path.Combine(directory, "test.db"), postgresDatabase, new WatchedFakeTimeProvider(Start), ownsDirectory: true,
            settings, configure);
        await harness.Get<IStoreMigrator>().ApplyAsync(CancellationToken.None);
        await harness.Get<LocalWorkspace>().EnsureCreatedAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Another server on the same database and clock.</summary>
    public async Task<SchedulerHarness> SecondServerAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var other = new SchedulerHarness(DatabasePath, _postgresDatabase, Clock, ownsDirectory: false, settings, configure);
        await other.Get<IStoreMigrator>().ApplyAsync(CancellationToken.None);
        return other;
    }

    /// <summary>Starts the worker and returns once its first pass is done and it sleeps.</summary>
    public Task StartAsync() => SettleAsync(() => Worker.StartAsync(CancellationToken.None));

    public async Task StopAsync()
    {
        await Worker.StopAsync(CancellationToken.None);
        _running = false;
    }

    /// <summary>Does something that wakes the worker (a poke, a clock move past its wake time) and waits until it sleeps again.</summary>
    public async Task SettleAsync(Func<Task> wake)
    {
        var slept = Status.NextSleep;
        await wake();
        _running = true;
        await slept.WaitAsync(Patience);
    }

    public Task AdvanceAsync(TimeSpan by) => SettleAsync(() =>
    {
        Clock.Advance(by);
        return Task.CompletedTask;
    });

    public Task<PostDetails> ScheduleNewAsync(DateTimeOffset when, params Platform[] platforms) =>
        Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create("Scheduled hello", platforms) with { ScheduledFor = when }, CancellationToken.None);

    public Task<PostDetails> GetAsync(string postId) => Posts.GetAsync(LocalWorkspace.Id, postId, CancellationToken.None);

    public int DeliveriesOf(string postId) => Sandbox.Deliveries.Count(d => d.PostId == postId);

    /// <summary>A raw connection to the harness's database (either engine), for tests that read or poke rows directly.</summary>
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

    public async ValueTask DisposeAsync()
    {
        if (_running)
            await Worker.StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
        if (!_ownsDirectory)
            return;
        SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null)
            await (await PostgresTestCluster.SharedAsync()).DropDatabaseAsync(_postgresDatabase);
        try { Directory.Delete(Path.GetDirectoryName(DatabasePath)!, recursive: true); } catch (IOException) { }
    }
}
