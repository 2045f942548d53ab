using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Validation;

namespace SocialMcp.Tests.Validation;

public sealed class MediaCountRuleTests : IDisposable
{
    private readonly RuleHarness _rules = new();

    public void Dispose() => _rules.Dispose();

    /// <summary>With the settings tiktok and youtube need whatever the media, so that only the media decide.</summary>
    private static PostContent Post(Platform platform, params MediaItem[] media) => platform switch
    {
        Platform.TikTok => Make.Text("Hello", media).Override(Platform.TikTok, settings: """{"privacyLevel": "SELF_ONLY"}"""),
        Platform.YouTube => Make.Text("Hello", media).Override(Platform.YouTube, settings: """{"title": "A video"}"""),
        _ => Make.Text("Hello", media),
    };

    private IReadOnlyList<Problem> MediaProblems(Platform platform, params MediaItem[] media) =>
        _rules.Validate(Post(platform, media), [platform]).AllProblems();

    private void AssertAccepted(Platform platform, params MediaItem[] media) =>
        Assert.Empty(MediaProblems(platform, media));

    private Problem AssertRejected(Platform platform, params MediaItem[] media)
    {
        var problem = MediaProblems(platform, media).Single(ErrorCodes.UnsupportedMediaConfig, platform);
        Assert.Equal("$.content.media", problem.Path);
        Assert.Contains(platform.ToWireName(), problem.Message);
        return problem;
    }

    [Fact]
    public void X_FourImages_Pass_FiveFail()
    {
        AssertAccepted(Platform.X, Make.Images(4));
        Assert.Contains("at most 4 images", AssertRejected(Platform.X, Make.Images(5)).Message);
    }

    [Fact]
    public void X_OneGif_Passes_GifWithAnImageOrAnotherGif_Fails()
    {
        AssertAccepted(Platform.X, Make.Gif());
        Assert.Contains("GIF only on its own", AssertRejected(Platform.X, Make.Gif(), Make.Image()).Message);
        AssertRejected(Platform.X, Make.Gif(), Make.Gif());
    }

    [Fact]
    public void X_GifByUrlWithoutMimeType_IsAGif() =>
        AssertRejected(Platform.X, Make.Image(mimeType: null, url: "https://example.com/fun.GIF?x=1"), Make.Image());

    [Fact]
    public void X_OneVideo_Passes_TwoFail()
    {
        AssertAccepted(Platform.X, Make.Video());
        AssertRejected(Platform.X, Make.Videos(2));
    }

    [Fact]
    public void X_ImageAndVideo_IsOnlyMixedMediaNotSupported()
    {
        var problems = MediaProblems(Platform.X, Make.Image(), Make.Video());

        var problem = Assert.Single(problems);
        Assert.Equal((ErrorCodes.MixedMediaNotSupported, "$.content.media"), (problem.Code, problem.Path));
    }

    [Fact]
    public void YouTube_ExactlyOneVideo_Passes()
    {
        AssertAccepted(Platform.YouTube, Make.Video());
        Assert.Contains("at least 1 video", AssertRejected(Platform.YouTube).Message);
        Assert.Contains("at most 1 video", AssertRejected(Platform.YouTube, Make.Videos(2)).Message);
    }

    [Fact]
    public void YouTube_ImageOnly_IsRejectedForTheImageAndTheMissingVideo()
    {
        var problems = MediaProblems(Platform.YouTube, Make.Image());

        Assert.Equal(2, problems.Count(p => p.Code == ErrorCodes.UnsupportedMediaConfig));
        Assert.Contains(problems, p => p.Message.Contains("does not take images"));
    }

    [Fact]
    public void TikTok_OneVideoOr1To35Photos_Pass()
    {
        AssertAccepted(Platform.TikTok, Make.Video());
        AssertAccepted(Platform.TikTok, Make.Image());
        AssertAccepted(Platform.TikTok, Make.Images(35));
    }

    [Fact]
    public void TikTok_NoMedia_36Photos_TwoVideos_Fail()
    {
        AssertRejected(Platform.TikTok);
        Assert.Contains("at most 35 images", AssertRejected(Platform.TikTok, Make.Images(36)).Message);
        AssertRejected(Platform.TikTok, Make.Videos(2));
    }

    [Fact]
    public void TikTok_PhotosAndVideo_IsMixedMediaNotSupported() =>
        MediaProblems(Platform.TikTok, Make.Image(), Make.Video()).Single(ErrorCodes.MixedMediaNotSupported, Platform.TikTok);

    [Fact]
    public void Threads_CarouselOf20Mixed_Passes_21Fails()
    {
        AssertAccepted(Platform.Threads);
        AssertAccepted(Platform.Threads, [.. Make.Images(10), .. Make.Videos(10)]);
        Assert.Contains("at most 20 media items", AssertRejected(Platform.Threads, Make.Images(21)).Message);
    }

    [Fact]
    public void LinkedIn_OneImage_20Images_OneVideo_Pass()
    {
        AssertAccepted(Platform.LinkedIn, Make.Image());
        AssertAccepted(Platform.LinkedIn, Make.Images(20));
        AssertAccepted(Platform.LinkedIn, Make.Video());
    }

    [Fact]
    public void LinkedIn_21Images_TwoVideos_ImageWithVideo_Fail()
    {
        AssertRejected(Platform.LinkedIn, Make.Images(21));
        AssertRejected(Platform.LinkedIn, Make.Videos(2));
        MediaProblems(Platform.LinkedIn, Make.Image(), Make.Video()).Single(ErrorCodes.MixedMediaNotSupported, Platform.LinkedIn);
    }

    [Fact]
    public void Amazon_ExactlyOneImage_Passes()
    {
        AssertAccepted(Platform.Amazon, Make.Image());
        AssertRejected(Platform.Amazon);
        AssertRejected(Platform.Amazon, Make.Images(2));
    }

    [Fact]
    public void Instagram_WithoutPlacement_1To10Items()
    {
        AssertAccepted(Platform.Instagram, Make.Image());
        AssertAccepted(Platform.Instagram, [.. Make.Images(5), .. Make.Videos(5)]);
        AssertRejected(Platform.Instagram);
        AssertRejected(Platform.Instagram, Make.Images(11));
    }

    [Fact]
    public void Facebook_TextOnlyAndManyPhotos_Pass_TwoVideos_Fail()
    {
        AssertAccepted(Platform.Facebook);
        AssertAccepted(Platform.Facebook, Make.Images(12));
        AssertRejected(Platform.Facebook, Make.Videos(2));
    }

    [Fact]
    public void Counts_AreConfigurable()
    {
        using var rules = new RuleHarness(new Dictionary<string, string?>
        {
            ["ContentRules:Media:x:MaxImages"] = "2",
            ["ContentRules:Media:youtube:AllowMixed"] = "true",
            ["ContentRules:Media:youtube:MaxImages"] = "",
        });

        rules.Problems(Make.Text("x", Make.Images(3)), Platform.X).Single(ErrorCodes.UnsupportedMediaConfig, Platform.X);
        Assert.Empty(rules.Validate(Post(Platform.YouTube, Make.Video(), Make.Image()), [Platform.YouTube]).AllProblems());
    }
}
