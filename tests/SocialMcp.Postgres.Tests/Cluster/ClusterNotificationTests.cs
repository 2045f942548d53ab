using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Resources;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Cluster;

/// <summary>Changes made on one instance reach the others through the triggers' NOTIFY and each instance's listener.</summary>
public sealed class ClusterNotificationTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SchedulePost_OnInstanceA_WakesTheSchedulerOfInstanceB()
    {
        await using var cluster = await ClusterInstances.StartAsync(2);
        var draft = await cluster[0].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create(), Ct);
        var wakeB = cluster[1].Get<SchedulerSignal>().NextPoke;

        await cluster[0].Get<PostService>().ScheduleAsync(LocalWorkspace.Id, draft.Post.Id, cluster[0].Clock.GetUtcNow().AddHours(2), null, Ct);

        // Nobody pokes B's signal but its listener, and no clock moves: the NOTIFY of A's commit woke it.
        await wakeB.WaitAsync(Safety);
        Assert.True(wakeB.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task DraftCreated_OnInstanceA_ReachesBsReaders_WithoutWakingBsScheduler()
    {
        var (started, notifiers) = await StartRecordingAsync();
        await using var cluster = started;
        var wakeB = cluster[1].Get<SchedulerSignal>().NextPoke;

        var draft = await cluster[0].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create("never due"), Ct);

        // The trigger sends socialmcp_due before socialmcp_post in one transaction, and B's listener reads them in order:
        // once B has heard of the post, a wake-up for it would already have landed.
        await notifiers[1].SeenAsync(draft.Post.Id);
        Assert.False(wakeB.IsCompleted);
    }

    [Fact]
    public async Task PostChange_OnInstanceA_ReachesAListenerOfInstanceB()
    {
        await using var cluster = await ClusterInstances.StartAsync(2, configure: services =>
        {
            services.TryAddSingleton<PostSubscriptions>();
            services.Replace(ServiceDescriptor.Singleton<IPostChangeNotifier>(sp => sp.GetRequiredService<PostSubscriptions>()));
        });
        var draft = await cluster[0].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create(), Ct);
        var told = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = cluster[1].Get<PostSubscriptions>().AddListener(PostResources.UriOf(draft.Post.Id), LocalWorkspace.Id, _ =>
        {
            told.TrySetResult();
            return Task.CompletedTask;
        });

        await cluster[0].Get<PostService>().ScheduleAsync(LocalWorkspace.Id, draft.Post.Id, cluster[0].Clock.GetUtcNow().AddHours(2), null, Ct);

        await told.Task.WaitAsync(Safety);
        Assert.True(told.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task PostChange_OnInstanceA_IsNotReportedToAAgainThroughNotify()
    {
        var (started, notifiers) = await StartRecordingAsync();
        await using var cluster = started;

        var first = await cluster[0].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create("first"), Ct);
        await cluster[0].Get<PostService>().ScheduleAsync(LocalWorkspace.Id, first.Post.Id, cluster[0].Clock.GetUtcNow().AddHours(2), null, Ct);
        var reportedLocally = notifiers[0].Posts.Count(p => p == first.Post.Id);
        // A change from B afterwards: A's listener gets notifications in commit order, so once it has B's, any echo of
        // A's own changes would have arrived before it.
        var second = await cluster[1].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create("second"), Ct);
        await notifiers[0].SeenAsync(second.Post.Id);

        Assert.True(reportedLocally >= 1);
        Assert.Equal(reportedLocally, notifiers[0].Posts.Count(p => p == first.Post.Id));
        await notifiers[1].SeenAsync(first.Post.Id);
    }

    [Fact]
    public async Task WebhookOutboxRow_WrittenOnInstanceA_PokesTheWebhookWorkerOfInstanceB()
    {
        await using var cluster = await ClusterInstances.StartAsync(2, new Dictionary<string, string?> { ["Media:AllowedHosts:0"] = "127.0.0.1" });
        await cluster[0].Get<WebhookService>().CreateAsync(LocalWorkspace.Id, "http://127.0.0.1:9/hooks", "cluster", [WebhookEventTypes.PostCreated], Ct);
        var wakeB = cluster[1].Get<WebhookSignal>().NextPoke;

        await cluster[0].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create(), Ct);

        await wakeB.WaitAsync(Safety);
        Assert.True(wakeB.IsCompletedSuccessfully);
    }

    /// <summary>Two instances, each with a <see cref="RecordingPostNotifier"/> (at its own index) as its change notifier.</summary>
    private static async Task<(ClusterInstances Cluster, List<RecordingPostNotifier> Notifiers)> StartRecordingAsync()
    {
        var notifiers = new List<RecordingPostNotifier>();
        var cluster = await ClusterInstances.StartAsync(2, configure: services =>
        {
            var notifier = new RecordingPostNotifier();
            notifiers.Add(notifier);
            services.Replace(ServiceDescriptor.Singleton<IPostChangeNotifier>(notifier));
        });
        return (cluster, notifiers);
    }
}
