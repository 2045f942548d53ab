using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Media;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Server.Hosting;
using SocialMcp.Testing;

namespace SocialMcp.Http.Tests.Media;

/// <summary>
/// Issue 13, "Done when": upload_media with a committed real file, create_post naming it by mediaId, publish_post, for
/// every platform that takes media, through the sandbox's real adapters and the emulator, over a real HTTP listener whose
/// signed media URLs the pulling platforms fetch. The emulator confirms the bytes: the SHA-256 of what it received
/// (uploaded or pulled) equals the one upload_media reported.
/// </summary>
public sealed class MediaDeliveryEndToEndTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private TestServer _server = null!;
    private McpClient _client = null!;

    public static TheoryData<Platform> Platforms() =>
        [Platform.Instagram, Platform.Facebook, Platform.X, Platform.LinkedIn, Platform.TikTok, Platform.YouTube, Platform.Threads, Platform.Amazon];

    public async Task InitializeAsync()
    {
        _server = await StartServerAsync(lifetime: null);
        _client = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>A server on a port known in advance, so that Media:PublicBaseUrl can name its own listener.</summary>
    private static async Task<TestServer> StartServerAsync(TimeSpan? lifetime)
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
        return await TestServer.StartAsync(settings);
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

    private static string OverridesFor(Platform platform) => platform switch
    {
        Platform.YouTube => """, "platformOverrides": {"youtube": {"settings": {"title": "Library video"}}}""",
        Platform.TikTok => """, "platformOverrides": {"tiktok": {"settings": {"privacyLevel": "SELF_ONLY"}}}""",
        _ => "",
    };

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task UploadPostPublish_LibraryMedia_ReachesThePlatformByteForByte(Platform platform)
    {
        var file = WantsVideo(platform) ? TestMedia.VerticalMp4 : TestMedia.Jpeg;
        var uploaded = await ToolCalls.CallOkAsync(_client, "upload_media",
            $$"""{"data": "{{TestMedia.Base64(file)}}", "fileName": "{{file}}"}""");
        var mediaId = uploaded.GetProperty("id").GetString()!;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(TestMedia.Bytes(file)));

        var created = await ToolCalls.CallOkAsync(_client, "create_post", $$"""
            {"content": {"text": "From the library", "media": [{"mediaId": "{{mediaId}}", "altText": "A test file"}]{{OverridesFor(platform)}}},
             "platforms": ["{{platform.ToWireName()}}"]}
            """);
        var published = await ToolCalls.CallOkAsync(_client, "publish_post", $$"""{"postId": "{{created.GetProperty("id").GetString()}}"}""");

        var target = Assert.Single(published.GetProperty("targets").EnumerateArray());
        Assert.True(target.GetProperty("status").GetString() is "published" or "in_review", $"{platform}: {target}");
        var emulator = _server.Services.GetRequiredService<ISandboxApi>() is EmulatedSandbox { Started: { } started } ? started : null;
        Assert.NotNull(emulator);
        var received = Assert.Single(emulator.State.ReceivedMedia, m => m.Platform == platform);
        Assert.Equal(sha256, received.Sha256);
        Assert.Equal(MediaDelivery.Pulls(platform) ? "pull" : "upload", received.How);
    }

    [Fact]
    public async Task SignedUrl_TamperedOrExpiredOnTheRealListener_Forbidden()
    {
        var uploaded = await ToolCalls.CallOkAsync(_client, "upload_media", $$"""{"data": "{{TestMedia.Base64(TestMedia.Png)}}"}""");
        var asset = await _server.Services.GetRequiredService<IMediaLibrary>()
            .GetAsync(LocalWorkspace.Id, uploaded.GetProperty("id").GetString()!, "$", Ct);
        var signer = _server.Services.GetRequiredService<IMediaUrlSigner>();
        var url = signer.CreateUrl(asset, _server.Clock.GetUtcNow().AddMinutes(10))!.AbsoluteUri;
        var at = url.Length - 10;
        var tampered = url[..at] + (url[at] == 'A' ? 'B' : 'A') + url[(at + 1)..];

        using var ok = await _server.Http.GetAsync(url);
        using var tamperedAnswer = await _server.Http.GetAsync(tampered);
        _server.Clock.Advance(TimeSpan.FromMinutes(10));
        using var expiredAnswer = await _server.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(TestMedia.Bytes(TestMedia.Png), await ok.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Forbidden, tamperedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, expiredAnswer.StatusCode);
    }

    [Theory]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Facebook)]
    public async Task Publish_SignedUrlAlreadyExpired_ThePlatformsFetchIsRefusedAndTheTargetFails(Platform platform)
    {
        await using var server = await StartServerAsync(lifetime: TimeSpan.Zero);
        await using var client = await server.ConnectAsync();
        var uploaded = await ToolCalls.CallOkAsync(client, "upload_media", $$"""{"data": "{{TestMedia.Base64(TestMedia.Jpeg)}}"}""");
        var created = await ToolCalls.CallOkAsync(client, "create_post", $$"""
            {"content": {"text": "Expired link", "media": [{"mediaId": "{{uploaded.GetProperty("id").GetString()}}"}]}, "platforms": ["{{platform.ToWireName()}}"]}
            """);

        var published = await ToolCalls.CallOkAsync(client, "publish_post", $$"""{"postId": "{{created.GetProperty("id").GetString()}}"}""");

        var target = Assert.Single(published.GetProperty("targets").EnumerateArray());
        Assert.Equal("failed", target.GetProperty("status").GetString());
        var emulator = ((EmulatedSandbox)server.Services.GetRequiredService<ISandboxApi>()).Started!;
        Assert.DoesNotContain(emulator.State.ReceivedMedia, m => m.Platform == platform);
    }
}
