using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Platforms.Tokens.KeyRing;
using SocialMcp.Storage.Postgres;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Cluster;

/// <summary>
/// Several server instances on one test database: each its own service provider (domain, store, publishers, the
/// PostgreSQL cluster services and the shared key ring) with its own clock, all on the first instance's database.
/// </summary>
public sealed class ClusterInstances : IAsyncDisposable
{
    private readonly List<TestServices> _instances;

    private ClusterInstances(List<TestServices> instances) => _instances = instances;

    public TestServices this[int index] => _instances[index];

    public IReadOnlyList<TestServices> All => _instances;

    /// <param name="listen">Start every instance's change listener and wait until it listens.</param>
    public static async Task<ClusterInstances> StartAsync(int count, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null, bool listen = true)
    {
        var instances = new List<TestServices> { await TestServices.CreateInitializedAsync(settings, Configure) };
        for (var i = 1; i < count; i++)
        {
            var shared = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
            {
                ["Storage:ConnectionString"] = instances[0].ConnectionString,
            };
            instances.Add(await TestServices.CreateInitializedAsync(shared, Configure));
        }
        var cluster = new ClusterInstances(instances);
        if (listen)
        {
            foreach (var instance in instances)
            {
                var listener = instance.Get<PostgresChangeListener>();
                await listener.StartAsync(CancellationToken.None);
                await listener.Listening;
            }
        }
        return cluster;

        void Configure(IServiceCollection services)
        {
            services.AddPostgresCluster();
            services.AddSharedKeyRing(provider => provider.GetRequiredService<PostgresDataSource>().DataSource.OpenConnection);
            configure?.Invoke(services);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Listeners first: the first instance's database is dropped (with its connections) when it is disposed.
        foreach (var instance in _instances)
            await instance.Get<PostgresChangeListener>().StopAsync(CancellationToken.None);
        for (var i = _instances.Count - 1; i >= 0; i--)
            await _instances[i].DisposeAsync();
    }
}

/// <summary>Remembers every post change it is told of.</summary>
public sealed class RecordingPostNotifier : Core.Posts.IPostChangeNotifier
{
    private readonly Lock _gate = new();
    private readonly List<string> _posts = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Posts
    {
        get { lock (_gate) return [.. _posts]; }
    }

    public void PostChanged(string workspaceId, string postId)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _posts.Add(postId);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Completes when <paramref name="postId"/> has been reported.</summary>
    public async Task SeenAsync(string postId)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_posts.Contains(postId))
                    return;
                next = _changed.Task;
            }
            await next.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
