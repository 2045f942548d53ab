using Dapper;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>The publish ledger: an attempt id per target and attempt, and a lease on the post while it is being published.</summary>
public sealed class PublishLedgerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;

    [Fact]
    public async Task Publish_TwoPosts_EachTargetGetsItsOwnAttemptIdShownInItsEventsAndKept()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        var first = await posts.CreateAsync(Ws, Drafts.Create("One", Platform.X, Platform.LinkedIn), Ct);
        var second = await posts.CreateAsync(Ws, Drafts.Create("Two", Platform.X, Platform.LinkedIn), Ct);

        var published = new[]
        {
            await posts.PublishAsync(Ws, first.Post.Id, null, Ct),
            await posts.PublishAsync(Ws, second.Post.Id, null, Ct),
        };

        var attemptIds = published.SelectMany(p => p.Targets).Select(t => t.AttemptId).ToList();
        Assert.All(attemptIds, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Equal(4, attemptIds.Distinct().Count());
        foreach (var post in published)
        {
            var events = await posts.GetHistoryAsync(Ws, post.Post.Id, Ct);
            var stored = await posts.GetAsync(Ws, post.Post.Id, Ct);
            foreach (var target in post.Targets)
            {
                var started = events.Single(e => e.EventType == "target_publishing" && e.Platform == target.Platform);
                Assert.Contains($"attemptId={target.AttemptId}", started.Detail);
                var finished = events.Single(e => e.EventType == "target_published" && e.Platform == target.Platform);
                Assert.Contains($"attemptId={target.AttemptId}", finished.Detail);
                Assert.Equal(target.AttemptId, stored.Targets.Single(t => t.Platform == target.Platform).AttemptId);
            }
        }
    }

    [Fact]
    public async Task Retry_FailedTarget_GetsANewAttemptIdWhileThePublishedOneKeepsItsOwn()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        await services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.PlatformError);
        var post = await posts.CreateAsync(Ws, Drafts.Create("Again", Platform.X, Platform.LinkedIn), Ct);
        var partial = await posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Partial, partial.Post.Status);
        await services.MakeSandboxFailAsync(Platform.LinkedIn, null);

        var retried = await posts.RetryAsync(Ws, post.Post.Id, null, null, Ct);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        var linkedInBefore = partial.Targets.Single(t => t.Platform == Platform.LinkedIn);
        var linkedInAfter = retried.Targets.Single(t => t.Platform == Platform.LinkedIn);
        Assert.NotEqual(linkedInBefore.AttemptId, linkedInAfter.AttemptId);
        Assert.Equal(2, linkedInAfter.AttemptCount);
        Assert.Equal(partial.Targets.Single(t => t.Platform == Platform.X).AttemptId, retried.Targets.Single(t => t.Platform == Platform.X).AttemptId);
        var starts = (await posts.GetHistoryAsync(Ws, post.Post.Id, Ct))
            .Where(e => e.EventType == "target_publishing" && e.Platform == Platform.LinkedIn).ToList();
        Assert.Equal(2, starts.Count);
        Assert.Contains($"attemptId={linkedInBefore.AttemptId}", starts[0].Detail);
        Assert.Contains($"attemptId={linkedInAfter.AttemptId}", starts[1].Detail);
    }

    [Fact]
    public async Task Publish_WhileATargetIsPublishing_PostIsLeasedToThisProcessAndReleasedAfter()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn]);
        var owner = h.Services.Get<PublisherIdentity>().Owner;
        var post = await h.CreateAsync("Leased", Platform.X, Platform.LinkedIn);
        // X makes the target wait a minute, so the publish is caught in the middle.
        h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, null, new Dictionary<string, string> { ["Retry-After"] = "60" }) { PathContains = "2/tweets" });

        var publishing = h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        await EmulatedPublishing.WaitUntilAsync(async () => (await h.EventsOfAsync(post.Post.Id, "target_waiting")).Count == 1, "X waits");

        var now = h.Clock.GetUtcNow();
        Assert.True(await h.Services.Store.ReadAsync(s => s.Posts.HoldsLeaseAsync(post.Post.Id, owner, now, Ct), Ct));
        Assert.Equal([owner], await h.Services.Store.ReadAsync(s => s.Posts.ListLeaseOwnersAsync(now, Ct), Ct));
        Assert.Equal(PostStatus.Publishing, (await h.GetAsync(post.Post.Id)).Post.Status);

        h.Clock.Advance(TimeSpan.FromSeconds(60));
        var done = await publishing.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(PostStatus.Published, done.Post.Status);
        Assert.False(await h.Services.Store.ReadAsync(s => s.Posts.HoldsLeaseAsync(post.Post.Id, owner, h.Clock.GetUtcNow(), Ct), Ct));
        Assert.Empty(await h.Services.Store.ReadAsync(s => s.Posts.ListLeaseOwnersAsync(h.Clock.GetUtcNow(), Ct), Ct));
        Assert.Equal((null, null), await LeaseColumnsAsync(h.Services, post.Post.Id));
    }

    [Fact]
    public async Task Publish_Finished_LeavesNoLease()
    {
        await using var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        var post = await posts.CreateAsync(Ws, Drafts.Create("Done", Platform.X), Ct);

        await posts.PublishAsync(Ws, post.Post.Id, null, Ct);

        Assert.Equal((null, null), await LeaseColumnsAsync(services, post.Post.Id));
    }

    private static async Task<(string? Owner, string? Expires)> LeaseColumnsAsync(TestServices services, string postId)
    {
        await using var connection = await services.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string?, string?)>(
            "SELECT lease_owner, lease_expires_at FROM posts WHERE id = @postId;", new { postId });
    }
}
