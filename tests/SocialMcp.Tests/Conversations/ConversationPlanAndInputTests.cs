using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Server.Tools;
using static SocialMcp.Tests.Conversations.Conversation;

namespace SocialMcp.Tests.Conversations;

/// <summary>The plan hash covers every part, first comment and reply target; the tool input maps threads onto the domain's content.</summary>
public sealed class ConversationPlanAndInputTests
{
    private static readonly IReadOnlyList<Platform> X = [Platform.X];

    private static string Hash(PostContent content) => PostPlan.HashOf(content, X, null);

    [Fact]
    public void HashOf_ThreadWithOnePartChanged_Differs()
    {
        var before = Thread(Part("One"), Part("Two"), Part("Three"));
        var after = Thread(Part("One"), Part("Two, edited"), Part("Three"));

        Assert.NotEqual(Hash(before), Hash(after));
        Assert.Equal(Hash(before), Hash(Thread(Part("One"), Part("Two"), Part("Three"))));
    }

    [Fact]
    public void HashOf_PartMediaOrOverride_Differs()
    {
        var plain = Thread(Part("One"), Part("Two"));
        var withMedia = Thread(Part("One"), Part("Two", [new MediaItem("https://example.com/a.jpg", MediaTypes.Image)]));
        var withOverride = Thread(Part("One"), Part("Two", overrides: new() { [Platform.X] = new PlatformOverride("Two for X") }));

        Assert.Equal(3, new[] { Hash(plain), Hash(withMedia), Hash(withOverride) }.Distinct().Count());
    }

    [Fact]
    public void HashOf_FirstCommentOrReplyTarget_Differs()
    {
        var plain = Text("Hello");
        var comment = plain with { FirstComment = new FirstComment("#hello") };
        var otherComment = plain with { FirstComment = new FirstComment("#bye") };
        var reply = plain with { ReplyTo = new ReplyTarget(Platform.X, "1") };
        var otherReply = plain with { ReplyTo = new ReplyTarget(Platform.X, "2") };

        Assert.Equal(5, new[] { plain, comment, otherComment, reply, otherReply }.Select(Hash).Distinct().Count());
    }

    [Fact]
    public void HashOf_SinglePostWithoutConversation_SameAsTheSamePostWithEmptyConversationFields()
    {
        // Older posts have no thread, first comment or reply: those leave the canonical plan as it was.
        var plain = Text("Hello");

        Assert.Equal(Hash(plain), Hash(plain with { Thread = null, FirstComment = null, ReplyTo = null }));
        Assert.DoesNotContain("thread", CanonicalJson.Serialize(new { thread = (object?)null, text = "Hello" }));
    }

    [Fact]
    public void ChangedFields_LaterPartOrFirstCommentEdited_NamedInTheEditsEvent()
    {
        var before = Thread(Part("One"), Part("Two"));

        Assert.Equal(["thread"], PostEdits.ChangedFields(before, Thread(Part("One"), Part("Two, fixed")), X));
        Assert.Equal(["firstComment"], PostEdits.ChangedFields(before, before with { FirstComment = new FirstComment("More") }, X));
        Assert.Empty(PostEdits.ChangedFields(before, Thread(Part("One"), Part("Two")), X));
    }

    private static ContentInput Input(string json) => JsonSerializer.Deserialize<ContentInput>(json, SocialJson.Options)!;

    [Fact]
    public void ToDomain_Thread_MirrorsPart0AndKeepsEveryPart()
    {
        var content = Input("""
            {"thread": [{"text": "One", "media": [{"url": "https://example.com/a.jpg", "type": "image"}], "platformOverrides": {"x": {"text": "One for X"}}},
                        {"text": "Two"}],
             "linkUrl": "https://example.com",
             "platformOverrides": {"x": {"firstComment": {"text": "More at example.com"}}},
             "replyTo": {"platform": "x", "platformPostId": "123"}}
            """).ToDomain();

        Assert.Equal("One", content.Text);
        Assert.Equal("https://example.com/a.jpg", content.Media.Single().Url);
        Assert.Equal("One for X", content.TextFor(Platform.X));
        Assert.Equal("More at example.com", content.FirstCommentFor(Platform.X)!.Text);
        Assert.Equal(["One", "Two"], content.Thread!.Select(p => p.Text));
        Assert.Null(content.Thread![0].PlatformOverrides[Platform.X].FirstComment);
        Assert.Equal("https://example.com", content.LinkUrl);
        Assert.Equal(new ReplyTarget(Platform.X, "123"), content.ReplyTo);
        Assert.True(content.IsThread);
    }

    [Fact]
    public void ToDomain_SinglePostWithFirstComment_MapsBothLevels()
    {
        var content = Input("""
            {"text": "Launch", "firstComment": {"text": "#launch"}, "platformOverrides": {"instagram": {"firstComment": {"text": "#launch #studio"}}}}
            """).ToDomain();

        Assert.Null(content.Thread);
        Assert.Equal("#launch", content.FirstCommentFor(Platform.X)!.Text);
        Assert.Equal("#launch #studio", content.FirstCommentFor(Platform.Instagram)!.Text);
    }

    [Theory]
    [InlineData("""{"text": "One", "thread": [{"text": "A"}, {"text": "B"}]}""", "$.content")]
    [InlineData("""{}""", "$.content")]
    [InlineData("""{"thread": []}""", "$.content.thread")]
    [InlineData("""{"thread": [{"text": "A"}, {"text": "B"}], "media": [{"url": "https://example.com/a.jpg", "type": "image"}]}""", "$.content.media")]
    [InlineData("""{"thread": [{"text": "A"}, {"text": "B"}], "platformOverrides": {"x": {"text": "X"}}}""", "$.content.platformOverrides.x.text")]
    public void ToDomain_ShapeTheSchemaCannotSayClearly_ValidationFailedAtItsPath(string json, string path)
    {
        var error = Assert.Throws<DomainValidationException>(() => Input(json).ToDomain());

        Assert.Contains(error.Problems, p => p.Code == ErrorCodes.ValidationFailed && p.Path == path && p.Hint is not null);
    }
}
