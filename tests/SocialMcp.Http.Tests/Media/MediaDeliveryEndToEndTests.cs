using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Server.Hosting;

namespace SocialMcp.Http.Tests.Media;

/// <summary>
/// Issue 13, "Done when": library media posted to every platform that takes media, through the sandbox's real adapters
/// and the emulator, over a real HTTP listener whose signed media URLs the pulling platforms fetch. The emulator confirms
/// the bytes: the SHA-256 of what it received (uploaded or pulled) equals the asset's.
/// </summary>
public sealed class MediaDeliveryEndToEndTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly InMemoryLibrary _library = new();
    private TestServer _server = null!;

    public static TheoryData<Platform> Platforms() =>
        [Platform.Instagram, Platform.Facebook, Platform.X, Platform.LinkedIn, Platform.TikTok, Platform.YouTube, Platform.Threads, Platform.Amazon];

    public async Task InitializeAsync() => _server = await StartServerAsync(_library, lifetime: null);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A server on a port known in advance, so that Media:PublicBaseUrl can name its own listener.</summary>
    internal static async Task<TestServer> StartServerAsync(IMediaLibrary library, TimeSpan? lifetime)
    {
        var port = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["Http:Urls"] = $"http://127.0.0.1:{port}",
            ["Media:PublicBaseUrl"] = $"http://127.0.0.1:{port}/",
        };
        if (lifetime is { } valid)
            settings["Media:SignedUrlLifetime"] = valid.ToString();
        foreach (var platform in PlatformNames.All)
        {
            settings[$"Platforms:{platform.ToWireName()}:PollInterval"] = "00:00:00";
            settings[$"Platforms:{platform.ToWireName()}:RetryBaseDelay"] = "00:00:00";
        }
        return await TestServer.StartAsync(settings, configureServices: s => s.Replace(ServiceDescriptor.Singleton(library)));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool WantsVideo(Platform platform) => platform is Platform.YouTube or Platform.TikTok;

    private static Dictionary<Platform, PlatformOverride> SettingsFor(Platform platform) => platform switch
    {
        Platform.YouTube => new() { [platform] = new PlatformOverride(Settings: JsonDocument.Parse("""{"title": "Library video"}""").RootElement) },
        Platform.TikTok => new() { [platform] = new PlatformOverride(Settings: JsonDocument.Parse("""{"privacyLevel": "SELF_ONLY"}""").RootElement) },
        _ => [],
    };

    internal static Task<PostDetails> PublishLibraryMediaAsync(TestServer server, MediaAsset asset, Platform platform)
    {
        var posts = server.Services.GetRequiredService<PostService>();
        return Create();

        async Task<PostDetails> Create()
        {
            var created = await posts.CreateAsync(LocalWorkspace.Id, new CreatePostCommand
            {
                Content = new PostContent("From the library", [new MediaItem(null, asset.Probe.Kind, MediaId: asset.Id, AltText: "A test file")], null,
                    SettingsFor(platform)),
                Platforms = [platform],
            }, Ct);
            return await posts.PublishAsync(LocalWorkspace.Id, new PublishPostCommand(created.Post.Id), Ct);
        }
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task Publish_LibraryMedia_ReachesThePlatformByteForByte(Platform platform)
    {
        var asset = _library.Add(WantsVideo(platform) ? TestFiles.Mp4 : TestFiles.Png, WantsVideo(platform) ? TestFiles.Mp4Probe : TestFiles.PngProbe);

        var published = await PublishLibraryMediaAsync(_server, asset, platform);

        var target = Assert.Single(published.Targets);
        Assert.True(target.Status is TargetStatus.Published or TargetStatus.InReview, $"{platform}: {target.Status} {target.ErrorCode} {target.ErrorMessage}");
        var emulator = _server.Services.GetRequiredService<ISandboxApi>() is EmulatedSandbox { Started: { } started } ? started : null;
        Assert.NotNull(emulator);
        var received = Assert.Single(emulator.State.ReceivedMedia, m => m.Platform == platform);
        Assert.Equal(asset.Sha256, received.Sha256);
        Assert.Equal(MediaDelivery.Pulls(platform) ? "pull" : "upload", received.How);
    }

    [Theory]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Facebook)]
    public async Task Publish_SignedUrlAlreadyExpired_ThePlatformsFetchIsRefusedAndTheTargetFails(Platform platform)
    {
        var library = new InMemoryLibrary();
        await using var server = await StartServerAsync(library, lifetime: TimeSpan.Zero);
        var asset = library.Add(TestFiles.Png, TestFiles.PngProbe);

        var published = await PublishLibraryMediaAsync(server, asset, platform);

        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Failed, target.Status);
        var emulator = ((EmulatedSandbox)server.Services.GetRequiredService<ISandboxApi>()).Started!;
        Assert.DoesNotContain(emulator.State.ReceivedMedia, m => m.Platform == platform);
    }

    /// <summary>Tiny files that start as the real formats do.</summary>
    internal static class TestFiles
    {
        public static readonly byte[] Png = Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

        public static readonly byte[] Mp4 = [0, 0, 0, 0x18, .. "ftypmp42"u8, 0, 0, 0, 0, .. "mp42isom"u8, 0, 0, 0, 8, .. "free"u8];

        public static readonly MediaProbe PngProbe = new("image/png", MediaTypes.Image, 1, 1);
        public static readonly MediaProbe Mp4Probe = new("video/mp4", MediaTypes.Video, 1080, 1920, 4, "avc1", 30);
    }

    /// <summary>An in-memory media library (the real one replaces it once the library merges).</summary>
    internal sealed class InMemoryLibrary : IMediaLibrary
    {
        private readonly Dictionary<string, (MediaAsset Asset, byte[] Bytes)> _assets = [];

        public MediaAsset Add(byte[] bytes, MediaProbe probe)
        {
            var asset = new MediaAsset
            {
                Id = "med_" + Guid.CreateVersion7().ToString(),
                WorkspaceId = LocalWorkspace.Id,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                SizeBytes = bytes.Length,
                Probe = probe,
                Source = "upload",
                CreatedAt = DateTimeOffset.UnixEpoch,
            };
            lock (_assets)
                _assets[asset.Id] = (asset, bytes);
            return asset;
        }

        public Task<MediaAsset> GetAsync(string workspaceId, string mediaId, string path, CancellationToken cancellationToken)
        {
            lock (_assets)
            {
                return _assets.TryGetValue(mediaId, out var found) && found.Asset.WorkspaceId == workspaceId
                    ? Task.FromResult(found.Asset)
                    : throw new NotFoundException(new Problem(ErrorCodes.MediaNotFound, "No such media.", path));
            }
        }

        public Task<Stream> OpenReadAsync(MediaAsset asset, CancellationToken cancellationToken)
        {
            lock (_assets)
                return Task.FromResult<Stream>(new MemoryStream(_assets[asset.Id].Bytes, writable: false));
        }

        public Task<MediaAsset> UploadAsync(string workspaceId, MediaUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<MediaPage> ListAsync(string workspaceId, int limit, int offset, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteAsync(string workspaceId, string mediaId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
