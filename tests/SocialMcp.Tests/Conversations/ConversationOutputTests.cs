using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Server.Mcp;
using SocialMcp.Server.Tools;
using static SocialMcp.Tests.Conversations.Conversation;

namespace SocialMcp.Tests.Conversations;

/// <summary>
/// What get_post (and every tool that returns a post) shows of a thread's parts and a first comment, mapped from the target row
/// and its steps; the result still conforms to the advertised output schema.
/// </summary>
public sealed class ConversationOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly ToolSchemaCatalog Catalog = new();

    private static Post PostOf(PostContent content, PostStatus status, params Platform[] platforms) => new()
    {
        Id = "0199a1b2-0c3d-7e4f-8a9b-0c1d2e3f4a5b",
        WorkspaceId = "local",
        PlatformSetId = "set",
        Status = status,
        Content = content,
        Platforms = platforms,
        Version = 3,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static PostTarget TargetOf(Platform platform, TargetStatus status, params TargetStep[] steps) => new()
    {
        PostId = "0199a1b2-0c3d-7e4f-8a9b-0c1d2e3f4a5b",
        Platform = platform,
        AccountId = "acc-" + platform.ToWireName(),
        Status = status,
        PlatformPostId = status == TargetStatus.Published ? "100" : null,
        PublicUrl = status == TargetStatus.Published ? "https://x.com/i/status/100" : null,
        AttemptCount = 1,
        CreatedAt = Now,
        UpdatedAt = Now,
        Steps = steps,
    };

    private static TargetStep Step(Platform platform, TargetStepKind kind, int index, TargetStatus status, string? id = null, string? errorCode = null) => new()
    {
        PostId = "0199a1b2-0c3d-7e4f-8a9b-0c1d2e3f4a5b",
        Platform = platform,
        Kind = kind,
        Index = index,
        Status = status,
        PlatformPostId = id,
        PublicUrl = id is null ? null : $"https://x.com/i/status/{id}",
        ErrorCode = errorCode,
        ErrorMessage = errorCode is null ? null : "The platform refused it.",
        PlatformErrorCode = errorCode is null ? null : "186",
        PlatformErrorMessage = errorCode is null ? null : "Tweet needs to be a bit shorter.",
        PlatformHttpStatus = errorCode is null ? null : 403,
        AttemptCount = 1,
        UpdatedAt = Now,
    };

    private static void AssertConformsToGetPostsOutputSchema(PostResult result)
    {
        var json = JsonSerializer.SerializeToElement(result, Core.Domain.SocialJson.Options);
        var errors = Catalog.Find("get_post")!.OutputValidator!.Validate(json);
        Assert.True(errors.Count == 0, string.Join("; ", errors) + "\n" + json.GetRawText());
    }

    [Fact]
    public void ToResult_ThreadHalfPublished_ShowsEachPartFromTheTargetAndItsSteps()
    {
        var content = Thread(Part("One"), Part("Two"), Part("Three"), Part("Four"));
        var target = TargetOf(Platform.X, TargetStatus.Published,
            Step(Platform.X, TargetStepKind.Part, 1, TargetStatus.Published, "101"),
            Step(Platform.X, TargetStepKind.Part, 2, TargetStatus.Failed, errorCode: "CONTENT_REJECTED"));

        var result = new PostDetails(PostOf(content, PostStatus.Partial, Platform.X), [target]).ToResult();

        var parts = Assert.Single(result.Targets).Parts!;
        Assert.Equal([0, 1, 2, 3], parts.Select(p => p.Index));
        Assert.Equal(["published", "published", "failed", "pending"], parts.Select(p => p.Status));
        Assert.Equal(("100", "https://x.com/i/status/100"), (parts[0].PlatformPostId, parts[0].PublicUrl));
        Assert.Equal(("101", "https://x.com/i/status/101"), (parts[1].PlatformPostId, parts[1].PublicUrl));
        Assert.Equal("CONTENT_REJECTED", parts[2].ErrorCode);
        Assert.Null(parts[3].PlatformPostId);
        AssertConformsToGetPostsOutputSchema(result);
    }

    [Fact]
    public void ToResult_Thread_ContentShowsTheThreadAsGivenWithoutRepeatingPart0AsText()
    {
        var content = Thread(Part("One", overrides: new() { [Platform.X] = new PlatformOverride("One for X") }), Part("Two"))
            with { ReplyTo = new ReplyTarget(Platform.X, "99") };
        content = content with
        {
            PlatformOverrides = new Dictionary<Platform, PlatformOverride>(content.PlatformOverrides)
            {
                [Platform.X] = new PlatformOverride("One for X", FirstComment: new FirstComment("More below")),
            },
        };

        var result = new PostDetails(PostOf(content, PostStatus.Draft, Platform.X), [TargetOf(Platform.X, TargetStatus.Pending)]).ToResult();

        var json = JsonSerializer.SerializeToElement(result.Content, Core.Domain.SocialJson.Options);
        Assert.False(json.TryGetProperty("text", out _));
        Assert.False(json.TryGetProperty("media", out _));
        Assert.Equal(2, json.GetProperty("thread").GetArrayLength());
        Assert.Equal("One for X", json.GetProperty("thread")[0].GetProperty("platformOverrides").GetProperty("x").GetProperty("text").GetString());
        var xOverride = json.GetProperty("platformOverrides").GetProperty("x");
        Assert.Equal("More below", xOverride.GetProperty("firstComment").GetProperty("text").GetString());
        Assert.False(xOverride.TryGetProperty("text", out _));
        Assert.Equal("99", json.GetProperty("replyTo").GetProperty("platformPostId").GetString());
        Assert.Equal("x", json.GetProperty("replyTo").GetProperty("platform").GetString());
        AssertConformsToGetPostsOutputSchema(result);
    }

    [Fact]
    public void ToResult_FirstCommentFailed_TargetShowsItsErrorAndTheSummarySaysThePostIsLive()
    {
        var content = Text("Launch day") with { FirstComment = new FirstComment("#launch") };
        var instagram = TargetOf(Platform.Instagram, TargetStatus.Published,
            Step(Platform.Instagram, TargetStepKind.Comment, 0, TargetStatus.Failed, errorCode: "PLATFORM_ERROR"));
        var facebook = TargetOf(Platform.Facebook, TargetStatus.Published, Step(Platform.Facebook, TargetStepKind.Comment, 0, TargetStatus.Published, "c-1"));

        var result = new PostDetails(PostOf(content, PostStatus.Published, Platform.Instagram, Platform.Facebook), [instagram, facebook]).ToResult();

        var failed = result.Targets[0].FirstComment!;
        Assert.Equal(("failed", "PLATFORM_ERROR"), (failed.Status, failed.ErrorCode));
        Assert.Equal(new PlatformErrorResult("186", "Tweet needs to be a bit shorter.", 403), failed.PlatformError);
        var done = result.Targets[1].FirstComment!;
        Assert.Equal(("published", "c-1"), (done.Status, done.PlatformCommentId));
        Assert.Null(result.Targets[0].Parts);
        Assert.Contains("First comment failed (instagram: PLATFORM_ERROR)", result.Summary);
        Assert.Contains("the post itself is live", result.Summary);
        AssertConformsToGetPostsOutputSchema(result);
    }

    [Fact]
    public void ToResult_FirstCommentNotYetPublished_Pending_AndAPlatformWithoutOneShowsNone()
    {
        var content = new PostContent("Launch", [], null,
            new Dictionary<Platform, PlatformOverride> { [Platform.Instagram] = new(FirstComment: new FirstComment("#launch")) });

        var result = new PostDetails(PostOf(content, PostStatus.Draft, Platform.Instagram, Platform.X),
            [TargetOf(Platform.Instagram, TargetStatus.Pending), TargetOf(Platform.X, TargetStatus.Pending)]).ToResult();

        Assert.Equal("pending", result.Targets[0].FirstComment!.Status);
        Assert.Null(result.Targets[1].FirstComment);
        Assert.DoesNotContain("First comment", result.Summary);
        AssertConformsToGetPostsOutputSchema(result);
    }

    [Fact]
    public void ToResult_SinglePost_ContentKeepsItsShape()
    {
        var result = new PostDetails(PostOf(Text("Hello"), PostStatus.Draft, Platform.X), [TargetOf(Platform.X, TargetStatus.Pending)]).ToResult();

        var json = JsonSerializer.SerializeToElement(result.Content, Core.Domain.SocialJson.Options);
        Assert.Equal("Hello", json.GetProperty("text").GetString());
        Assert.Equal(0, json.GetProperty("media").GetArrayLength());
        Assert.False(json.TryGetProperty("thread", out _));
        AssertConformsToGetPostsOutputSchema(result);
    }
}
