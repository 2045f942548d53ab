using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Media;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Media;

/// <summary>Issue 13, "a slow URL holds nothing that others share": media before the slot, and fair slots between workspaces.</summary>
public sealed class FairSlotsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Release_ManyWaitersOfOneWorkspace_NextSlotGoesToTheOtherWorkspace()
    {
        var slots = new FairSlots(2);
        await slots.EnterAsync("A", Ct);
        await slots.EnterAsync("A", Ct);
        var waitingA = Enumerable.Range(0, 6).Select(_ => slots.EnterAsync("A", Ct)).ToList();
        var waitingB = slots.EnterAsync("B", Ct);
        Assert.False(waitingB.IsCompleted);

        slots.Release("A");

        // B holds nothing and A holds one: the freed slot goes to B, though six of A's waited longer.
        await waitingB.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(waitingA, w => Assert.False(w.IsCompleted));

        slots.Release("B");
        await waitingA[0].WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(waitingA.Skip(1), w => Assert.False(w.IsCompleted));
        Assert.Equal((2, 5), slots.Snapshot());
    }

    [Fact]
    public async Task Release_OnlyOneWorkspaceWaits_ItUsesEverySlotInOrder()
    {
        var slots = new FairSlots(2);
        await slots.EnterAsync("A", Ct);
        await slots.EnterAsync("A", Ct);
        var third = slots.EnterAsync("A", Ct);
        var fourth = slots.EnterAsync("A", Ct);

        slots.Release("A");
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fourth.IsCompleted);
        slots.Release("A");
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        slots.Release("A");
        slots.Release("A");
        Assert.Equal((0, 0), slots.Snapshot());
    }

    [Fact]
    public async Task Enter_CancelledWhileWaiting_LeavesTheQueueAndTheSlotCount()
    {
        var slots = new FairSlots(1);
        await slots.EnterAsync("A", Ct);
        using var cancel = new CancellationTokenSource();
        var waiting = slots.EnterAsync("B", cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        slots.Release("A");
        Assert.Equal((0, 0), slots.Snapshot());
        await slots.EnterAsync("C", Ct).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task PublishConcurrency_TwoWorkspacesOnOnePlatform_ShareItsSlots()
    {
        var concurrency = new PublishConcurrency(Options.Create(new SchedulingOptions { MaxConcurrentPerPlatform = 2, MaxConcurrentPerAccount = 4 }));
        var held = await concurrency.EnterAsync(Platform.X, "acct-a", "ws-a", Ct);
        var alsoHeld = await concurrency.EnterAsync(Platform.X, "acct-a", "ws-a", Ct);
        var moreA = concurrency.EnterAsync(Platform.X, "acct-a", "ws-a", Ct);
        var b = concurrency.EnterAsync(Platform.X, "acct-b", "ws-b", Ct);

        held.Dispose();

        var slotOfB = await b.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(moreA.IsCompleted);
        slotOfB.Dispose();
        (await moreA.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        alsoHeld.Dispose();
    }

    [Fact]
    public async Task Publish_FourPostsWhoseMediaNeverAnswer_AnotherWorkspacesPostGoesOutPromptly()
    {
        var fetcher = new ScriptedMediaFetcher { ExpectedHanging = 4 };
        await using var services = await TestServices.CreateInitializedAsync(
            new Dictionary<string, string?>
            {
                ["Scheduling:MaxConcurrentPerPlatform"] = "4",
                ["Scheduling:MaxConcurrentPerAccount"] = "4",
            },
            s =>
            {
                s.AddSingleton<IMediaFetcher>(fetcher);
            });
        var posts = services.Get<PostService>();
        var other = await services.Get<WorkspaceService>().CreateAsync("other", Ct);
        using var stopA = new CancellationTokenSource();

        var slowPosts = new List<Task<PostDetails>>();
        for (var i = 0; i < 4; i++)
        {
            var created = await posts.CreateAsync(LocalWorkspace.Id, new CreatePostCommand
            {
                Content = Drafts.Text($"slow {i}") with { Media = [new MediaItem($"https://hang{i}.example/photo.png", MediaTypes.Image)] },
                Platforms = [Platform.X],
            }, Ct);
            slowPosts.Add(Task.Run(() => posts.PublishAsync(LocalWorkspace.Id, new PublishPostCommand(created.Post.Id), stopA.Token)));
        }
        await fetcher.AllHanging.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var quick = await posts.CreateAsync(other.Id, Drafts.Create("quick", Platform.X), Ct);
        var published = await posts.PublishAsync(other.Id, new PublishPostCommand(quick.Post.Id), Ct).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TargetStatus.Published, Assert.Single(published.Targets).Status);
        Assert.Equal(4, fetcher.Hanging);
        Assert.All(slowPosts, p => Assert.False(p.IsCompleted));
        await stopA.CancelAsync();
        foreach (var slow in slowPosts)
        {
            try { await slow.WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (OperationCanceledException) { }
        }
    }

    [Fact]
    public async Task Publish_MediaFetchFails_TargetFailsWithTheMediaErrorAndNoPlatformCall()
    {
        var fetcher = new ScriptedMediaFetcher();
        await using var services = await TestServices.CreateInitializedAsync(configure: s =>
        {
            s.AddSingleton<IMediaFetcher>(fetcher);
        });
        var posts = services.Get<PostService>();
        var created = await posts.CreateAsync(LocalWorkspace.Id, new CreatePostCommand
        {
            Content = Drafts.Text("broken") with { Media = [new MediaItem("https://fail.example/photo.png", MediaTypes.Image)] },
            Platforms = [Platform.X],
        }, Ct);

        var published = await posts.PublishAsync(LocalWorkspace.Id, new PublishPostCommand(created.Post.Id), Ct);

        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Failed, target.Status);
        Assert.Equal("MEDIA_FETCH_FAILED", target.ErrorCode);
        Assert.DoesNotContain(services.Sandbox.Deliveries, d => d.PostId == created.Post.Id);
    }

    [Fact]
    public async Task Publish_FetchedFileIsNotWhatThePostSaid_RulesRunOnTheProbeAndTheTargetFails()
    {
        await using var services = await TestServices.CreateInitializedAsync(configure: s =>
        {
            s.AddSingleton<IMediaFetcher>(new ScriptedMediaFetcher());
        });
        var posts = services.Get<PostService>();
        // The post says video; the URL answers a PNG. YouTube takes exactly one video.
        var created = await posts.CreateAsync(LocalWorkspace.Id, new CreatePostCommand
        {
            Content = Drafts.Text("not a video") with
            {
                Media = [new MediaItem("https://ok.example/clip.mp4", MediaTypes.Video)],
                PlatformOverrides = new Dictionary<Platform, PlatformOverride>
                {
                    [Platform.YouTube] = new(Settings: System.Text.Json.JsonDocument.Parse("""{"title": "Clip"}""").RootElement),
                },
            },
            Platforms = [Platform.YouTube],
        }, Ct);

        var published = await posts.PublishAsync(LocalWorkspace.Id, new PublishPostCommand(created.Post.Id), Ct);

        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Failed, target.Status);
        Assert.StartsWith("UNSUPPORTED_MEDIA", target.ErrorCode);
        Assert.DoesNotContain(services.Sandbox.Deliveries, d => d.PostId == created.Post.Id);
    }
}
