using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>resolve_target: a person settles a needs_reconciliation target; anything else is refused and changes nothing.</summary>
public sealed class ResolveTargetTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;

    /// <summary>A post published on x and linkedin, whose threads target the platform could not account for.</summary>
    private static async Task<(TestServices Services, PostService Posts, string PostId)> UnsureThreadsAsync()
    {
        var services = await TestServices.CreateInitializedAsync();
        var posts = services.Get<PostService>();
        var created = await posts.CreateAsync(Ws, Drafts.Create("Did it go out?", Platform.X, Platform.LinkedIn, Platform.Threads), Ct);
        await posts.PublishAsync(Ws, created.Post.Id, null, Ct);
        await services.Store.WriteAsync(async s =>
        {
            var post = (await s.Posts.GetAsync(Ws, created.Post.Id, Ct))!;
            Assert.True(await s.Posts.UpdateAsync(post with { Status = PostStatus.Partial, Version = post.Version + 1 }, post.Version, Ct));
            var threads = (await s.Targets.ListForPostAsync(post.Id, Ct)).Single(t => t.Platform == Platform.Threads);
            await s.Targets.UpdateAsync(threads with
            {
                Status = TargetStatus.NeedsReconciliation, PlatformPostId = null, PublicUrl = null, PublishedAt = null,
                ErrorMessage = "Threads could not be read to check the earlier attempt.",
            }, Ct);
            return 0;
        }, Ct);
        return (services, posts, created.Post.Id);
    }

    [Fact]
    public async Task Resolve_Published_RecordsThePostFoundAndSumsThePostUp()
    {
        var (services, posts, id) = await UnsureThreadsAsync();
        await using var _ = services;

        var resolved = await posts.ResolveTargetAsync(Ws,
            new ResolveTargetCommand(id, Platform.Threads, TargetResolution.Published, "1790000000000001", "https://www.threads.net/@tester/post/abc", null), Ct);

        var threads = resolved.Targets.Single(t => t.Platform == Platform.Threads);
        Assert.Equal(TargetStatus.Published, threads.Status);
        Assert.Equal("1790000000000001", threads.PlatformPostId);
        Assert.Equal("https://www.threads.net/@tester/post/abc", threads.PublicUrl);
        Assert.Null(threads.ErrorMessage);
        Assert.Equal(PostStatus.Published, resolved.Post.Status);
        var history = await posts.GetHistoryAsync(Ws, id, Ct);
        Assert.Contains(history, e => e.EventType == "target_resolved" && e.Detail!.Contains("platformPostId=1790000000000001"));
    }

    [Fact]
    public async Task Resolve_NotPublished_FailsTheTargetSoRetryPublishesIt()
    {
        var (services, posts, id) = await UnsureThreadsAsync();
        await using var _ = services;

        var resolved = await posts.ResolveTargetAsync(Ws, new ResolveTargetCommand(id, Platform.Threads, TargetResolution.NotPublished, null, null, null), Ct);
        var threads = resolved.Targets.Single(t => t.Platform == Platform.Threads);
        Assert.Equal(TargetStatus.Failed, threads.Status);
        Assert.Equal(ErrorCodes.PlatformError, threads.ErrorCode);
        Assert.Equal(PostStatus.Partial, resolved.Post.Status);

        var retried = await posts.RetryAsync(Ws, id, [Platform.Threads], null, Ct);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        Assert.Equal(TargetStatus.Published, retried.Targets.Single(t => t.Platform == Platform.Threads).Status);
    }

    [Fact]
    public async Task Resolve_PublishedWithoutItsId_IsValidationFailedAtThePath_AndChangesNothing()
    {
        var (services, posts, id) = await UnsureThreadsAsync();
        await using var _ = services;
        var before = await posts.GetAsync(Ws, id, Ct);

        var refused = await Assert.ThrowsAsync<DomainValidationException>(() =>
            posts.ResolveTargetAsync(Ws, new ResolveTargetCommand(id, Platform.Threads, TargetResolution.Published, " ", null, null), Ct));

        var problem = Assert.Single(refused.Problems);
        Assert.Equal(ErrorCodes.ValidationFailed, problem.Code);
        Assert.Equal("$.platformPostId", problem.Path);
        Assert.Equal(before, await posts.GetAsync(Ws, id, Ct), new SamePost());
    }

    [Theory]
    [InlineData(Platform.X)]         // published: nothing to settle
    [InlineData(Platform.Instagram)] // not a target of the post
    public async Task Resolve_ATargetThatIsNotUnsure_IsInvalidStatusTransitionAtPlatform_AndChangesNothing(Platform platform)
    {
        var (services, posts, id) = await UnsureThreadsAsync();
        await using var _ = services;
        var before = await posts.GetAsync(Ws, id, Ct);

        var refused = await Assert.ThrowsAsync<ConflictException>(() =>
            posts.ResolveTargetAsync(Ws, new ResolveTargetCommand(id, platform, TargetResolution.NotPublished, null, null, null), Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, refused.Problem.Code);
        Assert.Equal("$.platform", refused.Problem.Path);
        Assert.Equal(before, await posts.GetAsync(Ws, id, Ct), new SamePost());
    }

    [Fact]
    public async Task Resolve_StaleVersion_IsVersionConflict()
    {
        var (services, posts, id) = await UnsureThreadsAsync();
        await using var _ = services;

        var refused = await Assert.ThrowsAsync<ConflictException>(() =>
            posts.ResolveTargetAsync(Ws, new ResolveTargetCommand(id, Platform.Threads, TargetResolution.NotPublished, null, null, Version: 1), Ct));

        Assert.Equal(ErrorCodes.VersionConflict, refused.Problem.Code);
    }

    /// <summary>The stored post and targets, compared by value (the lists are different instances).</summary>
    private sealed class SamePost : IEqualityComparer<PostDetails>
    {
        public bool Equals(PostDetails? a, PostDetails? b) =>
            a is not null && b is not null && a.Post.Version == b.Post.Version && a.Post.Status == b.Post.Status
            && a.Targets.SequenceEqual(b.Targets);

        public int GetHashCode(PostDetails details) => details.Post.Id.GetHashCode(StringComparison.Ordinal);
    }
}
