using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Telemetry;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Storage;
using SocialMcp.Storage.Migrations;
using SocialMcp.Storage.Postgres;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Store;

/// <summary>
/// Several server instances on one PostgreSQL database: each instance is its own service provider (its own connection
/// pool and store), as separate processes would be. Claims must hand every row to exactly one instance, idempotent writes
/// must meet in one row, and start-up migrations must run once.
/// </summary>
public sealed class MultiInstanceStoreTests
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = TestServices.Start.AddMinutes(10);

    [Fact]
    public async Task ClaimDue_FourClaimersOnTwoInstances_ClaimEveryDuePostExactlyOnce()
    {
        var settings = new Dictionary<string, string?> { ["Scheduling:MaxScheduledPerWorkspace"] = "500" };
        await using var first = await TestServices.CreateInitializedAsync(settings);
        await using var second = await SecondInstanceAsync(first, settings);
        var posts = first.Get<PostService>();
        var scheduled = new List<string>();
        for (var i = 0; i < 200; i++)
            scheduled.Add((await posts.CreateAsync(Ws, Drafts.Create($"Due {i}", Platform.X) with { ScheduledFor = Due }, Ct)).Post.Id);
        var now = Due.AddMinutes(1);

        var claimed = new ConcurrentBag<string>();
        async Task ClaimUntilNoneAsync(IStore store, string owner)
        {
            while (await store.WriteAsync(async s => (await s.Posts.ClaimDueAsync(owner, now, now.AddMinutes(5), 1, Ct)).FirstOrDefault(), Ct) is { } due)
                claimed.Add(due.PostId);
        }
        await Task.WhenAll(
            Task.Run(() => ClaimUntilNoneAsync(first.Store, "instance-a-1")), Task.Run(() => ClaimUntilNoneAsync(first.Store, "instance-a-2")),
            Task.Run(() => ClaimUntilNoneAsync(second.Store, "instance-b-1")), Task.Run(() => ClaimUntilNoneAsync(second.Store, "instance-b-2")));

        Assert.Equal(200, claimed.Count);
        Assert.Equal(scheduled.Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreatePost_SameIdempotencyKeyOnTwoInstancesAtOnce_MakesOnePostThatBothGet()
    {
        await using var first = await TestServices.CreateInitializedAsync();
        await using var second = await SecondInstanceAsync(first);

        for (var round = 0; round < 10; round++)
        {
            var command = Drafts.Create($"Once {round}", Platform.X) with { IdempotencyKey = $"key-{round}" };
            var made = await Task.WhenAll(
                Task.Run(() => first.Get<PostService>().CreateAsync(Ws, command, Ct)),
                Task.Run(() => second.Get<PostService>().CreateAsync(Ws, command, Ct)));

            Assert.Equal(made[0].Post.Id, made[1].Post.Id);
        }
        await using var connection = await first.OpenConnectionAsync();
        Assert.Equal(10, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM posts;"));
    }

    [Fact]
    public async Task Write_SerializationFailure_IsRunAgainOnFreshReads()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var post = (await services.Get<PostService>().CreateAsync(Ws, Drafts.Create("Contended", Platform.X), Ct)).Post;
        var attempts = 0;

        var version = await services.Store.WriteAsync(async s =>
        {
            attempts++;
            var read = await s.Posts.GetAsync(Ws, post.Id, Ct);
            if (attempts == 1)
            {
                // Another instance changes the row after this transaction read it: its write cannot be serialized.
                await using var other = await services.OpenConnectionAsync();
                await other.ExecuteAsync("UPDATE posts SET version = version + 1 WHERE id = @id;", new { id = post.Id });
            }
            Assert.NotNull(read);
            return await s.Posts.BumpVersionAsync(post.Id, services.Clock.GetUtcNow(), Ct);
        }, Ct);

        Assert.Equal(2, attempts);
        Assert.Equal(post.Version + 2, version);
    }

    [Fact]
    public async Task Write_SerializationFailure_IsCountedAndRunAgainHoldingTheSharedTurn()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var post = (await services.Get<PostService>().CreateAsync(Ws, Drafts.Create("Contended", Platform.X), Ct)).Post;
        using var conflicts = new ConflictCounter();
        var turnFreeDuringRun = new List<bool>();

        await services.Store.WriteAsync(async s =>
        {
            await s.Posts.GetAsync(Ws, post.Id, Ct);
            // Another instance: can it take the re-run turn while this run is in progress?
            await using var other = await services.OpenConnectionAsync();
            var free = await other.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@key);", new { key = PostgresStore.RerunTurnKey });
            if (free)
                await other.ExecuteAsync("SELECT pg_advisory_unlock(@key);", new { key = PostgresStore.RerunTurnKey });
            turnFreeDuringRun.Add(free);
            if (turnFreeDuringRun.Count == 1)
                await other.ExecuteAsync("UPDATE posts SET version = version + 1 WHERE id = @id;", new { id = post.Id });
            return await s.Posts.BumpVersionAsync(post.Id, services.Clock.GetUtcNow(), Ct);
        }, Ct);

        Assert.Equal([true, false], turnFreeDuringRun);
        Assert.Equal(["40001"], conflicts.SqlStates);
        await using var after = await services.OpenConnectionAsync();
        Assert.True(await after.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@key);", new { key = PostgresStore.RerunTurnKey }));
    }

    [Fact]
    public async Task Migrate_TwoInstancesOnAnEmptyDatabaseAtOnce_ApplyEachMigrationOnce()
    {
        var cluster = await PostgresTestCluster.SharedAsync();
        var database = await cluster.CreateDatabaseAsync();
        try
        {
            var connectionString = cluster.ConnectionStringFor(database);
            await using var a = StorageProvider(connectionString);
            await using var b = StorageProvider(connectionString);

            var applied = await Task.WhenAll(
                Task.Run(() => a.GetRequiredService<IStoreMigrator>().ApplyAsync(Ct)),
                Task.Run(() => b.GetRequiredService<IStoreMigrator>().ApplyAsync(Ct)));

            var all = EmbeddedMigrations.Postgres.Select(m => m.Version).Order().ToList();
            Assert.Equal(all, applied[0].Concat(applied[1]).Order().ToList());
            await using var connection = new NpgsqlConnection(connectionString);
            Assert.Equal(all, (await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version;")).ToList());
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task ClaimDueDelivery_FourClaimersOnTwoInstances_ClaimEveryDeliveryExactlyOnce()
    {
        await using var first = await TestServices.CreateInitializedAsync();
        await using var second = await SecondInstanceAsync(first);
        var at = first.Clock.GetUtcNow();
        var endpoint = new WebhookEndpoint("whe_claims", Ws, "https://hooks.example.com/in", null, null, "vault:test", null, null, null, null, 0, at, at);
        var deliveries = new List<string>();
        await first.Store.WriteAsync(async s =>
        {
            await s.Webhooks.InsertEndpointAsync(endpoint, Ct);
            // Events of no post: none holds another back, so every delivery is due at once.
            for (var i = 0; i < 100; i++)
                await s.Webhooks.EnqueueAsync(new WebhookEvent($"msg_{i:D3}", Ws, "webhook.test", null, "{}", at), [endpoint.Id], Ct);
            return 0;
        }, Ct);
        await using (var connection = await first.OpenConnectionAsync())
            deliveries.AddRange(await connection.QueryAsync<string>("SELECT id FROM webhook_deliveries;"));

        var claimed = new ConcurrentBag<string>();
        async Task ClaimUntilNoneAsync(IStore store, string owner)
        {
            while (await store.WriteAsync(s => s.Webhooks.ClaimDueDeliveryAsync(owner, at, at.AddMinutes(5), null, Ct), Ct) is { } id)
                claimed.Add(id);
        }
        await Task.WhenAll(
            Task.Run(() => ClaimUntilNoneAsync(first.Store, "instance-a-1")), Task.Run(() => ClaimUntilNoneAsync(first.Store, "instance-a-2")),
            Task.Run(() => ClaimUntilNoneAsync(second.Store, "instance-b-1")), Task.Run(() => ClaimUntilNoneAsync(second.Store, "instance-b-2")));

        Assert.Equal(100, deliveries.Count);
        Assert.Equal(deliveries.Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClaimVerification_FourClaimersOnTwoInstances_ClaimEveryPublishedTargetExactlyOnce()
    {
        await using var first = await TestServices.CreateInitializedAsync();
        await using var second = await SecondInstanceAsync(first);
        var posts = first.Get<PostService>();
        var published = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var created = await posts.CreateAsync(Ws, Drafts.Create($"Live {i}", Platform.X), Ct);
            published.Add((await posts.PublishAsync(Ws, created.Post.Id, null, Ct)).Post.Id);
        }
        var now = first.Clock.GetUtcNow().AddHours(1);

        var claimed = new ConcurrentBag<string>();
        async Task ClaimUntilNoneAsync(IStore store, string owner)
        {
            while (await store.WriteAsync(s => s.Alarms.ClaimVerificationAsync(owner, now, now.AddMinutes(5), firstDueBefore: now,
                       publishedSince: TestServices.Start.AddDays(-1), maxAttempts: 3, [Platform.X], Ct), Ct) is { } claim)
                claimed.Add(claim.PostId);
        }
        await Task.WhenAll(
            Task.Run(() => ClaimUntilNoneAsync(first.Store, "instance-a-1")), Task.Run(() => ClaimUntilNoneAsync(first.Store, "instance-a-2")),
            Task.Run(() => ClaimUntilNoneAsync(second.Store, "instance-b-1")), Task.Run(() => ClaimUntilNoneAsync(second.Store, "instance-b-2")));

        Assert.Equal(published.Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
    }

    /// <summary>A second server instance (its own provider, pool and store) on <paramref name="first"/>'s database.</summary>
    private static Task<TestServices> SecondInstanceAsync(TestServices first, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Storage:ConnectionString"] = first.ConnectionString };
        return TestServices.CreateInitializedAsync(all);
    }

    private static ServiceProvider StorageProvider(string connectionString)
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
        return services.BuildServiceProvider();
    }
}

/// <summary>Collects the <c>socialmcp.store.write_conflicts</c> measurements made while it lives.</summary>
internal sealed class ConflictCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _sqlStates = new();

    public ConflictCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument == SocialMcpTelemetry.StoreWriteConflicts)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == SocialMcpTelemetry.Tags.SqlState)
                    _sqlStates.Enqueue((string)tag.Value!);
        });
        _listener.Start();
    }

    public IReadOnlyList<string> SqlStates => [.. _sqlStates];

    public void Dispose() => _listener.Dispose();
}
