using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// An all_or_nothing post: pre-checked before anything goes out; when a target still fails, the live ones are taken down
/// where the platform allows it and the outcome lists each. The policy is set on the stored post until the tool takes it.
/// </summary>
public sealed class AllOrNothingTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;

    [Fact]
    public async Task Publish_OneTargetFails_LiveOnesAreWithdrawnAndThePostFails()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        await services.MakeSandboxFailAsync(Platform.Threads, ErrorCodes.PlatformError);
        var post = await CreateAllOrNothingAsync(services, Drafts.Create("Together", Platform.X, Platform.LinkedIn, Platform.Threads));

        var done = await posts.PublishAsync(Ws, post.Post.Id, null, Ct);

        Assert.Equal(PostStatus.Failed, done.Post.Status);
        Assert.NotNull(done.Rollback);
        Assert.Equal([Platform.X, Platform.LinkedIn], done.Rollback.Select(r => r.Platform).Order());
        Assert.All(done.Rollback, r =>
        {
            Assert.True(r.Withdrawn, r.Message);
            Assert.Null(r.ErrorCode);
            Assert.Contains("threads failed (PLATFORM_ERROR)", r.Message);
        });
        Assert.Equal(TargetStatus.Withdrawn, done.Targets.Single(t => t.Platform == Platform.X).Status);
        Assert.Equal(TargetStatus.Withdrawn, done.Targets.Single(t => t.Platform == Platform.LinkedIn).Status);
        var threads = done.Targets.Single(t => t.Platform == Platform.Threads);
        Assert.Equal(TargetStatus.Failed, threads.Status);
        Assert.Equal(ErrorCodes.PlatformError, threads.ErrorCode);
        var stored = await posts.GetAsync(Ws, post.Post.Id, Ct);
        Assert.Equal(PostStatus.Failed, stored.Post.Status);
        Assert.Equal(done.Targets.Select(t => t.Status), stored.Targets.Select(t => t.Status));
        var events = await posts.GetHistoryAsync(Ws, post.Post.Id, Ct);
        Assert.Equal(2, events.Count(e => e.EventType == "target_rolled_back"));
    }

    [Fact]
    public async Task Publish_OneFailsAndAPlatformCannotWithdraw_ItStaysLiveAndIsListedAsNotWithdrawn()
    {
        // X and LinkedIn fetch the photo before publishing, as for real accounts (issue 13).
        await using var services = await TestServices.CreateInitializedAsync(configure: s => s.AddSingleton<IMediaFetcher>(
            new FakeMediaFetcher().Serve("https://example.com/photo.jpg", TestMedia.Bytes(TestMedia.Jpeg))));
        var posts = services.Get<PostService>();
        Assert.False(services.Sandbox.CapabilitiesFor(Platform.Instagram).CanWithdraw);
        Assert.True(services.Sandbox.CapabilitiesFor(Platform.X).CanWithdraw);
        await services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.PlatformError);
        var photo = new MediaItem("https://example.com/photo.jpg", MediaTypes.Image, "image/jpeg", 200_000, 1080, 1080);
        var post = await CreateAllOrNothingAsync(services, new CreatePostCommand
        {
            Content = Drafts.Text("With a photo") with { Media = [photo] },
            Platforms = [Platform.X, Platform.Instagram, Platform.LinkedIn],
        });

        var done = await posts.PublishAsync(Ws, post.Post.Id, null, Ct);

        Assert.Equal(PostStatus.Partial, done.Post.Status);
        var x = Assert.Single(done.Rollback!, r => r.Platform == Platform.X);
        Assert.True(x.Withdrawn, x.Message);
        var instagram = Assert.Single(done.Rollback!, r => r.Platform == Platform.Instagram);
        Assert.False(instagram.Withdrawn);
        Assert.Equal(ErrorCodes.WithdrawNotSupported, instagram.ErrorCode);
        Assert.Contains("still live", instagram.Message);
        Assert.Equal(TargetStatus.Published, done.Targets.Single(t => t.Platform == Platform.Instagram).Status);
        Assert.Equal(TargetStatus.Withdrawn, done.Targets.Single(t => t.Platform == Platform.X).Status);
        Assert.Equal(TargetStatus.Failed, done.Targets.Single(t => t.Platform == Platform.LinkedIn).Status);
        Assert.Single(await posts.GetHistoryAsync(Ws, post.Post.Id, Ct), e => e.EventType == "target_rollback_failed" && e.Platform == Platform.Instagram);
    }

    [Fact]
    public async Task Publish_OneFailsAndAWithdrawFails_ItIsListedWithTheWithdrawError()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        await services.MakeSandboxFailAsync(Platform.X, publishCode: null, withdrawCode: ErrorCodes.PlatformError);
        await services.MakeSandboxFailAsync(Platform.Threads, ErrorCodes.PlatformError);
        var post = await CreateAllOrNothingAsync(services, Drafts.Create("Stuck", Platform.X, Platform.LinkedIn, Platform.Threads));

        var done = await posts.PublishAsync(Ws, post.Post.Id, null, Ct);

        var x = Assert.Single(done.Rollback!, r => r.Platform == Platform.X);
        Assert.False(x.Withdrawn);
        Assert.Equal(ErrorCodes.PlatformError, x.ErrorCode);
        Assert.Contains("still live", x.Message);
        Assert.True(Assert.Single(done.Rollback!, r => r.Platform == Platform.LinkedIn).Withdrawn);
        Assert.Equal(TargetStatus.Published, done.Targets.Single(t => t.Platform == Platform.X).Status);
        Assert.Equal(PostStatus.Partial, done.Post.Status);
    }

    [Fact]
    public async Task Publish_DailyCapCannotFreeUpInTime_RefusesBeforeAnythingIsPublished()
    {
        await using var services = await TestServices.CreateInitializedAsync(new Dictionary<string, string?> { ["Scheduling:DailyCaps:x"] = "1" });
        var posts = services.Get<PostService>();
        var earlier = await posts.CreateAsync(Ws, Drafts.Create("Earlier", Platform.X), Ct);
        await posts.PublishAsync(Ws, earlier.Post.Id, null, Ct);
        services.Clock.Advance(TimeSpan.FromHours(1));
        var post = await CreateAllOrNothingAsync(services, Drafts.Create("Both or neither", Platform.LinkedIn, Platform.X));
        var before = await posts.GetAsync(Ws, post.Post.Id, Ct);
        var eventsBefore = (await posts.GetHistoryAsync(Ws, post.Post.Id, Ct)).Count;

        var refused = await Assert.ThrowsAsync<LimitReachedException>(() => posts.PublishAsync(Ws, post.Post.Id, null, Ct));

        Assert.Equal(ErrorCodes.RateLimited, refused.Problem.Code);
        Assert.Equal(Platform.X, refused.Problem.Platform);
        Assert.Contains($"{TestServices.Start.AddDays(1):O}", refused.Problem.Message);
        var after = await posts.GetAsync(Ws, post.Post.Id, Ct);
        Assert.Equal(PostStatus.Draft, after.Post.Status);
        Assert.Equal(before.Post.Version, after.Post.Version);
        Assert.All(after.Targets, t => Assert.Equal(TargetStatus.Pending, t.Status));
        Assert.Equal(eventsBefore, (await posts.GetHistoryAsync(Ws, post.Post.Id, Ct)).Count);
        Assert.DoesNotContain(services.Sandbox.Deliveries, d => d.PostId == post.Post.Id);
    }

    [Fact]
    public async Task Retry_RolledBackPost_RepublishesTheWithdrawnTargetsWithTheFailedOne()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        await services.MakeSandboxFailAsync(Platform.Threads, ErrorCodes.PlatformError);
        var post = await CreateAllOrNothingAsync(services, Drafts.Create("Second try", Platform.X, Platform.LinkedIn, Platform.Threads));
        Assert.Equal(PostStatus.Failed, (await posts.PublishAsync(Ws, post.Post.Id, null, Ct)).Post.Status);
        await services.MakeSandboxFailAsync(Platform.Threads, null);

        var retried = await posts.RetryAsync(Ws, post.Post.Id, null, null, Ct);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        Assert.All(retried.Targets, t => Assert.Equal(TargetStatus.Published, t.Status));
        Assert.Null(retried.Rollback);
        Assert.Equal(2, services.Sandbox.Deliveries.Count(d => d.PostId == post.Post.Id && d.Platform == Platform.X));
        Assert.Equal(2, services.Sandbox.Deliveries.Count(d => d.PostId == post.Post.Id && d.Platform == Platform.LinkedIn));
        Assert.Equal(1, services.Sandbox.Deliveries.Count(d => d.PostId == post.Post.Id && d.Platform == Platform.Threads));
    }

    [Fact]
    public async Task Retry_AfterAPersonWithdrewATargetOnPurpose_RepublishesOnlyWhatTheRollbackTookDown()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        // X and Facebook refuse the rollback's delete, so they stay live and the post is partial; Threads fails.
        await services.MakeSandboxFailAsync(Platform.X, publishCode: null, withdrawCode: ErrorCodes.PlatformError);
        await services.MakeSandboxFailAsync(Platform.Facebook, publishCode: null, withdrawCode: ErrorCodes.PlatformError);
        await services.MakeSandboxFailAsync(Platform.Threads, ErrorCodes.PlatformError);
        var post = await CreateAllOrNothingAsync(services,
            Drafts.Create("Once only", Platform.X, Platform.Facebook, Platform.LinkedIn, Platform.Threads));
        var first = await posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Partial, first.Post.Status);
        Assert.Equal(WithdrawalCause.Rollback, first.Targets.Single(t => t.Platform == Platform.LinkedIn).WithdrawnBy);

        // The person takes X down on purpose; Facebook stays live, so the post stays partial and can be retried.
        await services.MakeSandboxFailAsync(Platform.X, null);
        await services.MakeSandboxFailAsync(Platform.Threads, null);
        var withdrawn = await posts.WithdrawAsync(Ws, post.Post.Id, [Platform.X], null, Ct);
        Assert.Equal(PostStatus.Partial, withdrawn.Post.Post.Status);
        var retried = await posts.RetryAsync(Ws, post.Post.Id, null, null, Ct);

        var x = retried.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Withdrawn, x.Status);
        Assert.Equal(WithdrawalCause.WithdrawPost, x.WithdrawnBy);
        Assert.Equal(1, services.Sandbox.Deliveries.Count(d => d.PostId == post.Post.Id && d.Platform == Platform.X));
        Assert.Equal(2, services.Sandbox.Deliveries.Count(d => d.PostId == post.Post.Id && d.Platform == Platform.LinkedIn));
        var linkedIn = retried.Targets.Single(t => t.Platform == Platform.LinkedIn);
        Assert.Equal(TargetStatus.Published, linkedIn.Status);
        Assert.Null(linkedIn.WithdrawnBy);
        Assert.Equal(TargetStatus.Published, retried.Targets.Single(t => t.Platform == Platform.Threads).Status);
    }

    [Fact]
    public async Task Fire_ScheduledAllOrNothingWhoseCapCannotFreeUp_FailsOnceWithNothingPublished()
    {
        var settings = new Dictionary<string, string?> { ["Scheduling:DailyCaps:x"] = "1" };
        await using var server = await Scheduling.SchedulerHarness.CreateAsync(settings);
        var earlier = await server.Posts.CreateAsync(Ws, Drafts.Create("Earlier", Platform.X), Ct);
        await server.Posts.PublishAsync(Ws, earlier.Post.Id, null, Ct);
        var due = TestServices.Start.AddMinutes(10);
        var post = await server.ScheduleNewAsync(due, Platform.LinkedIn, Platform.X);
        await server.Store.WriteAsync(async s =>
        {
            var p = (await s.Posts.GetAsync(Ws, post.Post.Id, Ct))!;
            Assert.True(await s.Posts.UpdateAsync(p with { Policy = PublishPolicy.AllOrNothing, Version = p.Version + 1 }, p.Version, Ct));
            return 0;
        }, Ct);
        await server.StartAsync();

        await server.AdvanceAsync(TimeSpan.FromMinutes(10));

        var fired = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Failed, fired.Post.Status);
        Assert.All(fired.Targets, t => Assert.Equal(ErrorCodes.RateLimited, t.ErrorCode));
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
        Assert.Single(await server.Posts.GetHistoryAsync(Ws, post.Post.Id, Ct), e => e.EventType == "schedule_failed");
        Assert.Empty(await server.Store.ReadAsync(s => s.Posts.ListLeaseOwnersAsync(server.Clock.GetUtcNow(), Ct), Ct));
        Assert.True(await server.Store.ReadAsync(s => s.Posts.NextDueAtAsync(server.Clock.GetUtcNow(), Ct), Ct) is null);
    }

    [Fact]
    public async Task Publish_OneTargetFailsAgainstTheEmulator_LiveOnesAreDeletedOnTheirPlatforms()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn, Platform.Threads]);
        h.Emulator.Faults.Enqueue(Platform.Threads, new SocialMcp.Emulator.Fault.Respond(400,
            """{"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"Abc"}}"""), times: 8);
        var post = await CreateAllOrNothingAsync(h.Services, Drafts.Create("All or nothing, for real", Platform.X, Platform.LinkedIn, Platform.Threads));

        var done = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(PostStatus.Failed, done.Post.Status);
        Assert.NotEqual(TargetStatus.Published, done.Targets.Single(t => t.Platform == Platform.Threads).Status);
        Assert.All(done.Rollback!, r => Assert.True(r.Withdrawn, $"{r.Platform}: {r.ErrorCode} {r.Message}"));
        Assert.Equal([Platform.X, Platform.LinkedIn], done.Rollback!.Select(r => r.Platform).Order());
        Assert.Equal(1, h.Emulator.State.Calls(Platform.X, "tweets.delete"));
        var x = done.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Withdrawn, x.Status);
        using var client = new HttpClient { BaseAddress = h.Emulator.BaseUrlOf(Platform.X) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await h.SandboxTokenAsync(Platform.X));
        var read = await client.GetStringAsync($"2/tweets/{SandboxPostIds.EmulatorIdOf(x.PlatformPostId!)}");
        Assert.DoesNotContain("\"data\"", read);
    }

    private static async Task<PostDetails> CreateAllOrNothingAsync(TestServices services, CreatePostCommand command)
    {
        var posts = services.Get<PostService>();
        var created = await posts.CreateAsync(Ws, command, Ct);
        await LimitWaitTests.SetAsync(services, created.Post.Id, p => p with { Policy = PublishPolicy.AllOrNothing });
        var stored = await posts.GetAsync(Ws, created.Post.Id, Ct);
        Assert.Equal(PublishPolicy.AllOrNothing, stored.Post.Policy);
        return stored;
    }
}
