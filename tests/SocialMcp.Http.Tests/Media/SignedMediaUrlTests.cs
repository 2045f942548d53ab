using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests.Media;

/// <summary>Issue 13: signed, expiring media URLs under Media:PublicBaseUrl, served by GET /media/s/{token} without an API key.</summary>
public sealed class SignedMediaUrlTests : IAsyncLifetime
{
    private const string PublicBase = "https://social.example.test/base/";
    private static readonly byte[] Bytes = [.. Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")];

    private readonly OneAssetLibrary _library = new(Bytes);
    private TestServer _server = null!;

    private IMediaUrlSigner Signer => _server.Services.GetRequiredService<IMediaUrlSigner>();

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        new Dictionary<string, string?> { ["Media:PublicBaseUrl"] = PublicBase, ["Media:SignedUrlLifetime"] = "00:30:00" },
        apiKeys: true,
        configureServices: s => s.Replace(ServiceDescriptor.Singleton<IMediaLibrary>(_library)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The signed URL's path and token, asked of the test server (the public base is a name only the platforms would use).</summary>
    private Uri Local(Uri signed)
    {
        Assert.StartsWith(PublicBase + "media/s/", signed.AbsoluteUri);
        return new Uri(_server.BaseAddress, "/media/s/" + signed.AbsoluteUri[(PublicBase + "media/s/").Length..]);
    }

    private Uri SignedUrl(TimeSpan? lifetime = null) =>
        Local(Signer.CreateUrl(_library.Asset, _server.Clock.GetUtcNow() + (lifetime ?? TimeSpan.FromMinutes(30)))!);

    [Fact]
    public async Task Get_ValidToken_ServesTheFileWithoutAnApiKey()
    {
        using var response = await _server.Http.GetAsync(SignedUrl());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal(Bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task Get_Range_AnswersThePart()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, SignedUrl());
        request.Headers.Range = new RangeHeaderValue(8, 15);

        using var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Bytes[8..16], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_TamperedOrExpired_SameForbiddenAnswer()
    {
        var good = SignedUrl(TimeSpan.FromMinutes(5)).AbsoluteUri;
        // Flip one character of the token's middle (its MAC covers every byte).
        var at = good.Length - 20;
        var tampered = good[..at] + (good[at] == 'A' ? 'B' : 'A') + good[(at + 1)..];

        using var tamperedAnswer = await _server.Http.GetAsync(tampered);
        _server.Clock.Advance(TimeSpan.FromMinutes(5));
        using var expiredAnswer = await _server.Http.GetAsync(good);

        Assert.Equal(HttpStatusCode.Forbidden, tamperedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, expiredAnswer.StatusCode);
        Assert.Equal(await tamperedAnswer.Content.ReadAsStringAsync(), await expiredAnswer.Content.ReadAsStringAsync());
        Assert.Null(Signer.Verify(new Uri(good).Segments[^1], _server.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Get_JustBeforeExpiry_StillServes()
    {
        var url = SignedUrl(TimeSpan.FromMinutes(5));
        _server.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        using var response = await _server.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_AssetDeleted_NotFound()
    {
        var url = SignedUrl();
        _library.Deleted = true;

        using var response = await _server.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Verify_NamesTheWorkspaceAndMedia()
    {
        var token = Signer.CreateUrl(_library.Asset, _server.Clock.GetUtcNow().AddMinutes(1))!.Segments[^1];

        Assert.Equal((_library.Asset.WorkspaceId, _library.Asset.Id), Signer.Verify(token, _server.Clock.GetUtcNow()));
        Assert.Null(Signer.Verify("not-a-token", _server.Clock.GetUtcNow()));
    }

    /// <summary>A library of one PNG; the real library replaces it in the end-to-end tests.</summary>
    private sealed class OneAssetLibrary(byte[] bytes) : IMediaLibrary
    {
        public MediaAsset Asset { get; } = new()
        {
            Id = "med_0190abcd-0000-7000-8000-000000000001",
            WorkspaceId = "local",
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            SizeBytes = bytes.Length,
            Probe = new MediaProbe("image/png", "image", 1, 1),
            Source = "upload",
            CreatedAt = DateTimeOffset.UnixEpoch,
        };

        public bool Deleted { get; set; }

        public Task<MediaAsset> GetAsync(string workspaceId, string mediaId, string path, CancellationToken cancellationToken) =>
            !Deleted && workspaceId == Asset.WorkspaceId && mediaId == Asset.Id
                ? Task.FromResult(Asset)
                : throw new NotFoundException(new Problem(ErrorCodes.MediaNotFound, "No such media.", path));

        public Task<Stream> OpenReadAsync(MediaAsset asset, CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new MemoryStream(bytes, writable: false));

        public Task<MediaAsset> UploadAsync(string workspaceId, MediaUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<MediaPage> ListAsync(string workspaceId, int limit, int offset, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteAsync(string workspaceId, string mediaId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
