using System.Net;
using System.Net.Sockets;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Media;

/// <summary>The adapters that take bytes download through the fetch guard: a refused URL is a clear refusal, not PLATFORM_ERROR.</summary>
public sealed class AdapterDownloadGuardTests
{
    [Theory]
    [InlineData(Platform.X)]
    [InlineData(Platform.LinkedIn)]
    public async Task MediaOnARefusedLoopbackPort_IsRefusedWithoutAConnection(Platform platform)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            await using var harness = await AdapterHarness.StartAsync(platform);
            // 127.0.0.1 is allow-listed for the emulator; 127.0.0.2 (also loopback) is not.
            var url = $"http://127.0.0.2:{((IPEndPoint)listener.LocalEndpoint).Port}/admin.png";
            var outcome = await harness.Adapter.PublishAsync(
                AdapterHarness.Request(harness.Account(), "Hi", [new MediaItem(url, MediaTypes.Image, "image/png")]), CancellationToken.None);

            Assert.Equal(ErrorCodes.MediaUrlForbidden, outcome.ErrorCode);
            Assert.Contains("rule: address", outcome.ErrorMessage);
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task MediaOverTheSizeCap_FailsBeforeAnyUpload()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X,
            settings: new Dictionary<string, string?> { ["Media:MaxUploadBytes"] = "1024", ["Media:MaxInlineBytes"] = "1024" });
        var url = new Uri(harness.Emulator.BaseUrlOf(Platform.X), "test-media/big.png?bytes=4096").AbsoluteUri;

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "Big", [new MediaItem(url, MediaTypes.Image, "image/png")]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaFetchFailed, outcome.ErrorCode);
        Assert.Contains("rule: size", outcome.ErrorMessage);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.X, "media.initialize"));
    }
}
