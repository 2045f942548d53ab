using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Access;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>POST /media: multipart uploads streamed into the library, with the API key and workspace of /mcp.</summary>
public sealed class MediaUploadTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static HttpRequestMessage Upload(HttpContent content, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/media") { Content = content };
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static MultipartFormDataContent Form(string name, string? partType = null, string part = "file")
    {
        var file = new ByteArrayContent(TestMedia.Bytes(name));
        if (partType is not null)
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(partType);
        var form = new MultipartFormDataContent { { new StringContent("a note"), "note" }, { file, part, name } };
        return form;
    }

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").Clone();
    }

    [Fact]
    public async Task MultipartFile_Is201WithGetMediasJson_InTheKeysWorkspace()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var workspaces = server.Services.GetRequiredService<WorkspaceService>();
        var other = await workspaces.CreateAsync("brand-b", Ct);
        var (_, key) = await workspaces.CreateKeyAsync(other.Id, "uploader", [Scopes.PostsWrite, Scopes.PostsRead], Ct);

        using var response = await server.SendAsync(Upload(Form(TestMedia.VerticalMp4, "video/mp4"), key));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(("video/mp4", "video", 72, 128, "avc1", TestMedia.VerticalMp4), (body.GetProperty("mimeType").GetString(),
            body.GetProperty("kind").GetString(), body.GetProperty("width").GetInt32(), body.GetProperty("height").GetInt32(),
            body.GetProperty("videoCodec").GetString(), body.GetProperty("fileName").GetString()));
        var library = server.Services.GetRequiredService<IMediaLibrary>();
        var asset = await library.GetAsync(other.Id, id, "$.mediaId", Ct);
        await using (var stored = await library.OpenReadAsync(asset, Ct))
        {
            using var copy = new MemoryStream();
            await stored.CopyToAsync(copy, Ct);
            Assert.Equal(TestMedia.Bytes(TestMedia.VerticalMp4), copy.ToArray());
        }
        // Not the local workspace's.
        await Assert.ThrowsAsync<NotFoundException>(() => library.GetAsync(LocalWorkspace.Id, id, "$.mediaId", Ct));
    }

    [Fact]
    public async Task NoKey_Is401_AndAKeyWithoutPostsWrite_Is403ForbiddenScope()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var (_, readOnly) = await server.Services.GetRequiredService<WorkspaceService>()
            .CreateKeyAsync(LocalWorkspace.Id, "reader", [Scopes.PostsRead], Ct);

        using var anonymous = await server.SendAsync(Upload(Form(TestMedia.Png)));
        using var reader = await server.SendAsync(Upload(Form(TestMedia.Png), readOnly));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(ErrorCodes.ForbiddenScope, (await ErrorOf(reader)).GetProperty("code").GetString());
        Assert.Equal(0, (await server.Services.GetRequiredService<IMediaLibrary>().ListAsync(LocalWorkspace.Id, 10, 0, Ct)).Total);
    }

    [Fact]
    public async Task NoFilePart_Is400ValidationFailedAtFile()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync(Upload(Form(TestMedia.Png, part: "attachment")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal((ErrorCodes.ValidationFailed, "$.file"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task NotMultipart_Is415()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync(Upload(new ByteArrayContent(TestMedia.Bytes(TestMedia.Png))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("image/png") },
        }));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(ErrorCodes.ValidationFailed, (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task FileOverMaxUploadBytes_Is413MediaTooLarge_AndNothingIsStored()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Media:MaxInlineBytes"] = "1000",
            ["Media:MaxUploadBytes"] = "2000",
        });

        using var response = await server.SendAsync(Upload(Form(TestMedia.VerticalMp4)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal((ErrorCodes.MediaTooLarge, "$.file"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
        Assert.Equal(0, (await server.Services.GetRequiredService<IMediaLibrary>().ListAsync(LocalWorkspace.Id, 10, 0, Ct)).Total);
    }

    [Theory]
    [InlineData("document.pdf", null, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE")]
    [InlineData(TestMedia.MislabelledPng, "image/jpeg", HttpStatusCode.BadRequest, "MEDIA_TYPE_MISMATCH")]
    public async Task WrongType_IsRefusedFromTheBytes(string name, string? partType, HttpStatusCode status, string code)
    {
        await using var server = await TestServer.StartAsync();
        var file = name == "document.pdf"
            ? new ByteArrayContent("%PDF-1.7 not media"u8.ToArray())
            : new ByteArrayContent(TestMedia.Bytes(name));
        if (partType is not null)
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(partType);

        using var response = await server.SendAsync(Upload(new MultipartFormDataContent { { file, "file", name } }));

        Assert.Equal(status, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal((code, "$.file"), (error.GetProperty("code").GetString(), error.GetProperty("path").GetString()));
    }
}
