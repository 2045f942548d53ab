using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// publish_post does what its description says: it publishes draft and scheduled posts, and refuses every other status
/// (a partial or failed post is never quietly retried) with INVALID_STATUS_TRANSITION at $.postId and a hint for that status.
/// </summary>
public sealed class PublishPostStatusTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    /// <summary>A post on x and linkedin brought to <paramref name="status"/> the way a user would get there.</summary>
    private async Task<PostDetails> PostInAsync(PostStatus status)
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Status check", Platform.X, Platform.LinkedIn)
            with
        { ScheduledFor = status == PostStatus.Scheduled ? TestServices.Start.AddHours(1) : null }, Ct);
        var id = created.Post.Id;
        switch (status)
        {
            case PostStatus.Published:
                return await Posts.PublishAsync(Ws, id, null, Ct);
            case PostStatus.Partial:
                await _services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.PlatformError);
                return await Posts.PublishAsync(Ws, id, null, Ct);
            case PostStatus.Failed:
                await _services.MakeSandboxFailAsync(Platform.X, ErrorCodes.PlatformError);
                await _services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.MediaUploadFailed);
                return await Posts.PublishAsync(Ws, id, null, Ct);
            case PostStatus.Discarded:
                return await Posts.CancelAsync(Ws, id, null, Ct);
            case PostStatus.Withdrawn:
                await Posts.PublishAsync(Ws, id, null, Ct);
                return (await Posts.WithdrawAsync(Ws, id, null, null, Ct)).Post;
            case PostStatus.Publishing:
                // As a publish in another process leaves it between its claim and its finish.
                await _services.Store.WriteAsync(async s =>
                {
                    var post = (await s.Posts.GetAsync(Ws, id, Ct))!;
                    return await s.Posts.UpdateAsync(post with { Status = PostStatus.Publishing, Version = post.Version + 1 }, post.Version, Ct);
                }, Ct);
                return await Posts.GetAsync(Ws, id, Ct);
            default:
                return created;
        }
    }

    [Theory]
    [InlineData(PostStatus.Draft)]
    [InlineData(PostStatus.Scheduled)]
    public async Task Publish_DraftOrScheduled_PublishesEveryTarget(PostStatus status)
    {
        var post = await PostInAsync(status);
        Assert.Equal(status, post.Post.Status);

        var published = await Posts.PublishAsync(Ws, post.Post.Id, post.Post.Version, Ct);

        Assert.Equal(PostStatus.Published, published.Post.Status);
        Assert.All(published.Targets, t => Assert.Equal(TargetStatus.Published, t.Status));
    }

    [Theory]
    [InlineData(PostStatus.Publishing, "follow it with get_post")]
    [InlineData(PostStatus.Published, "withdraw_post")]
    [InlineData(PostStatus.Partial, "retry_post to publish the failed targets again (linkedin)")]
    [InlineData(PostStatus.Failed, "retry_post to publish the failed targets again (x, linkedin)")]
    [InlineData(PostStatus.Discarded, "create_post")]
    [InlineData(PostStatus.Withdrawn, "create_post")]
    public async Task Publish_AnyOtherStatus_IsInvalidStatusTransitionWithAHintAndPublishesNothing(PostStatus status, string hint)
    {
        var post = await PostInAsync(status);
        Assert.Equal(status, post.Post.Status);
        await _services.MakeSandboxFailAsync(Platform.X, null);
        await _services.MakeSandboxFailAsync(Platform.LinkedIn, null);
        var deliveries = _services.Sandbox.Deliveries.Count;

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.PublishAsync(Ws, post.Post.Id, post.Post.Version, Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
        Assert.Equal("$.postId", ex.Problem.Path);
        Assert.Contains($"'{status.ToWireName()}'", ex.Problem.Message);
        Assert.Contains(hint, ex.Problem.Hint);
        var after = await Posts.GetAsync(Ws, post.Post.Id, Ct);
        Assert.Equal(post.Post.Version, after.Post.Version);
        Assert.Equal(status, after.Post.Status);
        Assert.Equal(deliveries, _services.Sandbox.Deliveries.Count);
    }

    [Fact]
    public async Task Publish_PartialPostWithARepeatedIdempotencyKey_StillReplays()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Replay", Platform.X, Platform.LinkedIn), Ct);
        await _services.MakeSandboxFailAsync(Platform.LinkedIn, ErrorCodes.PlatformError);
        var command = new PublishPostCommand(created.Post.Id, IdempotencyKey: "publish-once");
        var partial = await Posts.PublishAsync(Ws, command, Ct);
        Assert.Equal(PostStatus.Partial, partial.Post.Status);

        var replayed = await Posts.PublishAsync(Ws, command, Ct);

        Assert.True(replayed.Replayed);
        Assert.Equal(PostStatus.Partial, replayed.Post.Status);
        Assert.Equal(partial.Post.Version, replayed.Post.Version);
    }
}
