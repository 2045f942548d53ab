using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Publishing;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Conversations;

/// <summary>
/// Threads, replies and first comments through the MCP tools in process: what tools/list advertises, what the schema and the
/// rules refuse (with code and path), and what create_post, validate_post and get_post return.
/// </summary>
public sealed class ConversationToolTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private InProcessMcpServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessMcpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> CallOkAsync(string tool, string arguments) =>
        (await _server.CallOkAsync(tool, arguments)).StructuredContent!.Value;

    private async Task<JsonElement> CallErrorAsync(string tool, string arguments)
    {
        var parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await _server.Client.CallToolAsync(tool, parsed, cancellationToken: Ct);
        Assert.True(result.IsError, $"{tool} succeeded: {result.StructuredContent}");
        return result.StructuredContent!.Value.GetProperty("error");
    }

    private static IEnumerable<JsonElement> Problems(JsonElement error) =>
        error.TryGetProperty("problems", out var problems) ? problems.EnumerateArray() : [error];

    private const string ThreeParts = """
        {"content": {"thread": [{"text": "We shipped v2 today. A thread 🧵"},
                                {"text": "1/ Threads and first comments.", "media": [{"url": "https://example.com/threads.png", "type": "image"}]},
                                {"text": "2/ A queue in your own time zone."}]},
         "platforms": ["x"]}
        """;

    [Fact]
    public async Task ListTools_CreatePost_AdvertisesThreadFirstCommentAndReplyTo()
    {
        var tool = (await _server.Client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "create_post");
        var content = tool.ProtocolTool.InputSchema.GetProperty("properties").GetProperty("content");

        var thread = content.GetProperty("properties").GetProperty("thread");
        Assert.Equal(2, thread.GetProperty("minItems").GetInt32());
        Assert.Equal(25, thread.GetProperty("maxItems").GetInt32());
        Assert.Contains("x, threads", thread.GetProperty("description").GetString());
        Assert.True(content.GetProperty("properties").TryGetProperty("replyTo", out _));
        Assert.True(content.GetProperty("properties").GetProperty("platformOverrides").GetProperty("properties").GetProperty("instagram")
            .GetProperty("properties").TryGetProperty("firstComment", out _));
        Assert.False(thread.GetProperty("items").GetProperty("properties").GetProperty("platformOverrides").GetProperty("properties").GetProperty("x")
            .GetProperty("properties").TryGetProperty("firstComment", out _));
        Assert.Contains("thread", tool.Description);
    }

    [Fact]
    public async Task CreatePost_ThreePartXThread_StoredAsGivenWithEachPartPending()
    {
        var post = await CallOkAsync("create_post", ThreeParts);

        Assert.Equal(3, post.GetProperty("content").GetProperty("thread").GetArrayLength());
        Assert.False(post.GetProperty("content").TryGetProperty("text", out _));
        var parts = post.GetProperty("targets")[0].GetProperty("parts");
        Assert.Equal([0, 1, 2], parts.EnumerateArray().Select(p => p.GetProperty("index").GetInt32()));
        Assert.All(parts.EnumerateArray(), p => Assert.Equal("pending", p.GetProperty("status").GetString()));

        var read = await CallOkAsync("get_post", $$"""{"postId": "{{post.GetProperty("id").GetString()}}"}""");
        Assert.Equal(post.GetProperty("content").GetRawText(), read.GetProperty("content").GetRawText());
    }

    [Fact]
    public async Task ValidatePost_ThreadWithATooLongPart_ProblemNamesThePart()
    {
        var arguments = $$"""{"content": {"thread": [{"text": "One"}, {"text": "Two"}, {"text": "Three"}, {"text": "{{new string('a', 300)}}"}]}, "platforms": ["x"]}""";

        var validation = await CallOkAsync("validate_post", arguments);

        Assert.False(validation.GetProperty("ok").GetBoolean());
        var problem = Assert.Single(validation.GetProperty("platforms")[0].GetProperty("problems").EnumerateArray());
        Assert.Equal(("CONTENT_TOO_LONG", "$.content.thread[3].text"), (problem.GetProperty("code").GetString(), problem.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task CreatePost_ThreadOfOnePart_SchemaRefusesAtThread()
    {
        var error = await CallErrorAsync("create_post", """{"content": {"thread": [{"text": "Alone"}]}, "platforms": ["x"]}""");

        Assert.Contains(Problems(error), p => p.GetProperty("code").GetString() == "VALIDATION_FAILED" && p.GetProperty("path").GetString() == "$.content.thread");
    }

    [Fact]
    public async Task CreatePost_TextAndThreadBoth_ValidationFailedAtContent()
    {
        var error = await CallErrorAsync("create_post", """{"content": {"text": "One", "thread": [{"text": "A"}, {"text": "B"}]}, "platforms": ["x"]}""");

        Assert.Equal(("VALIDATION_FAILED", "$.content"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
        Assert.Contains("must not have 'thread'", error.GetProperty("message").GetString());
        Assert.Contains("must not have 'text'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task CreatePost_NeitherTextNorThread_ValidationFailedAtContentNamingBoth()
    {
        var error = await CallErrorAsync("create_post", """{"content": {"linkUrl": "https://example.com"}, "platforms": ["x"]}""");

        var message = error.GetProperty("message").GetString()!;
        Assert.Equal(("VALIDATION_FAILED", "$.content"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
        Assert.True(message.Contains("'text'", StringComparison.Ordinal) && message.Contains("'thread'", StringComparison.Ordinal), message);
    }

    [Fact]
    public async Task CreatePost_ThreadWithContentMedia_RefusedAtContentMedia()
    {
        var error = await CallErrorAsync("create_post", """
            {"content": {"thread": [{"text": "A"}, {"text": "B"}], "media": [{"url": "https://example.com/a.jpg", "type": "image"}]}, "platforms": ["x"]}
            """);

        Assert.Equal(("VALIDATION_FAILED", "$.content.media"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
        Assert.Contains("content.thread[i].media", error.GetProperty("hint").GetString());
    }

    [Fact]
    public async Task CreatePost_ThreadOnLinkedIn_ThreadNotSupported()
    {
        var error = await CallErrorAsync("create_post", """{"content": {"thread": [{"text": "A"}, {"text": "B"}]}, "platforms": ["x", "linkedin"]}""");

        Assert.Equal(("THREAD_NOT_SUPPORTED", "$.content.thread", "linkedin"),
            (error.GetProperty("code").GetString(), error.GetProperty("path").GetString(), error.GetProperty("platform").GetString()));
    }

    [Fact]
    public async Task CreatePost_FirstCommentOnTikTok_FirstCommentNotSupportedAtItsOverride()
    {
        var error = await CallErrorAsync("create_post", """
            {"content": {"text": "Hi", "platformOverrides": {"tiktok": {"firstComment": {"text": "#fyp"}}}}, "platforms": ["tiktok"]}
            """);

        Assert.Contains(Problems(error), p => p.GetProperty("code").GetString() == "FIRST_COMMENT_NOT_SUPPORTED"
            && p.GetProperty("path").GetString() == "$.content.platformOverrides.tiktok.firstComment");
    }

    [Fact]
    public async Task CreatePost_InstagramFirstComment_ShownOnTheTargetAsPending()
    {
        var post = await CallOkAsync("create_post", """
            {"content": {"text": "Launch day", "media": [{"url": "https://example.com/a.jpg", "type": "image", "mimeType": "image/jpeg"}],
             "platformOverrides": {"instagram": {"firstComment": {"text": "#launch #studio"}}}}, "platforms": ["instagram", "facebook"]}
            """);

        var targets = post.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("platform").GetString()!);
        Assert.Equal("pending", targets["instagram"].GetProperty("firstComment").GetProperty("status").GetString());
        Assert.False(targets["facebook"].TryGetProperty("firstComment", out _));
        Assert.Equal("#launch #studio",
            post.GetProperty("content").GetProperty("platformOverrides").GetProperty("instagram").GetProperty("firstComment").GetProperty("text").GetString());
    }

    [Fact]
    public async Task ValidatePost_ReplyOnXWhoseParentCannotBeRead_OkWithARisk()
    {
        // A platform that cannot answer (a failed or throttled read), not the sandbox, which knows its own posts.
        await using var unreadable = await InProcessMcpServer.StartAsync(configure: s =>
            s.AddSingleton<IPublisherResolver>(new LookUpPublisher(_ => PostLookup.Unknown("X did not answer the read"))));
        var validation = (await unreadable.CallOkAsync("validate_post", """
            {"content": {"text": "Thanks, fixed in v2.1!", "replyTo": {"platform": "x", "platformPostId": "1866219412345678901"}}, "platforms": ["x"]}
            """)).StructuredContent!.Value;

        Assert.True(validation.GetProperty("ok").GetBoolean());
        Assert.Equal("REPLY_PARENT_UNCHECKED", validation.GetProperty("risks")[0].GetProperty("code").GetString());
        Assert.Contains("REPLY_PARENT_UNCHECKED", validation.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task ValidatePost_PlanHash_ChangesWithAPart()
    {
        var first = await CallOkAsync("validate_post", ThreeParts);
        var second = await CallOkAsync("validate_post", ThreeParts.Replace("2/ A queue", "2/ A posting queue"));

        Assert.NotEqual(first.GetProperty("planHash").GetString(), second.GetProperty("planHash").GetString());
    }
}
