using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;
using static SocialMcp.Tests.Conversations.Conversation;

namespace SocialMcp.Tests.Conversations;

/// <summary>
/// Threads, replies and first comments through PostService's validation (the rules as create, update and validate_post run
/// them): every text and media rule on each part, problems naming the part, and what each platform takes.
/// </summary>
public sealed class ConversationValidationTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly string TooLongForX = new('a', 300);
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    // These tests check the shape rules; whether a parent exists is ReplyParentTests' business, so no parent can be read here.
    public async Task InitializeAsync() =>
        _services = await TestServices.CreateInitializedAsync(configure: s => s
            .AddSingleton<IMediaFetcher>(new FakeMediaFetcher())
            .AddSingleton<IPublisherResolver>(new LookUpPublisher(_ => PostLookup.Unknown("parents are not read in these tests"))));

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task<PostValidation> ValidateAsync(PostContent content, params Platform[] platforms) =>
        await Posts.ValidateAsync(Ws, new ValidatePostCommand(new CreatePostCommand { Content = content, Platforms = platforms }, null), Ct);

    private async Task<IReadOnlyList<Problem>> ProblemsAsync(PostContent content, params Platform[] platforms) =>
        (await ValidateAsync(content, platforms)).Report.AllProblems();

    [Fact]
    public async Task Validate_ThreadWhosePart3IsTooLongForX_ContentTooLongAtThatPartsText()
    {
        var content = Thread(Part("One"), Part("Two"), Part("Three"), Part(TooLongForX));

        var problem = Assert.Single(await ProblemsAsync(content, Platform.X));

        Assert.Equal((ErrorCodes.ContentTooLong, "$.content.thread[3].text", Platform.X), (problem.Code, problem.Path, problem.Platform));
    }

    [Fact]
    public async Task Validate_ThreadWhoseHeadIsTooLong_NamesPart0NotContentText()
    {
        var problem = Assert.Single(await ProblemsAsync(Thread(Part(TooLongForX), Part("Two")), Platform.X));

        Assert.Equal("$.content.thread[0].text", problem.Path);
    }

    [Fact]
    public async Task Validate_ThreadPartMedia_EveryMediaRuleRunsOnThatPartAndNamesIt()
    {
        var image = new MediaItem("https://example.com/a.jpg", MediaTypes.Image, DurationSeconds: 3);
        var fiveImages = Enumerable.Range(0, 5).Select(i => new MediaItem($"https://example.com/{i}.jpg", MediaTypes.Image)).ToList();
        var content = Thread(Part("One"), Part("Two", [image]), Part("Three", fiveImages));

        var problems = await ProblemsAsync(content, Platform.X);

        Assert.Contains(problems, p => p.Code == ErrorCodes.UnsupportedMediaConfig && p.Path == "$.content.thread[1].media[0].durationSeconds");
        Assert.Contains(problems, p => p.Code == ErrorCodes.UnsupportedMediaConfig && p.Path == "$.content.thread[2].media" && p.Platform == Platform.X);
        Assert.DoesNotContain(problems, p => p.Path!.StartsWith("$.content.media", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ThreadPartOverrideTooLong_NamesThePartsOverride()
    {
        var content = Thread(Part("One"), Part("Two"), Part("Three", overrides: new() { [Platform.X] = new PlatformOverride(TooLongForX) }));

        var problem = Assert.Single(await ProblemsAsync(content, Platform.X, Platform.Threads));

        Assert.Equal((ErrorCodes.ContentTooLong, "$.content.thread[2].platformOverrides.x.text"), (problem.Code, problem.Path));
    }

    [Fact]
    public async Task Validate_ThreadPartOverrideForAPlatformNotInPlatforms_RefusedAtThatPart()
    {
        var content = Thread(Part("One"), Part("Two", overrides: new() { [Platform.Threads] = new PlatformOverride("Other") }));

        var problem = Assert.Single(await ProblemsAsync(content, Platform.X));

        Assert.Equal((ErrorCodes.ValidationFailed, "$.content.thread[1].platformOverrides.threads"), (problem.Code, problem.Path));
    }

    [Fact]
    public async Task Validate_ThreadOnLinkedIn_ThreadNotSupportedNamingThePlatformWithAHint()
    {
        var validation = await ValidateAsync(Thread(Part("One"), Part("Two")), Platform.X, Platform.LinkedIn);

        var problem = Assert.Single(validation.Report.AllProblems());
        Assert.Equal((ErrorCodes.ThreadNotSupported, "$.content.thread", Platform.LinkedIn), (problem.Code, problem.Path, problem.Platform));
        Assert.Contains("linkedin has no threads", problem.Message);
        Assert.Contains("Drop linkedin", problem.Hint);
        // The verdict per platform carries it: x is fine, linkedin is not.
        Assert.True(validation.Report.Platforms.Single(v => v.Platform == Platform.X).Ok);
        Assert.False(validation.Report.Platforms.Single(v => v.Platform == Platform.LinkedIn).Ok);
    }

    [Fact]
    public async Task Validate_LaterPartTooLongForAPlatformWithoutThreads_OnlyTheThreadIsRefusedThere()
    {
        var content = Thread(Part("One"), Part(new string('a', 3500)));

        var problems = await ProblemsAsync(content, Platform.LinkedIn);

        Assert.Equal(ErrorCodes.ThreadNotSupported, Assert.Single(problems).Code);
    }

    [Fact]
    public async Task Validate_ThreadOfOnePartOrMoreThan25_ValidationFailedAtThread()
    {
        var one = Assert.Single(await ProblemsAsync(Thread(Part("Only")), Platform.X));
        var many = Assert.Single(await ProblemsAsync(Thread(Enumerable.Range(0, 26).Select(i => Part($"Part {i}")).ToArray()), Platform.X));

        Assert.Equal((ErrorCodes.ValidationFailed, "$.content.thread"), (one.Code, one.Path));
        Assert.Equal((ErrorCodes.ValidationFailed, "$.content.thread"), (many.Code, many.Path));
        Assert.Contains("2 to 25", many.Message);
    }

    [Fact]
    public async Task Validate_SinglePostTooLong_PathIsContentTextAsBefore()
    {
        var problem = Assert.Single(await ProblemsAsync(Text(TooLongForX), Platform.X));

        Assert.Equal("$.content.text", problem.Path);
    }

    [Fact]
    public async Task Validate_ReplyToAnotherPlatformThanTheTargets_ValidationFailedAtPlatforms()
    {
        var content = Text("Thanks!") with { ReplyTo = new ReplyTarget(Platform.X, "1866219412345678901") };

        var problem = Assert.Single(await ProblemsAsync(content, Platform.X, Platform.Threads));

        Assert.Equal((ErrorCodes.ValidationFailed, "$.platforms"), (problem.Code, problem.Path));
        Assert.Contains("[\"x\"]", problem.Hint);
    }

    [Fact]
    public async Task Validate_ReplyOnYouTube_ReplyNotSupported()
    {
        var content = Text("Thanks!") with { ReplyTo = new ReplyTarget(Platform.YouTube, "dQw4w9WgXcQ") };

        var problems = await ProblemsAsync(content, Platform.YouTube);

        var problem = Assert.Single(problems, p => p.Code == ErrorCodes.ReplyNotSupported);
        Assert.Equal(("$.content.replyTo.platform", Platform.YouTube), (problem.Path, problem.Platform));
    }

    [Fact]
    public async Task Validate_ReplyOnInstagramWithTextOnly_AcceptedThoughInstagramPostsNeedMedia()
    {
        var content = Text("Love this!") with { ReplyTo = new ReplyTarget(Platform.Instagram, "17895695668004550") };

        var validation = await ValidateAsync(content, Platform.Instagram);

        Assert.True(validation.Report.Ok, string.Join("; ", validation.Report.AllProblems().Select(p => $"{p.Path}: {p.Message}")));
    }

    [Fact]
    public async Task Validate_ReplyOnInstagramWithMediaAndLink_ACommentIsTextOnly()
    {
        var content = new PostContent("Love this!", [new MediaItem("https://example.com/a.jpg", MediaTypes.Image, MimeType: "image/jpeg")],
            "https://example.com", Conversation.NoOverrides) { ReplyTo = new ReplyTarget(Platform.Instagram, "17895695668004550") };

        var problems = await ProblemsAsync(content, Platform.Instagram);

        Assert.Contains(problems, p => p.Code == ErrorCodes.UnsupportedMediaConfig && p.Path == "$.content.media" && p.Message.Contains("comment"));
        Assert.Contains(problems, p => p.Code == ErrorCodes.ValidationFailed && p.Path == "$.content.linkUrl");
    }

    [Fact]
    public async Task Validate_ReplyOnXAsAThreadWithMedia_Accepted()
    {
        var content = Thread(Part("One", [new MediaItem("https://example.com/a.jpg", MediaTypes.Image)]), Part("Two"))
            with { ReplyTo = new ReplyTarget(Platform.X, "1866219412345678901") };

        Assert.Empty(await ProblemsAsync(content, Platform.X));
    }

    [Fact]
    public async Task Validate_ContentFirstCommentWithTikTokInThePost_FirstCommentNotSupportedWithAHint()
    {
        var content = Text("Launch") with { FirstComment = new FirstComment("#launch") };

        var problem = Assert.Single(await ProblemsAsync(content, Platform.X, Platform.TikTok),
            p => p.Code == ErrorCodes.FirstCommentNotSupported);

        Assert.Equal(("$.content.firstComment", Platform.TikTok), (problem.Path, problem.Platform));
        Assert.Contains("platformOverrides", problem.Hint);
    }

    [Fact]
    public async Task Validate_OverrideFirstCommentOnAmazon_FirstCommentNotSupportedAtThatOverride()
    {
        var content = new PostContent("Launch", [], null,
            new Dictionary<Platform, PlatformOverride> { [Platform.Amazon] = new(FirstComment: new FirstComment("#launch")) });

        var problems = await ProblemsAsync(content, Platform.Amazon);

        Assert.Contains(problems, p => p.Code == ErrorCodes.FirstCommentNotSupported && p.Path == "$.content.platformOverrides.amazon.firstComment");
    }

    [Fact]
    public async Task Validate_FirstCommentTooLongForX_CountedWithXsTextRule()
    {
        var content = new PostContent("Launch", [], null,
            new Dictionary<Platform, PlatformOverride> { [Platform.X] = new(FirstComment: new FirstComment(TooLongForX)) });

        var problem = Assert.Single(await ProblemsAsync(content, Platform.X, Platform.LinkedIn));

        Assert.Equal((ErrorCodes.ContentTooLong, "$.content.platformOverrides.x.firstComment.text", Platform.X), (problem.Code, problem.Path, problem.Platform));
    }

    [Fact]
    public async Task Validate_InstagramFirstCommentWithHashtags_Accepted()
    {
        var content = new PostContent("Launch day", [new MediaItem("https://example.com/a.jpg", MediaTypes.Image, MimeType: "image/jpeg")], null,
            new Dictionary<Platform, PlatformOverride> { [Platform.Instagram] = new(FirstComment: new FirstComment("#launch #studio")) });

        Assert.Empty(await ProblemsAsync(content, Platform.Instagram, Platform.Facebook));
    }

    [Fact]
    public async Task Validate_ThreadWithAFirstCommentForAPlatformNotInPlatforms_Refused()
    {
        var content = Thread(Part("One"), Part("Two"));
        content = content with
        {
            PlatformOverrides = new Dictionary<Platform, PlatformOverride> { [Platform.Threads] = new(FirstComment: new FirstComment("More below")) },
        };

        var problem = Assert.Single(await ProblemsAsync(content, Platform.X));

        Assert.Equal((ErrorCodes.ValidationFailed, "$.content.platformOverrides.threads.firstComment"), (problem.Code, problem.Path));
    }

    [Fact]
    public async Task Create_ThreadWithATooLongPart_RefusedAndNothingStored()
    {
        var command = new CreatePostCommand { Content = Thread(Part("One"), Part(TooLongForX)), Platforms = [Platform.X] };

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.CreateAsync(Ws, command, Ct));

        Assert.Equal("$.content.thread[1].text", error.Problems.Single().Path);
        Assert.Equal(0, (await Posts.ListAsync(Ws, new PostQuery(null, null, 10, 0), Ct)).Total);
    }

    [Fact]
    public async Task Create_Thread_StoredAndReadBackWithEveryPart()
    {
        var content = Thread(Part("One"), Part("Two", [new MediaItem("https://example.com/a.jpg", MediaTypes.Image)]), Part("Three"))
            with { FirstComment = new FirstComment("Thanks for reading") };

        var created = await Posts.CreateAsync(Ws, new CreatePostCommand { Content = content, Platforms = [Platform.X, Platform.Threads] }, Ct);
        var read = await Posts.GetAsync(Ws, created.Post.Id, Ct);

        Assert.Equal(["One", "Two", "Three"], read.Post.Content.Thread!.Select(p => p.Text));
        Assert.Equal("https://example.com/a.jpg", read.Post.Content.Thread![1].Media.Single().Url);
        Assert.Equal("Thanks for reading", read.Post.Content.FirstCommentFor(Platform.Threads)!.Text);
    }
}
