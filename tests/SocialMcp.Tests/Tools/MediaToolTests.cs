using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Tools;

/// <summary>The media tools and mediaId items, called through the real server (JSON-RPC, call filter, tools, SQLite).</summary>
public sealed class MediaToolTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    // Instagram pulls library media from a signed URL of this server, so it needs a public address (else MEDIA_NOT_PUBLIC).
    private static readonly Dictionary<string, string?> PublicBase = new() { ["Media:PublicBaseUrl"] = "https://social.example.test/" };

    private static Task<InProcessMcpServer> StartAsync(IDictionary<string, string?>? settings = null) =>
        InProcessMcpServer.StartAsync(settings, services => services.AddSingleton<IMediaFetcher>(
            new FakeMediaFetcher().Serve("https://cdn.example.com/card.gif", TestMedia.Bytes(TestMedia.Gif))));

    private static async Task<JsonElement> UploadAsync(InProcessMcpServer server, string name) =>
        (await server.CallOkAsync("upload_media", JsonSerializer.Serialize(new { data = TestMedia.Base64(name), fileName = name }))).StructuredContent!.Value;

    private static async Task<JsonElement> ErrorAsync(InProcessMcpServer server, string tool, string argumentsJson)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await server.Client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        Assert.True(result.IsError, $"{tool} should have failed: {result.StructuredContent}");
        return result.StructuredContent!.Value.GetProperty("error");
    }

    [Fact]
    public async Task UploadGetListDelete_RoundTrip()
    {
        await using var server = await StartAsync();

        var video = await UploadAsync(server, TestMedia.VerticalMp4);
        server.Clock.Advance(TimeSpan.FromSeconds(1)); // list_media is newest first
        var fetched = (await server.CallOkAsync("upload_media", """{"sourceUrl": "https://cdn.example.com/card.gif"}""")).StructuredContent!.Value;
        var id = video.GetProperty("id").GetString()!;
        var got = (await server.CallOkAsync("get_media", $$"""{"mediaId": "{{id}}"}""")).StructuredContent!.Value;
        var listed = (await server.CallOkAsync("list_media", """{"limit": 1}""")).StructuredContent!.Value;
        var deleted = (await server.CallOkAsync("delete_media", $$"""{"mediaId": "{{id}}"}""")).StructuredContent!.Value;

        Assert.Equal(("video/mp4", "video", 72, 128, "avc1"), (video.GetProperty("mimeType").GetString(), video.GetProperty("kind").GetString(),
            video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32(), video.GetProperty("videoCodec").GetString()));
        Assert.Equal(30, video.GetProperty("frameRate").GetDouble(), precision: 2);
        Assert.Equal(4, video.GetProperty("durationSeconds").GetDouble(), precision: 1);
        Assert.Equal(TestMedia.VerticalMp4, video.GetProperty("fileName").GetString());
        Assert.Contains(id, video.GetProperty("summary").GetString());
        Assert.Equal(("image/gif", "card.gif"), (fetched.GetProperty("mimeType").GetString(), fetched.GetProperty("fileName").GetString()));
        Assert.Equal(video.GetProperty("sha256").GetString(), got.GetProperty("sha256").GetString());
        Assert.Equal((2, 1), (listed.GetProperty("total").GetInt32(), listed.GetProperty("nextOffset").GetInt32()));
        Assert.Equal(fetched.GetProperty("id").GetString(), Assert.Single(listed.GetProperty("media").EnumerateArray()).GetProperty("id").GetString());
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        var gone = await ErrorAsync(server, "get_media", $$"""{"mediaId": "{{id}}"}""");
        Assert.Equal(ErrorCodes.MediaNotFound, gone.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Base64OverMaxInlineBytes_IsMediaTooLargeAtData_BeforeDecoding()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["Media:MaxInlineBytes"] = "1000" });

        // Not even valid base64: the length alone decides, so nothing is decoded.
        var error = await ErrorAsync(server, "upload_media", JsonSerializer.Serialize(new { data = new string('!', 1400) }));

        Assert.Equal((ErrorCodes.MediaTooLarge, "$.data"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("iVBORw0KGgo")]
    [InlineData("data:image/png;base64,iVBORw0KGgo=")]
    public async Task MalformedBase64_IsValidationFailedAtData(string data)
    {
        await using var server = await StartAsync();

        var error = await ErrorAsync(server, "upload_media", JsonSerializer.Serialize(new { data }));

        Assert.Equal((ErrorCodes.ValidationFailed, "$.data"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"data": "iVBORw0KGgo=", "sourceUrl": "https://cdn.example.com/card.gif"}""")]
    public async Task NeitherOrBothOfDataAndSourceUrl_IsValidationFailed(string arguments)
    {
        await using var server = await StartAsync();

        var error = await ErrorAsync(server, "upload_media", arguments);

        Assert.Equal(ErrorCodes.ValidationFailed, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownMediaId_InAPost_IsMediaNotFoundAtItsPath()
    {
        await using var server = await StartAsync();

        var create = await ErrorAsync(server, "create_post",
            """{"content": {"text": "Hi", "media": [{"mediaId": "med_0000000000000000000000000000abcd"}]}, "platforms": ["x"]}""");
        var validate = await ErrorAsync(server, "validate_post",
            """{"content": {"text": "Hi", "media": [{"url": "https://example.com/a.png", "type": "image"}, {"mediaId": "med_nope"}]}, "platforms": ["x"]}""");

        Assert.Equal((ErrorCodes.MediaNotFound, "$.content.media[0].mediaId"), (create.GetProperty("code").GetString(), create.GetProperty("path").GetString()));
        Assert.Equal((ErrorCodes.MediaNotFound, "$.content.media[1].mediaId"), (validate.GetProperty("code").GetString(), validate.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task AnotherWorkspacesMediaId_IsNotFound_InPostsAndTools()
    {
        await using var server = await StartAsync();
        var other = await server.Services.GetRequiredService<WorkspaceService>().CreateAsync("other", Ct);
        var theirs = await server.Services.GetRequiredService<IMediaLibrary>().UploadAsync(other.Id,
            new MediaUpload { Content = new MemoryStream(TestMedia.Bytes(TestMedia.Png)), Path = "$.data" }, Ct);

        var post = await ErrorAsync(server, "create_post",
            $$"""{"content": {"text": "Hi", "media": [{"mediaId": "{{theirs.Id}}"}]}, "platforms": ["x"]}""");
        var get = await ErrorAsync(server, "get_media", $$"""{"mediaId": "{{theirs.Id}}"}""");
        var delete = await ErrorAsync(server, "delete_media", $$"""{"mediaId": "{{theirs.Id}}"}""");

        Assert.Equal((ErrorCodes.MediaNotFound, "$.content.media[0].mediaId"), (post.GetProperty("code").GetString(), post.GetProperty("path").GetString()));
        Assert.Equal(ErrorCodes.MediaNotFound, get.GetProperty("code").GetString());
        Assert.Equal(ErrorCodes.MediaNotFound, delete.GetProperty("code").GetString());
        Assert.Equal(theirs, await server.Services.GetRequiredService<IMediaLibrary>().GetAsync(other.Id, theirs.Id, "$.mediaId", Ct));
    }

    [Fact]
    public async Task DeletingMediaOfAScheduledPost_IsMediaInUse_AndTheMediaStays()
    {
        await using var server = await StartAsync();
        var image = (await UploadAsync(server, TestMedia.Png)).GetProperty("id").GetString()!;
        var post = (await server.CallOkAsync("create_post", $$"""
            {"content": {"text": "Soon", "media": [{"mediaId": "{{image}}", "altText": "A test card"}]}, "platforms": ["x"],
             "scheduledFor": "{{server.Clock.GetUtcNow().AddHours(2):O}}"}
            """)).StructuredContent!.Value;

        var error = await ErrorAsync(server, "delete_media", $$"""{"mediaId": "{{image}}"}""");

        Assert.Equal((ErrorCodes.MediaInUse, "$.mediaId"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
        Assert.Contains(post.GetProperty("id").GetString()!, error.GetProperty("message").GetString());
        await server.CallOkAsync("get_media", $$"""{"mediaId": "{{image}}"}""");
        // The stored post carries the probed facts, and the alt text the caller gave.
        var item = Assert.Single(post.GetProperty("content").GetProperty("media").EnumerateArray());
        Assert.Equal(("image", "image/png", 64, "A test card"), (item.GetProperty("type").GetString(), item.GetProperty("mimeType").GetString(),
            item.GetProperty("width").GetInt32(), item.GetProperty("altText").GetString()));
        Assert.False(item.TryGetProperty("url", out _));
    }

    [Fact]
    public async Task UrlAndMediaIdTogether_IsRefusedByTheSchema()
    {
        await using var server = await StartAsync();
        var image = (await UploadAsync(server, TestMedia.Png)).GetProperty("id").GetString()!;

        var error = await ErrorAsync(server, "validate_post", $$"""
            {"content": {"text": "Hi", "media": [{"mediaId": "{{image}}", "url": "https://example.com/a.png", "type": "image"}]}, "platforms": ["x"]}
            """);

        Assert.Equal(ErrorCodes.ValidationFailed, error.GetProperty("code").GetString());
        Assert.StartsWith("$.content.media[0]", error.GetProperty("path").GetString());
    }

    [Fact]
    public async Task ClaimThatContradictsTheProbe_IsMediaTypeMismatch()
    {
        await using var server = await StartAsync();
        var video = (await UploadAsync(server, TestMedia.HorizontalMp4)).GetProperty("id").GetString()!;

        var error = await ErrorAsync(server, "create_post", $$"""
            {"content": {"text": "Hi", "media": [{"mediaId": "{{video}}", "type": "video", "width": 1080, "height": 1920}]}, "platforms": ["x"]}
            """);

        Assert.Equal((ErrorCodes.MediaTypeMismatch, "$.content.media[0].width"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
    }

    [Theory]
    [InlineData(TestMedia.HorizontalMp4, "INVALID_PLACEMENT", "$.content.platformOverrides.instagram.settings.placement", "128×72")]
    [InlineData(TestMedia.ShortVerticalMp4, "UNSUPPORTED_MEDIA_CONFIG", "$.content.media[0].durationSeconds", "2 s")]
    public async Task InstagramReel_FromTheRealFile_HorizontalOrTooShort_IsRefusedAtValidate(string file, string code, string path, string said)
    {
        await using var server = await StartAsync(PublicBase);
        var video = (await UploadAsync(server, file)).GetProperty("id").GetString()!;

        // No facts are claimed: the refusal can only come from the probe.
        var result = (await server.CallOkAsync("validate_post", $$"""
            {"content": {"text": "Reel", "media": [{"mediaId": "{{video}}"}],
                         "platformOverrides": {"instagram": {"settings": {"placement": "reel"} } } }, "platforms": ["instagram"]}
            """)).StructuredContent!.Value;

        Assert.False(result.GetProperty("ok").GetBoolean());
        var problem = Assert.Single(result.GetProperty("platforms").EnumerateArray().Single().GetProperty("problems").EnumerateArray());
        Assert.Equal((code, path), (problem.GetProperty("code").GetString(), problem.GetProperty("path").GetString()));
        Assert.Contains(said, problem.GetProperty("message").GetString());
        var probed = Assert.Single(result.GetProperty("media").EnumerateArray());
        Assert.Equal((0, video, "video/mp4", "avc1"), (probed.GetProperty("index").GetInt32(), probed.GetProperty("mediaId").GetString(),
            probed.GetProperty("mimeType").GetString(), probed.GetProperty("videoCodec").GetString()));
    }

    [Fact]
    public async Task InstagramReel_VerticalAndFourSeconds_Passes()
    {
        await using var server = await StartAsync(PublicBase);
        var video = (await UploadAsync(server, TestMedia.VerticalMp4)).GetProperty("id").GetString()!;

        var result = (await server.CallOkAsync("validate_post", $$"""
            {"content": {"text": "Reel", "media": [{"mediaId": "{{video}}"}],
                         "platformOverrides": {"instagram": {"settings": {"placement": "reel"} } } }, "platforms": ["instagram"]}
            """)).StructuredContent!.Value;

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        var probed = Assert.Single(result.GetProperty("media").EnumerateArray());
        Assert.Equal((72, 128), (probed.GetProperty("width").GetInt32(), probed.GetProperty("height").GetInt32()));
    }

    [Fact]
    public async Task LibraryMediaOnAPlatformThatPulls_WithoutAPublicBaseUrl_IsMediaNotPublicAtValidate()
    {
        await using var server = await StartAsync();
        var image = (await UploadAsync(server, TestMedia.Jpeg)).GetProperty("id").GetString()!;

        var result = (await server.CallOkAsync("validate_post", $$"""
            {"content": {"text": "Photo", "media": [{"mediaId": "{{image}}"}]}, "platforms": ["threads", "x"]}
            """)).StructuredContent!.Value;

        Assert.False(result.GetProperty("ok").GetBoolean());
        var platforms = result.GetProperty("platforms").EnumerateArray().ToDictionary(p => p.GetProperty("platform").GetString()!);
        Assert.True(platforms["x"].GetProperty("ok").GetBoolean());
        var problem = Assert.Single(platforms["threads"].GetProperty("problems").EnumerateArray());
        Assert.Equal(("MEDIA_NOT_PUBLIC", "$.content.media[0].mediaId"), (problem.GetProperty("code").GetString(), problem.GetProperty("path").GetString()));
        Assert.Contains("Media:PublicBaseUrl", problem.GetProperty("hint").GetString());
    }
}
