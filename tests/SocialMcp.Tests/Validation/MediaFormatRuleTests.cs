using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Tests.Validation;

public sealed class MediaFormatRuleTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly RuleHarness _rules = new();

    public void Dispose() => _rules.Dispose();

    [Theory]
    [InlineData(Platform.X, "image/webp")]
    [InlineData(Platform.Threads, "image/png")]
    [InlineData(Platform.LinkedIn, "image/gif")]
    [InlineData(Platform.Instagram, "image/jpeg")]
    [InlineData(Platform.Instagram, "IMAGE/JPEG")]
    public void ImageMimeType_Allowed_Passes(Platform platform, string mime) =>
        Assert.Empty(_rules.Problems(Make.Text("x", Make.Image(mime)), platform));

    [Theory]
    [InlineData(Platform.Instagram, "image/png")]
    [InlineData(Platform.Threads, "image/webp")]
    [InlineData(Platform.X, "image/heic")]
    public void ImageMimeType_NotAllowed_IsUnsupportedMediaType(Platform platform, string mime)
    {
        var problem = _rules.Problems(Make.Text("x", Make.Image(mime)), platform).Single(ErrorCodes.UnsupportedMediaType, platform);

        Assert.Equal("$.content.media[0].mimeType", problem.Path);
        Assert.Contains(mime, problem.Message);
    }

    [Fact]
    public void VideoMimeType_NotAllowed_IsUnsupportedMediaType() =>
        _rules.Problems(Make.Text("x", Make.Video(mimeType: "video/x-matroska")), Platform.X).Single(ErrorCodes.UnsupportedMediaType, Platform.X);

    [Fact]
    public void MimeTypeNotFittingTheType_IsReportedOnceByTheGenericRule()
    {
        var problem = Assert.Single(_rules.Problems(Make.Text("x", Make.Image("video/mp4")), Platform.X));

        Assert.Equal((ErrorCodes.UnsupportedMediaType, null), (problem.Code, problem.Platform));
    }

    [Fact]
    public void Facts_NotGiven_AreNotChecked() =>
        Assert.Empty(_rules.Problems(Make.Text("x", Make.Image(mimeType: null), Make.Image(mimeType: null)), Platform.Instagram));

    [Fact]
    public void ImageSize_AtLimitPasses_OneByteMoreFails()
    {
        Assert.Empty(_rules.Problems(Make.Text("x", Make.Image(sizeBytes: 5 * MiB)), Platform.X));

        var problem = _rules.Problems(Make.Text("x", Make.Image(sizeBytes: 5 * MiB + 1)), Platform.X).Single(ErrorCodes.UnsupportedMediaConfig, Platform.X);
        Assert.Equal("$.content.media[0].sizeBytes", problem.Path);
        Assert.Contains("5 MiB", problem.Message);
    }

    [Fact]
    public void GifSize_HasItsOwnLimitOnX()
    {
        Assert.Empty(_rules.Problems(Make.Text("x", Make.Gif(sizeBytes: 15 * MiB)), Platform.X));
        _rules.Problems(Make.Text("x", Make.Gif(sizeBytes: 15 * MiB + 1)), Platform.X).Single(ErrorCodes.UnsupportedMediaConfig, Platform.X);
    }

    [Fact]
    public void InstagramImage_8MiB_Passes_MoreFails()
    {
        Assert.Empty(_rules.Problems(Make.Text("x", Make.Image(sizeBytes: 8 * MiB)), Platform.Instagram));
        _rules.Problems(Make.Text("x", Make.Image(sizeBytes: 8 * MiB + 1)), Platform.Instagram).Single(ErrorCodes.UnsupportedMediaConfig, Platform.Instagram);
    }

    [Fact]
    public void VideoSize_OverLinkedInLimit_Fails()
    {
        Assert.Empty(_rules.Problems(Make.Text("x", Make.Video(sizeBytes: 500 * MiB)), Platform.LinkedIn));
        _rules.Problems(Make.Text("x", Make.Video(sizeBytes: 500 * MiB + 1)), Platform.LinkedIn).Single(ErrorCodes.UnsupportedMediaConfig, Platform.LinkedIn);
    }

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(0.4, false)]
    [InlineData(1200, true)]
    [InlineData(1200.5, false)]
    public void XVideoDuration_Boundaries(double seconds, bool ok)
    {
        var problems = _rules.Problems(Make.Text("x", Make.Video(seconds)), Platform.X);

        if (ok)
        {
            Assert.Empty(problems);
        }
        else
        {
            var problem = problems.Single(ErrorCodes.UnsupportedMediaConfig, Platform.X);
            Assert.Equal("$.content.media[0].durationSeconds", problem.Path);
        }
    }

    [Theory]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public void ThreadsVideoDuration_FiveMinutes(double seconds, bool ok) =>
        Assert.Equal(ok, _rules.Validate(Make.Text("x", Make.Video(seconds)), [Platform.Threads]).Ok);

    [Fact]
    public void AllowList_ConfiguredValueReplacesTheDefault()
    {
        using var rules = new RuleHarness(new Dictionary<string, string?> { ["ContentRules:Media:instagram:ImageMimeTypes"] = "image/png, image/heic" });

        Assert.Empty(rules.Problems(Make.Text("x", Make.Image("image/png")), Platform.Instagram));
        rules.Problems(Make.Text("x", Make.Image("image/jpeg")), Platform.Instagram).Single(ErrorCodes.UnsupportedMediaType, Platform.Instagram);
    }
}
