using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Storage;
using SocialMcp.Storage.Migrations;

namespace SocialMcp.EndToEnd.Tests.MultiInstance;

/// <summary>
/// Writes the shared database before and while the instances run, through the product's own store (no server is asked):
/// the schema, the local workspace, platform sets of sandbox accounts, and a batch of scheduled posts all due at once.
/// </summary>
public sealed class ClusterSeed : IDisposable
{
    private readonly IHost _host;

    private ClusterSeed(IHost host) => _host = host;

    public IReadOnlyList<(string SetId, IReadOnlyDictionary<Platform, string> AccountIds)> Sets { get; private set; } = [];

    /// <summary>
    /// Migrates the database that <paramref name="storage"/> names (<c>Storage:*</c> and <c>Tokens:KeysDirectory</c>, as the
    /// instances get them) and makes <paramref name="sets"/> sets of sandbox accounts.
    /// </summary>
    public static async Task<ClusterSeed> CreateAsync(IReadOnlyDictionary<string, string> storage, int sets, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "socialmcp-cluster-seed" });
        var settings = storage.ToDictionary(p => p.Key, p => (string?)p.Value);
        settings["PlatformSets:MaxPerWorkspace"] = (sets + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSocialCore();
        builder.Services.AddSocialStorage();
        builder.Services.AddPlatformPublishers();
        var seed = new ClusterSeed(builder.Build());
        var services = seed._host.Services;
        await services.GetRequiredService<IStoreMigrator>().ApplyAsync(cancellationToken);
        await services.GetRequiredService<LocalWorkspace>().EnsureCreatedAsync(cancellationToken);

        var store = services.GetRequiredService<IStore>();
        var platformSets = services.GetRequiredService<PlatformSetService>();
        var made = new List<(string, IReadOnlyDictionary<Platform, string>)>();
        for (var k = 0; k < sets; k++)
        {
            var set = await platformSets.CreateAsync(LocalWorkspace.Id, $"cluster-{k}", withSandboxAccounts: true, cancellationToken);
            var accounts = await store.ReadAsync(s => s.Accounts.ListInSetAsync(LocalWorkspace.Id, set.Set.Id, cancellationToken), cancellationToken);
            made.Add((set.Set.Id, accounts.ToDictionary(a => a.Platform, a => a.Id)));
        }
        seed.Sets = made;
        return seed;
    }

    /// <summary>
    /// <paramref name="count"/> posts to <paramref name="platforms"/>, all scheduled for <paramref name="due"/>, written as
    /// create_post writes a scheduled post (post, pending targets, "created" event), 250 to a transaction, spread over the sets.
    /// </summary>
    public async Task<IReadOnlyList<string>> InsertDuePostsAsync(int count, IReadOnlyList<Platform> platforms, DateTimeOffset due, string textPrefix,
        CancellationToken cancellationToken)
    {
        var store = _host.Services.GetRequiredService<IStore>();
        var ids = new string[count];
        var idBase = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var first = 0; first < count; first += 250)
        {
            var last = Math.Min(count, first + 250);
            await store.WriteAsync(async session =>
            {
                var now = DateTimeOffset.UtcNow;
                for (var i = first; i < last; i++)
                {
                    var (setId, accounts) = Sets[i % Sets.Count];
                    var post = new Post
                    {
                        // Version-7 ids a millisecond apart: the schedulers claim in creation order.
                        Id = Guid.CreateVersion7(idBase.AddMilliseconds(i)).ToString(),
                        WorkspaceId = LocalWorkspace.Id,
                        PlatformSetId = setId,
                        Status = PostStatus.Scheduled,
                        Content = new PostContent($"{textPrefix} {i:D5}", [], null, new Dictionary<Platform, PlatformOverride>()),
                        Platforms = platforms,
                        ScheduledFor = due,
                        Version = 1,
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    ids[i] = post.Id;
                    await session.Posts.InsertAsync(post, cancellationToken);
                    foreach (var platform in platforms)
                    {
                        await session.Targets.InsertAsync(new PostTarget
                        {
                            PostId = post.Id,
                            Platform = platform,
                            AccountId = accounts[platform],
                            Status = TargetStatus.Pending,
                            AttemptCount = 0,
                            CreatedAt = now,
                            UpdatedAt = now,
                        }, cancellationToken);
                    }
                    await session.Events.AppendAsync(new PostEvent
                    {
                        Id = 0,
                        PostId = post.Id,
                        EventType = "created",
                        ToStatus = PostStatus.Scheduled.ToWireName(),
                        PostVersion = 1,
                        OccurredAt = now,
                    }, cancellationToken);
                }
                return 0;
            }, cancellationToken);
        }
        return ids;
    }

    public void Dispose() => _host.Dispose();
}
