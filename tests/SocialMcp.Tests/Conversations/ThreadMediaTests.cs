using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Validation.Media;
using SocialMcp.Testing;
using SocialMcp.Tests.Support;
using static SocialMcp.Tests.Conversations.Conversation;

namespace SocialMcp.Tests.Conversations;

/// <summary>A thread part's media go through the same library resolution and URL guard as a post's, under the part's path.</summary>
public sealed class ThreadMediaTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>The fetch guard's decision as a test sets it: any URL on internal.example is refused.</summary>
    private sealed class RefusingFetcher : IMediaFetcher
    {
        public Task<IFetchedMedia> FetchAsync(string url, string path, MediaFetchLimits? limits, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Validation never downloads.");

        public Task CheckAsync(string url, string path, CancellationToken cancellationToken) =>
            url.Contains("internal.example", StringComparison.Ordinal)
                ? throw new MediaFetchException(MediaFetchRule.Address, new Problem(ErrorCodes.MediaUrlForbidden, "Refused address.", path))
                : Task.CompletedTask;
    }

    [Fact]
    public async Task MediaUrlCheck_RefusedUrlInALaterPart_NamesThatPartsItem()
    {
        var content = Thread(Part("One", [new MediaItem("https://example.com/a.jpg", MediaTypes.Image)]),
            Part("Two", [new MediaItem("https://example.com/b.jpg", MediaTypes.Image), new MediaItem("https://internal.example/c.jpg", MediaTypes.Image)]));

        var problems = await new MediaUrlCheck(new RefusingFetcher()).FindProblemsAsync(content, Ct);

        Assert.Equal("$.content.thread[1].media[1].url", Assert.Single(problems).Path);
    }

    [Fact]
    public async Task ValidatePost_LibraryMediaInAPart_ResolvedAndReportedWithItsPart()
    {
        await using var server = await InProcessMcpServer.StartAsync(configure: s => s.AddSingleton<IMediaFetcher>(new FakeMediaFetcher()));
        var uploaded = (await server.CallOkAsync("upload_media", JsonSerializer.Serialize(new { data = TestMedia.Base64(TestMedia.Jpeg), fileName = "a.jpg" })))
            .StructuredContent!.Value;
        var mediaId = uploaded.GetProperty("id").GetString();

        var validation = (await server.CallOkAsync("validate_post", $$"""
            {"content": {"thread": [{"text": "One"}, {"text": "Two", "media": [{"mediaId": "{{mediaId}}", "altText": "A card"}]}]}, "platforms": ["x"]}
            """)).StructuredContent!.Value;

        Assert.True(validation.GetProperty("ok").GetBoolean(), validation.GetRawText());
        var probed = Assert.Single(validation.GetProperty("media").EnumerateArray());
        Assert.Equal((1, 0, "image/jpeg"), (probed.GetProperty("part").GetInt32(), probed.GetProperty("index").GetInt32(), probed.GetProperty("mimeType").GetString()));
    }

    [Fact]
    public async Task CreatePost_UnknownLibraryMediaInAPart_MediaNotFoundAtThatPart()
    {
        await using var server = await InProcessMcpServer.StartAsync(configure: s => s.AddSingleton<IMediaFetcher>(new FakeMediaFetcher()));
        var arguments = """
            {"content": {"thread": [{"text": "One"}, {"text": "Two"}, {"text": "Three", "media": [{"mediaId": "med_0199a1b20c3d7e4f8a9b0c1d2e3f4a5b"}]}]}, "platforms": ["x"]}
            """;

        var result = await server.Client.CallToolAsync("create_post",
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!.ToDictionary(p => p.Key, p => (object?)p.Value), cancellationToken: Ct);

        Assert.True(result.IsError);
        var error = result.StructuredContent!.Value.GetProperty("error");
        Assert.Equal((ErrorCodes.MediaNotFound, "$.content.thread[2].media[0].mediaId"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
    }
}
