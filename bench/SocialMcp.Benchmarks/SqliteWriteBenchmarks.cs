using SocialMcp.Storage.Migrations;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Storage;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Benchmarks;

/// <summary>
/// What storing one post costs on the embedded store as the server configures it: a SQLite file in a temp folder,
/// migrated (WAL), foreign keys on, busy timeout set, one connection per unit of work from the pool.
/// </summary>
[MemoryDiagnoser]
public class SqliteWriteBenchmarks
{
    private static readonly IReadOnlyList<Platform> Platforms = [Platform.X, Platform.LinkedIn, Platform.Facebook];

    private static readonly PostContent Content = new(
        "Our spring release is out: faster scheduling, per-platform previews and a new analytics view. #product #release",
        [], "https://example.com/blog/spring-release", new Dictionary<Platform, PlatformOverride>());

    private string _directory = null!;
    private ServiceProvider _services = null!;
    private PostService _posts = null!;
    private IStore _store = null!;
    private IReadOnlyDictionary<Platform, Account> _accounts = null!;
    private string _setId = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "socialmcp-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(_directory, "bench.db"),
            ["Tokens:KeysDirectory"] = Path.Combine(_directory, "keys"),
            // The benchmark writes more posts than a workspace's monthly quota.
            ["Quotas:PostsPerMonth"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddProvider(NullLoggerProvider.Instance));
        services.AddSocialCore();
        services.AddSocialStorage();
        services.AddPlatformPublishers();
        _services = services.BuildServiceProvider();

        _services.GetRequiredService<IStoreMigrator>().ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
        _services.GetRequiredService<LocalWorkspace>().EnsureCreatedAsync(CancellationToken.None).GetAwaiter().GetResult();
        _posts = _services.GetRequiredService<PostService>();
        _store = _services.GetRequiredService<IStore>();
        (_setId, _accounts) = _store.ReadAsync(async session =>
        {
            var set = (await session.PlatformSets.GetDefaultAsync(LocalWorkspace.Id, CancellationToken.None))!;
            var accounts = await session.Accounts.ListInSetAsync(LocalWorkspace.Id, set.Id, CancellationToken.None);
            return (set.Id, (IReadOnlyDictionary<Platform, Account>)accounts.ToDictionary(a => a.Platform));
        }, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The create_post tool's work after the schema: rules, quota count, then post + 3 targets + event in one transaction.</summary>
    [Benchmark(Description = "PostService.CreateAsync: draft for x, linkedin, facebook")]
    public Task<PostDetails> CreateDraft() =>
        _posts.CreateAsync(LocalWorkspace.Id, new CreatePostCommand
        {
            Content = Content,
            Platforms = Platforms,
        }, CancellationToken.None);

    /// <summary>Only the store's part: the same rows CreateAsync writes, in one BEGIN IMMEDIATE transaction, no reads.</summary>
    [Benchmark(Description = "Store write: post + 3 targets + created event, one transaction")]
    public Task<int> WriteRows() =>
        _store.WriteAsync(async session =>
        {
            var now = DateTimeOffset.UtcNow;
            var post = new Post
            {
                Id = Guid.CreateVersion7(now).ToString(),
                WorkspaceId = LocalWorkspace.Id,
                PlatformSetId = _setId,
                Status = PostStatus.Draft,
                Content = Content,
                Platforms = Platforms,
                Version = 1,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await session.Posts.InsertAsync(post, CancellationToken.None);
            foreach (var platform in Platforms)
            {
                await session.Targets.InsertAsync(new PostTarget
                {
                    PostId = post.Id,
                    Platform = platform,
                    AccountId = _accounts[platform].Id,
                    Status = TargetStatus.Pending,
                    AttemptCount = 0,
                    CreatedAt = now,
                    UpdatedAt = now,
                }, CancellationToken.None);
            }
            await session.Events.AppendAsync(new PostEvent
            {
                Id = 0,
                PostId = post.Id,
                EventType = "created",
                ToStatus = PostStatus.Draft.ToWireName(),
                PostVersion = 1,
                OccurredAt = now,
            },
                CancellationToken.None);
            return 0;
        }, CancellationToken.None);
}
