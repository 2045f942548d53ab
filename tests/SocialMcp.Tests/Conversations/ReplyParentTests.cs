using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;
using static SocialMcp.Tests.Conversations.Conversation;

namespace SocialMcp.Tests.Conversations;

/// <summary>
/// A reply's parent is read back through the target account's publisher at create, update and validate: "not found" refuses
/// the post at $.content.replyTo.platformPostId, "unknown" lets it through with a risk in validate_post's result.
/// </summary>
public sealed class ReplyParentTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private const string ParentId = "1866219412345678901";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private PostLookup _answer = PostLookup.Found("https://x.com/i/status/1866219412345678901");
    private LookUpPublisher _publisher = null!;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    public async Task InitializeAsync()
    {
        _publisher = new LookUpPublisher(_ => _answer);
        _services = await TestServices.CreateInitializedAsync(configure: s =>
        {
            s.AddSingleton<IMediaFetcher>(new FakeMediaFetcher());
            s.AddSingleton<IPublisherResolver>(_publisher);
        });
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static CreatePostCommand Reply(Platform platform = Platform.X) => new()
    {
        Content = Text("Thanks, fixed in v2.1!") with { ReplyTo = new ReplyTarget(platform, ParentId) },
        Platforms = [platform],
    };

    [Fact]
    public async Task Create_ParentNotFound_RefusedAtThePlatformPostIdAndNothingStored()
    {
        _answer = PostLookup.NotFound("X says: Could not find tweet with id 1866219412345678901.");

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.CreateAsync(Ws, Reply(), Ct));

        var problem = error.Problems.Single();
        Assert.Equal((ErrorCodes.ReplyParentNotFound, "$.content.replyTo.platformPostId", Platform.X), (problem.Code, problem.Path, problem.Platform));
        Assert.Contains("Could not find tweet", problem.Message);
        Assert.NotNull(problem.Hint);
        Assert.Equal(0, (await Posts.ListAsync(Ws, new PostQuery(null, null, 10, 0), Ct)).Total);
        var asked = Assert.Single(_publisher.LookUps);
        Assert.Equal((Platform.X, ParentId), (asked.Platform, asked.PlatformPostId));
        Assert.Equal(Platform.X, asked.Account.Platform);
    }

    [Fact]
    public async Task Create_ParentFound_Saved()
    {
        var created = await Posts.CreateAsync(Ws, Reply(), Ct);

        Assert.Equal(ParentId, created.Post.Content.ReplyTo!.PlatformPostId);
        Assert.Single(_publisher.LookUps);
    }

    [Fact]
    public async Task Create_ParentUnknown_Saved()
    {
        _answer = PostLookup.Unknown("X did not answer.");

        var created = await Posts.CreateAsync(Ws, Reply(), Ct);

        Assert.Equal(PostStatus.Draft, created.Post.Status);
    }

    [Fact]
    public async Task Create_WithoutReplyTo_AsksNoPlatform()
    {
        await Posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X), Ct);

        Assert.Empty(_publisher.LookUps);
    }

    [Fact]
    public async Task Update_NewReplyToWhoseParentIsNotFound_RefusedAndThePostKeepsItsContent()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X), Ct);
        _answer = PostLookup.NotFound("No such post.");

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.UpdateAsync(Ws, new UpdatePostCommand
        {
            PostId = created.Post.Id,
            Version = created.Post.Version,
            Content = Reply().Content,
        }, Ct));

        Assert.Equal(ErrorCodes.ReplyParentNotFound, error.Problems.Single().Code);
        var stored = await Posts.GetAsync(Ws, created.Post.Id, Ct);
        Assert.Null(stored.Post.Content.ReplyTo);
        Assert.Equal(created.Post.Version, stored.Post.Version);
    }

    [Fact]
    public async Task Validate_ParentNotFound_ProblemInThePlatformsVerdict()
    {
        _answer = PostLookup.NotFound("No such post.");

        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(Reply(), null), Ct);

        Assert.False(validation.Report.Ok);
        var verdict = Assert.Single(validation.Report.Platforms);
        Assert.Equal(ErrorCodes.ReplyParentNotFound, Assert.Single(verdict.Problems).Code);
    }

    [Fact]
    public async Task Validate_ParentUnknown_AcceptedWithARisk()
    {
        _answer = PostLookup.Unknown("The platform timed out.");

        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(Reply(), null), Ct);

        Assert.True(validation.Report.Ok);
        var risk = Assert.Single(validation.Risks!);
        Assert.Equal((ReplyParents.ParentUnchecked, Platform.X, "$.content.replyTo.platformPostId"), (risk.Code, risk.Platform, risk.Path));
        Assert.Contains("timed out", risk.Message);
    }

    [Fact]
    public async Task Validate_StoredReplyWhoseParentWasDeleted_Reported()
    {
        var created = await Posts.CreateAsync(Ws, Reply(), Ct);
        _answer = PostLookup.NotFound("Deleted.");

        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(null, created.Post.Id), Ct);

        Assert.Contains(validation.Report.AllProblems(), p => p.Code == ErrorCodes.ReplyParentNotFound);
    }

    [Fact]
    public async Task Validate_ReplyOnAPlatformWithoutReplies_NeverAsksIt()
    {
        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(Reply(Platform.YouTube), null), Ct);

        Assert.Contains(validation.Report.AllProblems(), p => p.Code == ErrorCodes.ReplyNotSupported);
        Assert.Empty(_publisher.LookUps);
    }

    [Fact]
    public async Task Validate_LookUpThrows_TreatedAsUnknownWithoutTheExceptionsText()
    {
        _publisher = new LookUpPublisher(_ => throw new HttpRequestException("GET https://api.x.com/2/tweets?access_token=secret123 failed"));
        await _services.DisposeAsync();
        _services = await TestServices.CreateInitializedAsync(configure: s =>
        {
            s.AddSingleton<IMediaFetcher>(new FakeMediaFetcher());
            s.AddSingleton<IPublisherResolver>(_publisher);
        });

        var validation = await Posts.ValidateAsync(Ws, new ValidatePostCommand(Reply(), null), Ct);

        Assert.True(validation.Report.Ok);
        var risk = Assert.Single(validation.Risks!);
        Assert.DoesNotContain("secret123", risk.Message);
    }
}
