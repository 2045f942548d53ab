using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// Platform limits are waited for while the wait fits the post's tolerance (Scheduling:DefaultTolerance or the post's
/// own); otherwise the target fails RATE_LIMITED with the reset time, and the post's other targets are unaffected.
/// </summary>
public sealed class LimitWaitTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;
    private static readonly DateTimeOffset T0 = TestServices.Start;

    private static Fault.Respond XLimited(DateTimeOffset reset) =>
        new(429, """{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}""", PostFaultTests.XRateHeaders(reset))
        { PathContains = "2/tweets" };

    [Fact]
    public async Task Publish_RateLimitResetWithinTolerance_WaitsUntilTheResetThenPublishesOnce()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn]);
        var post = await h.CreateAsync("Patience", Platform.X, Platform.LinkedIn);
        var reset = T0.AddMinutes(5);
        h.Emulator.Faults.Enqueue(Platform.X, XLimited(reset));

        var publishing = h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        await EmulatedPublishing.WaitUntilAsync(async () => (await h.EventsOfAsync(post.Post.Id, "target_waiting")).Count == 1, "X waits");

        var waiting = Assert.Single(await h.EventsOfAsync(post.Post.Id, "target_waiting"));
        Assert.Equal(Platform.X, waiting.Platform);
        Assert.StartsWith($"until={reset:O} ", waiting.Detail);
        Assert.False(publishing.IsCompleted);
        Assert.Equal(TargetStatus.Publishing, (await h.GetAsync(post.Post.Id)).Targets.Single(t => t.Platform == Platform.X).Status);
        Assert.Equal(0, h.Emulator.State.LivePosts(Platform.X));

        h.Clock.Advance(TimeSpan.FromMinutes(5));
        var done = await publishing.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(PostStatus.Published, done.Post.Status);
        Assert.All(done.Targets, t => Assert.Equal(TargetStatus.Published, t.Status));
        Assert.Equal(1, h.Emulator.State.LivePosts(Platform.X));
        Assert.Equal(1, h.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(1, h.Emulator.State.LivePosts(Platform.LinkedIn));
    }

    [Fact]
    public async Task Publish_RateLimitResetWithinThePostsOwnTolerance_Waits()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var post = await h.CreateAsync("Long patience", Platform.X);
        await SetAsync(h.Services, post.Post.Id, p => p with { Tolerance = TimeSpan.FromHours(3) });
        var reset = T0.AddHours(2);
        h.Emulator.Faults.Enqueue(Platform.X, XLimited(reset));

        var publishing = h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        await EmulatedPublishing.WaitUntilAsync(async () => (await h.EventsOfAsync(post.Post.Id, "target_waiting")).Count == 1, "X waits");
        // The event is stored before the wait starts: move the clock only once the wait is armed.
        await h.Clock.WaitForDelayAsync(reset - h.Clock.GetUtcNow());
        h.Clock.Advance(TimeSpan.FromHours(2));
        var done = await publishing.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(PostStatus.Published, done.Post.Status);
        Assert.Equal(1, h.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task Publish_RateLimitResetBeyondTolerance_FailsRateLimitedWithTheResetAndOthersPublish()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn]);
        var post = await h.CreateAsync("Too late", Platform.X, Platform.LinkedIn);
        var reset = T0.AddHours(2); // the default tolerance is 15 minutes
        h.Emulator.Faults.Enqueue(Platform.X, XLimited(reset));

        var done = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(TimeSpan.FromSeconds(20));

        var x = done.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Failed, x.Status);
        Assert.Equal(ErrorCodes.RateLimited, x.ErrorCode);
        Assert.Contains($"{reset:O}", x.ErrorMessage);
        Assert.Equal("429", x.PlatformErrorCode);
        var linkedIn = done.Targets.Single(t => t.Platform == Platform.LinkedIn);
        Assert.Equal(TargetStatus.Published, linkedIn.Status);
        Assert.Null(linkedIn.ErrorCode);
        Assert.Equal(PostStatus.Partial, done.Post.Status);
        Assert.Empty(await h.EventsOfAsync(post.Post.Id, "target_waiting"));
        Assert.Equal(0, h.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task Publish_DailyCapFullAndToleranceCoversTheWindow_WaitsForTheOldestToFallOut()
    {
        await using var services = await TestServices.CreateInitializedAsync(new Dictionary<string, string?>
        {
            ["Scheduling:DailyCaps:x"] = "2",
            ["Scheduling:DefaultTolerance"] = "1.00:00:00",
        });
        var posts = services.Get<PostService>();
        await PublishNewAsync(posts, "First of the day");
        services.Clock.Advance(TimeSpan.FromHours(1));
        await PublishNewAsync(posts, "Second of the day");
        services.Clock.Advance(TimeSpan.FromHours(1));
        var third = await posts.CreateAsync(Ws, Drafts.Create("Third", Platform.X, Platform.LinkedIn), Ct);

        var publishing = posts.PublishAsync(Ws, third.Post.Id, null, Ct);
        await EmulatedPublishing.WaitUntilAsync(async () =>
            (await posts.GetHistoryAsync(Ws, third.Post.Id, Ct)).Any(e => e.EventType == "target_waiting"), "X waits for its cap");

        var waiting = Assert.Single(await posts.GetHistoryAsync(Ws, third.Post.Id, Ct), e => e.EventType == "target_waiting");
        Assert.Equal(Platform.X, waiting.Platform);
        Assert.StartsWith($"until={T0.AddDays(1):O} ", waiting.Detail);
        await EmulatedPublishing.WaitUntilAsync(async () =>
            (await posts.GetAsync(Ws, third.Post.Id, Ct)).Targets.Single(t => t.Platform == Platform.LinkedIn).Status == TargetStatus.Published,
            "LinkedIn goes out meanwhile");
        Assert.False(publishing.IsCompleted);
        Assert.Equal(2, services.Sandbox.Deliveries.Count(d => d.Platform == Platform.X));

        await services.Clock.WaitForDelayAsync(T0.AddDays(1) - services.Clock.GetUtcNow());
        services.Clock.Advance(TimeSpan.FromHours(22));
        var done = await publishing.WaitAsync(TimeSpan.FromSeconds(20));

        var x = done.Targets.Single(t => t.Platform == Platform.X);
        Assert.True(x.Status == TargetStatus.Published, $"{x.Status} {x.ErrorCode} {x.ErrorMessage}");
        Assert.Equal(PostStatus.Published, done.Post.Status);
        var delivered = Assert.Single(services.Sandbox.Deliveries, d => d.PostId == third.Post.Id && d.Platform == Platform.X);
        Assert.Equal(T0.AddDays(1), delivered.At);
    }

    [Fact]
    public async Task Publish_DailyCapFullBeyondTolerance_FailsRateLimitedWithTheTimeItFreesUp()
    {
        await using var services = await TestServices.CreateInitializedAsync(new Dictionary<string, string?> { ["Scheduling:DailyCaps:x"] = "2" });
        var posts = services.Get<PostService>();
        await PublishNewAsync(posts, "First of the day");
        services.Clock.Advance(TimeSpan.FromHours(1));
        await PublishNewAsync(posts, "Second of the day");
        services.Clock.Advance(TimeSpan.FromHours(1));
        var third = await posts.CreateAsync(Ws, Drafts.Create("Third", Platform.X, Platform.LinkedIn), Ct);

        var done = await posts.PublishAsync(Ws, third.Post.Id, null, Ct).WaitAsync(TimeSpan.FromSeconds(20));

        var x = done.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Failed, x.Status);
        Assert.Equal(ErrorCodes.RateLimited, x.ErrorCode);
        Assert.Contains($"{T0.AddDays(1):O}", x.ErrorMessage);
        Assert.Equal(TargetStatus.Published, done.Targets.Single(t => t.Platform == Platform.LinkedIn).Status);
        Assert.Equal(PostStatus.Partial, done.Post.Status);
        Assert.DoesNotContain(services.Sandbox.Deliveries, d => d.PostId == third.Post.Id && d.Platform == Platform.X);
    }

    [Fact]
    public async Task Publish_RateLimitedOverAndOver_WaitsAtMostMaxLimitWaitsTimesThenFails()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn],
            new Dictionary<string, string?> { ["Scheduling:MaxLimitWaits"] = "2" });
        var post = await h.CreateAsync("Persistent", Platform.X, Platform.LinkedIn);
        h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, null, new Dictionary<string, string> { ["Retry-After"] = "60" })
        { PathContains = "2/tweets" }, times: 5);

        var publishing = h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        for (var wait = 1; wait <= 2; wait++)
        {
            var expected = wait;
            await EmulatedPublishing.WaitUntilAsync(async () => (await h.EventsOfAsync(post.Post.Id, "target_waiting")).Count == expected, $"wait {expected}");
            h.Clock.Advance(TimeSpan.FromSeconds(60));
        }
        var done = await publishing.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, (await h.EventsOfAsync(post.Post.Id, "target_waiting")).Count);
        var x = done.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Failed, x.Status);
        Assert.Equal(ErrorCodes.RateLimited, x.ErrorCode);
        Assert.Contains($"{h.Clock.GetUtcNow().AddSeconds(60):O}", x.ErrorMessage);
        Assert.Equal(TargetStatus.Published, done.Targets.Single(t => t.Platform == Platform.LinkedIn).Status);
        Assert.Equal(0, h.Emulator.State.LivePosts(Platform.X));
    }

    private static async Task PublishNewAsync(PostService posts, string text)
    {
        var post = await posts.CreateAsync(Ws, Drafts.Create(text, Platform.X), Ct);
        Assert.Equal(PostStatus.Published, (await posts.PublishAsync(Ws, post.Post.Id, null, Ct)).Post.Status);
    }

    /// <summary>Changes a stored post directly (policy and tolerance have no tool argument yet).</summary>
    internal static Task SetAsync(TestServices services, string postId, Func<Post, Post> change) =>
        services.Store.WriteAsync(async s =>
        {
            var post = (await s.Posts.GetAsync(Ws, postId, Ct))!;
            Assert.True(await s.Posts.UpdateAsync(change(post) with { Version = post.Version + 1 }, post.Version, Ct));
            return 0;
        }, Ct);
}
