using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Tests.Media;

/// <summary>The probe on real files (made with ffmpeg, see TestMedia): the type from the bytes, never from the name or a claim.</summary>
public sealed class MediaProberTests
{
    private static readonly MediaProber Prober = new();

    private static async Task<MediaProbe> ProbeAsync(string name, string? claimed = null)
    {
        await using var file = File.OpenRead(TestMedia.PathOf(name));
        return await Prober.ProbeAsync(file, claimed, "$.data", CancellationToken.None);
    }

    [Theory]
    [InlineData(TestMedia.Png, "image/png", 64, 48)]
    [InlineData(TestMedia.Jpeg, "image/jpeg", 80, 60)]
    [InlineData(TestMedia.WebP, "image/webp", 40, 30)]
    [InlineData(TestMedia.Gif, "image/gif", 32, 24)]
    public async Task Image_TypeAndDimensionsComeFromTheFile(string name, string mime, int width, int height)
    {
        var probe = await ProbeAsync(name);

        Assert.Equal(new MediaProbe(mime, MediaTypes.Image, width, height), probe);
    }

    [Theory]
    [InlineData(TestMedia.VerticalMp4, "video/mp4", 72, 128, 4.0, 30.0)]
    [InlineData(TestMedia.HorizontalMp4, "video/mp4", 128, 72, 4.0, 25.0)]
    [InlineData(TestMedia.ShortVerticalMp4, "video/mp4", 72, 128, 2.0, 30.0)]
    [InlineData(TestMedia.Mov, "video/quicktime", 96, 64, 3.0, 24.0)]
    public async Task Video_TypeDimensionsDurationCodecAndFrameRateComeFromTheFile(
        string name, string mime, int width, int height, double seconds, double frameRate)
    {
        var probe = await ProbeAsync(name);

        Assert.Equal(mime, probe.MimeType);
        Assert.Equal(MediaTypes.Video, probe.Kind);
        Assert.Equal((width, height), (probe.Width, probe.Height));
        Assert.Equal(seconds, probe.DurationSeconds!.Value, precision: 1);
        Assert.Equal("avc1", probe.VideoCodec);
        Assert.Equal(frameRate, probe.FrameRate!.Value, precision: 2);
    }

    [Fact]
    public async Task MislabelledFile_IsWhatItsBytesSay()
    {
        var probe = await ProbeAsync(TestMedia.MislabelledPng);

        Assert.Equal("image/png", probe.MimeType);
    }

    [Fact]
    public async Task ClaimThatContradictsTheBytes_IsMediaTypeMismatchAtThePath()
    {
        var error = await Assert.ThrowsAsync<DomainValidationException>(() => ProbeAsync(TestMedia.MislabelledPng, "image/jpeg"));

        Assert.Equal(ErrorCodes.MediaTypeMismatch, error.Problem.Code);
        Assert.Equal("$.data", error.Problem.Path);
        Assert.Contains("image/png", error.Problem.Message);
    }

    [Theory]
    [InlineData(TestMedia.Jpeg, "image/jpg")]
    [InlineData(TestMedia.Jpeg, "IMAGE/JPEG")]
    [InlineData(TestMedia.Mov, "video/quicktime")]
    public async Task ClaimThatAgrees_IsAccepted(string name, string claimed)
    {
        var probe = await ProbeAsync(name, claimed);

        Assert.NotNull(probe.Width);
    }

    [Theory]
    [InlineData("not media at all, just text")]
    [InlineData("%PDF-1.7 a document")]
    [InlineData("")]
    public async Task BytesOfNoSupportedType_AreUnsupportedMediaType(string content)
    {
        await using var file = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(content));

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => Prober.ProbeAsync(file, null, "$.file", CancellationToken.None));

        Assert.Equal(ErrorCodes.UnsupportedMediaType, error.Problem.Code);
        Assert.Equal("$.file", error.Problem.Path);
    }

    [Fact]
    public async Task TruncatedVideo_IsUnsupportedNotACrash()
    {
        var bytes = TestMedia.Bytes(TestMedia.VerticalMp4);
        await using var file = new MemoryStream(bytes[..200]);

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => Prober.ProbeAsync(file, null, "$.data", CancellationToken.None));

        Assert.Equal(ErrorCodes.UnsupportedMediaType, error.Problem.Code);
    }

    [Fact]
    public async Task HeifImage_SharesTheContainerButIsNotAVideo()
    {
        byte[] heic = [0, 0, 0, 24, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8];
        await using var file = new MemoryStream(heic);

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => Prober.ProbeAsync(file, null, "$.data", CancellationToken.None));

        Assert.Equal(ErrorCodes.UnsupportedMediaType, error.Problem.Code);
    }
}
