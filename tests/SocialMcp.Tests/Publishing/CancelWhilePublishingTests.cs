using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>cancel_post once a target has started: INVALID_STATUS_TRANSITION naming each started target and its status.</summary>
public sealed class CancelWhilePublishingTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;

    [Fact]
    public async Task Cancel_PublishingPost_NamesEachStartedTargetAndItsStatus()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        var post = await posts.CreateAsync(Ws, Drafts.Create("Half out", Platform.X, Platform.LinkedIn, Platform.Threads), Ct);
        var now = services.Clock.GetUtcNow();
        await services.Store.WriteAsync(async s =>
        {
            Assert.True(await s.Posts.UpdateAsync(post.Post with { Status = PostStatus.Publishing, Version = 2 }, 1, Ct));
            var x = post.Targets.Single(t => t.Platform == Platform.X);
            await s.Targets.UpdateAsync(x with
            {
                Status = TargetStatus.Published,
                PlatformPostId = "1",
                PublicUrl = "sandbox://x/1",
                AttemptCount = 1,
                AttemptId = "a-x",
                PublishedAt = now,
            }, Ct);
            var linkedIn = post.Targets.Single(t => t.Platform == Platform.LinkedIn);
            await s.Targets.UpdateAsync(linkedIn with { Status = TargetStatus.Publishing, AttemptCount = 1, AttemptId = "a-li" }, Ct);
            return 0;
        }, Ct);

        var refused = await Assert.ThrowsAsync<ConflictException>(() => posts.CancelAsync(Ws, post.Post.Id, null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, refused.Problem.Code);
        Assert.Contains("x published (sandbox://x/1)", refused.Problem.Message);
        Assert.Contains("linkedin publishing", refused.Problem.Message);
        Assert.DoesNotContain("threads", refused.Problem.Message);
        Assert.Equal(PostStatus.Publishing, (await posts.GetAsync(Ws, post.Post.Id, Ct)).Post.Status);
    }

    [Fact]
    public async Task Cancel_WhileATargetWaitsOnARateLimit_IsRefusedAndThePublishFinishes()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn]);
        var post = await h.CreateAsync("Cannot stop now", Platform.X, Platform.LinkedIn);
        h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, null, new Dictionary<string, string> { ["Retry-After"] = "60" }) { PathContains = "2/tweets" });
        var publishing = h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        await EmulatedPublishing.WaitUntilAsync(async () =>
            (await h.EventsOfAsync(post.Post.Id, "target_waiting")).Count == 1
            && (await h.GetAsync(post.Post.Id)).Targets.Single(t => t.Platform == Platform.LinkedIn).Status == TargetStatus.Published,
            "X waits and LinkedIn is out");
        var linkedInUrl = (await h.GetAsync(post.Post.Id)).Targets.Single(t => t.Platform == Platform.LinkedIn).PublicUrl;

        var refused = await Assert.ThrowsAsync<ConflictException>(() => h.Posts.CancelAsync(Ws, post.Post.Id, null, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, refused.Problem.Code);
        Assert.Contains("x publishing", refused.Problem.Message);
        Assert.Contains($"linkedin published ({linkedInUrl})", refused.Problem.Message);
        h.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(PostStatus.Published, (await publishing.WaitAsync(TimeSpan.FromSeconds(20))).Post.Status);
    }
}
