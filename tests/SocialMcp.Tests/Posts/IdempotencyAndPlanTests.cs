using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Posts;

public sealed class IdempotencyAndPlanTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private Task<int> CountPostsAsync(string workspaceId = Ws) =>
        _services.Store.ReadAsync(s => s.Posts.CountAsync(workspaceId, new PostQuery(null, null, 100, 0), Ct), Ct);

    private int DeliveriesOf(string postId) => _services.Sandbox.Deliveries.Count(d => d.PostId == postId);

    [Fact]
    public async Task Create_SameKeySameArguments_ReturnsFirstPostAndStoresOne()
    {
        var first = await Posts.CreateAsync(Ws, Drafts.Create("Hi") with { IdempotencyKey = "k-1" }, Ct);

        var second = await Posts.CreateAsync(Ws, Drafts.Create("Hi") with { IdempotencyKey = "k-1" }, Ct);

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(first.Post.Id, second.Post.Id);
        Assert.Equal(1, await CountPostsAsync());
    }

    [Fact]
    public async Task Create_SameKeyOtherArguments_FailsWithIdempotencyKeyReusedAndStoresNothing()
    {
        await Posts.CreateAsync(Ws, Drafts.Create("Hi") with { IdempotencyKey = "k-1" }, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() =>
            Posts.CreateAsync(Ws, Drafts.Create("Something else") with { IdempotencyKey = "k-1" }, Ct));

        Assert.Equal(ErrorCodes.IdempotencyKeyReused, ex.Problem.Code);
        Assert.Equal("$.idempotencyKey", ex.Problem.Path);
        Assert.Equal(1, await CountPostsAsync());
    }

    [Fact]
    public async Task Create_SameKeyInAnotherWorkspace_CreatesItsOwnPost()
    {
        var other = await _services.Get<WorkspaceService>().CreateAsync("other", Ct);

        var mine = await Posts.CreateAsync(Ws, Drafts.Create("Hi") with { IdempotencyKey = "k-1" }, Ct);
        var theirs = await Posts.CreateAsync(other.Id, Drafts.Create("Hi") with { IdempotencyKey = "k-1" }, Ct);

        Assert.False(theirs.Replayed);
        Assert.NotEqual(mine.Post.Id, theirs.Post.Id);
        Assert.Equal(1, await CountPostsAsync(other.Id));
    }

    [Fact]
    public async Task Publish_WithKeyUsedByCreate_IsNotAReplay()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi") with { IdempotencyKey = "shared" }, Ct);

        var published = await Posts.PublishAsync(Ws, new PublishPostCommand(created.Post.Id, IdempotencyKey: "shared"), Ct);

        Assert.False(published.Replayed);
        Assert.Equal(PostStatus.Published, published.Post.Status);
    }

    [Fact]
    public async Task Create_ConcurrentCallsWithSameKey_CreateOnePost()
    {
        var calls = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => Posts.CreateAsync(Ws, Drafts.Create("Hi") with { IdempotencyKey = "race" }, Ct)));

        var results = await Task.WhenAll(calls);

        Assert.Single(results.Select(r => r.Post.Id).Distinct());
        Assert.Single(results, r => !r.Replayed);
        Assert.Equal(1, await CountPostsAsync());
    }

    [Fact]
    public async Task Publish_SameKeyTwice_PublishesOnce()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi"), Ct);
        var command = new PublishPostCommand(created.Post.Id, 1, IdempotencyKey: "pub-1");

        var first = await Posts.PublishAsync(Ws, command, Ct);
        var second = await Posts.PublishAsync(Ws, command, Ct);

        Assert.Equal(PostStatus.Published, first.Post.Status);
        Assert.True(second.Replayed);
        Assert.Equal(first.Post.Version, second.Post.Version);
        Assert.Equal(2, DeliveriesOf(created.Post.Id));
    }

    [Fact]
    public async Task Publish_SameKeyOtherPost_FailsWithIdempotencyKeyReusedAndPublishesNothing()
    {
        var first = await Posts.CreateAsync(Ws, Drafts.Create("One"), Ct);
        var second = await Posts.CreateAsync(Ws, Drafts.Create("Two"), Ct);
        await Posts.PublishAsync(Ws, new PublishPostCommand(first.Post.Id, IdempotencyKey: "pub-1"), Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() =>
            Posts.PublishAsync(Ws, new PublishPostCommand(second.Post.Id, IdempotencyKey: "pub-1"), Ct));

        Assert.Equal(ErrorCodes.IdempotencyKeyReused, ex.Problem.Code);
        Assert.Equal(PostStatus.Draft, (await Posts.GetAsync(Ws, second.Post.Id, Ct)).Post.Status);
        Assert.Equal(0, DeliveriesOf(second.Post.Id));
    }

    [Fact]
    public async Task Validate_DraftAndStoredPost_GiveTheSamePlanHash()
    {
        var draft = Drafts.Create("Hi") with { ScheduledFor = TestServices.Start.AddHours(2).ToOffset(TimeSpan.FromHours(2)) };
        var fromDraft = await Posts.ValidateAsync(Ws, new ValidatePostCommand(draft, null), Ct);
        var created = await Posts.CreateAsync(Ws, draft, Ct);

        var fromPost = await Posts.ValidateAsync(Ws, new ValidatePostCommand(null, created.Post.Id), Ct);

        Assert.Matches("^[0-9a-f]{64}$", fromPost.PlanHash);
        Assert.Equal(fromDraft.PlanHash, fromPost.PlanHash);
    }

    [Fact]
    public async Task Publish_WithPlanHashFromValidate_Publishes()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi"), Ct);
        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(null, created.Post.Id), Ct);

        var published = await Posts.PublishAsync(Ws, new PublishPostCommand(created.Post.Id, PlanHash: validation.PlanHash), Ct);

        Assert.Equal(PostStatus.Published, published.Post.Status);
    }

    [Fact]
    public async Task Publish_ContentChangedAfterValidate_FailsWithPlanChangedAndLeavesPost()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi"), Ct);
        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(null, created.Post.Id), Ct);
        var updated = await Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = created.Post.Id,
            Version = 1,
            Content = Drafts.Text("Changed"),
        }, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() =>
            Posts.PublishAsync(Ws, new PublishPostCommand(created.Post.Id, PlanHash: validation.PlanHash), Ct));

        Assert.Equal(ErrorCodes.PlanChanged, ex.Problem.Code);
        Assert.Equal("$.planHash", ex.Problem.Path);
        var after = await Posts.GetAsync(Ws, created.Post.Id, Ct);
        Assert.Equal(PostStatus.Draft, after.Post.Status);
        Assert.Equal(updated.Post.Version, after.Post.Version);
        Assert.Equal(0, DeliveriesOf(created.Post.Id));
    }

    [Fact]
    public async Task Schedule_OverrideChangedAfterValidate_FailsWithPlanChanged()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi"), Ct);
        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(null, created.Post.Id), Ct);
        var content = Drafts.Text("Hi") with
        {
            PlatformOverrides = new Dictionary<Platform, PlatformOverride> { [Platform.X] = new("Hi on X") },
        };
        await Posts.UpdateAsync(Ws, new UpdatePostCommand { PostId = created.Post.Id, Version = 1, Content = content }, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() =>
            Posts.ScheduleAsync(Ws, created.Post.Id, TestServices.Start.AddHours(1), null, validation.PlanHash, Ct));

        Assert.Equal(ErrorCodes.PlanChanged, ex.Problem.Code);
        Assert.Equal(PostStatus.Draft, (await Posts.GetAsync(Ws, created.Post.Id, Ct)).Post.Status);
    }

    [Fact]
    public async Task Schedule_WithCurrentPlanHash_Schedules()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hi"), Ct);
        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(null, created.Post.Id), Ct);

        var scheduled = await Posts.ScheduleAsync(Ws, created.Post.Id, TestServices.Start.AddHours(1), null, validation.PlanHash, Ct);

        Assert.Equal(PostStatus.Scheduled, scheduled.Post.Status);
    }
}
