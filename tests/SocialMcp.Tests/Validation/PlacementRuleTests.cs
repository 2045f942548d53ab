using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Tests.Validation;

public sealed class PlacementRuleTests : IDisposable
{
    private readonly RuleHarness _rules = new();

    public void Dispose() => _rules.Dispose();

    private IReadOnlyList<Problem> Place(Platform platform, string placement, params MediaItem[] media) =>
        _rules.Problems(Make.Text("x", media).Override(platform, settings: $$"""{"placement": "{{placement}}"}"""), platform);

    private void AssertFits(Platform platform, string placement, params MediaItem[] media) =>
        Assert.Empty(Place(platform, placement, media));

    private Problem AssertInvalid(Platform platform, string placement, params MediaItem[] media)
    {
        var problem = Place(platform, placement, media).Single(ErrorCodes.InvalidPlacement, platform);
        Assert.Equal($"$.content.platformOverrides.{platform.ToWireName()}.settings.placement", problem.Path);
        return problem;
    }

    [Theory]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Facebook)]
    public void Carousel_2To10Items_Fit(Platform platform)
    {
        AssertFits(platform, "carousel", Make.Images(2));
        AssertFits(platform, "carousel", Make.Images(10));
        Assert.Contains("2 to 10", AssertInvalid(platform, "carousel", Make.Image()).Message);
        AssertInvalid(platform, "carousel", Make.Images(11));
    }

    [Fact]
    public void InstagramCarousel_MixesImagesAndVideos() =>
        AssertFits(Platform.Instagram, "carousel", Make.Image(), Make.Video(10));

    [Theory]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Facebook)]
    public void Reel_ExactlyOneVideo(Platform platform)
    {
        AssertFits(platform, "reel", Make.Video());
        AssertInvalid(platform, "reel", Make.Image());
        AssertInvalid(platform, "reel", Make.Videos(2));
        AssertInvalid(platform, "reel");
    }

    [Theory]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Facebook)]
    public void Feed_ExactlyOneImage(Platform platform)
    {
        AssertFits(platform, "feed", Make.Image());
        AssertInvalid(platform, "feed", Make.Video());
        AssertInvalid(platform, "feed", Make.Images(2));
    }

    [Theory]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Facebook)]
    public void Story_OneImageOrOneVideo(Platform platform)
    {
        AssertFits(platform, "story", Make.Image());
        AssertFits(platform, "story", Make.Video(30));
        AssertInvalid(platform, "story", Make.Image(), Make.Image());
        AssertInvalid(platform, "story");
    }

    [Fact]
    public void FacebookReel_MustBeVerticalWhenSizeIsGiven()
    {
        AssertFits(Platform.Facebook, "reel", Make.Video(30, width: 1080, height: 1920));
        Assert.Contains("vertical", AssertInvalid(Platform.Facebook, "reel", Make.Video(30, width: 1920, height: 1080)).Message);
        AssertInvalid(Platform.Facebook, "reel", Make.Video(30, width: 1080, height: 1080));
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(90, true)]
    [InlineData(2.9, false)]
    [InlineData(90.1, false)]
    public void FacebookReel_Lasts3To90Seconds(double seconds, bool fits)
    {
        var problems = Place(Platform.Facebook, "reel", Make.Video(seconds, width: 1080, height: 1920));

        Assert.Equal(fits, !problems.Any(p => p.Code == ErrorCodes.InvalidPlacement));
    }

    /// <summary>Vertical since issue 13 (library media always carry their real size); no 90 s cap: Instagram takes reels up to 15 min.</summary>
    [Fact]
    public void InstagramReel_MustBeVertical_ButHasNo90SecondCap()
    {
        AssertFits(Platform.Instagram, "reel", Make.Video(120, width: 1080, height: 1920));
        AssertInvalid(Platform.Instagram, "reel", Make.Video(120, width: 1920, height: 1080));
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(61, false)]
    public void FacebookStoryVideo_AtMost60Seconds(double seconds, bool fits) =>
        Assert.Equal(fits, Place(Platform.Facebook, "story", Make.Video(seconds)).Count == 0);

    [Fact]
    public void Placement_WithItsMedia_SkipsThePlatformCountRule()
    {
        var problems = Place(Platform.Instagram, "carousel", Make.Images(11));

        Assert.Equal(ErrorCodes.InvalidPlacement, Assert.Single(problems).Code);
    }

    [Fact]
    public void Placement_OnPlatformWithoutPlacements_IsInvalidPlacement() =>
        AssertInvalid(Platform.X, "feed", Make.Image());

    [Fact]
    public void Placement_UnknownValue_IsInvalidPlacement() =>
        Assert.Contains("must be one of", AssertInvalid(Platform.Instagram, "grid", Make.Image()).Message);

    [Fact]
    public void CarouselBounds_AreConfigurable()
    {
        using var rules = new RuleHarness(new Dictionary<string, string?> { ["ContentRules:Placements:CarouselMaxItems"] = "3" });

        var problems = rules.Problems(Make.Text("x", Make.Images(4)).Override(Platform.Instagram, settings: """{"placement": "carousel"}"""), Platform.Instagram);

        problems.Single(ErrorCodes.InvalidPlacement, Platform.Instagram);
    }
}
