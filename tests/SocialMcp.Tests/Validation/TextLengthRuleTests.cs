using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Tests.Validation;

public sealed class TextLengthRuleTests : IDisposable
{
    private readonly RuleHarness _rules = new();

    public void Dispose() => _rules.Dispose();

    [Theory]
    [InlineData("😀", 4)]
    [InlineData("👍🏽", 8)] // thumbs up + skin tone
    [InlineData("❤️", 6)] // heart + VS16
    [InlineData("🇯🇵", 8)] // a flag is two regional indicators
    [InlineData("👨‍👩‍👧‍👦", 25)] // four people and three ZWJ
    [InlineData("a😀b", 6)]
    [InlineData("日本", 2)] // CJK is not emoji: 1 each
    public void ThreadsCounter_Emoji_CountTheirUtf8Bytes(string text, int expected) =>
        Assert.Equal(expected, ThreadsCounter.Instance.Count(text));

    [Fact]
    public void Threads_500Ascii_Passes_501Fails()
    {
        Assert.True(_rules.Validate(Make.Text(new string('a', 500)), [Platform.Threads]).Ok);

        var problem = _rules.Problems(Make.Text(new string('a', 501)), Platform.Threads).Single(ErrorCodes.ContentTooLong, Platform.Threads);
        Assert.Contains("501", problem.Message);
        Assert.Contains("500", problem.Message);
    }

    [Fact]
    public void Threads_496LettersAndAnEmoji_Is500AndPasses_497Fails()
    {
        var fits = _rules.Validate(Make.Text(new string('a', 496) + "😀"), [Platform.Threads]);
        Assert.True(fits.Ok);
        Assert.Equal(500, fits.Platforms.Single().TextLength);

        var over = _rules.Validate(Make.Text(new string('a', 497) + "😀"), [Platform.Threads]);
        Assert.Equal(501, over.Platforms.Single().TextLength);
        over.AllProblems().Single(ErrorCodes.ContentTooLong, Platform.Threads);
    }

    [Theory]
    [InlineData(Platform.Instagram, 2200)]
    [InlineData(Platform.LinkedIn, 3000)]
    [InlineData(Platform.Facebook, 63206)]
    [InlineData(Platform.Amazon, 2200)]
    public void PlainLimit_AtLimitPasses_OneMoreFails(Platform platform, int limit)
    {
        var media = platform is Platform.Instagram or Platform.Amazon ? new[] { Make.Image() } : [];

        Assert.DoesNotContain(_rules.Problems(Make.Text(new string('a', limit), media), platform), p => p.Code == ErrorCodes.ContentTooLong);
        var problem = _rules.Problems(Make.Text(new string('a', limit + 1), media), platform).Single(ErrorCodes.ContentTooLong, platform);
        Assert.Contains($"{limit + 1}", problem.Message);
        Assert.Contains($"{limit}", problem.Message);
    }

    [Fact]
    public void LinkedIn_CountsEmojiAsTwoUtf16Units_AndCountsReservedCharactersAsWritten()
    {
        // 2998 letters + one emoji (2 code units) = 3000: fits; the escaping LinkedIn needs is not counted.
        var fits = _rules.Validate(Make.Text(new string('#', 2998) + "😀"), [Platform.LinkedIn]);
        Assert.True(fits.Ok);
        Assert.Equal(3000, fits.Platforms.Single().TextLength);

        _rules.Problems(Make.Text(new string('a', 2999) + "😀"), Platform.LinkedIn).Single(ErrorCodes.ContentTooLong, Platform.LinkedIn);
    }

    [Fact]
    public void TikTok_VideoCaption_Limit2200()
    {
        var settings = """{"privacyLevel": "SELF_ONLY"}""";
        Assert.True(_rules.Validate(Make.Text(new string('a', 2200), Make.Video()).Override(Platform.TikTok, settings: settings), [Platform.TikTok]).Ok);
        _rules.Problems(Make.Text(new string('a', 2201), Make.Video()).Override(Platform.TikTok, settings: settings), Platform.TikTok)
            .Single(ErrorCodes.ContentTooLong, Platform.TikTok);
    }

    [Fact]
    public void TikTok_PhotoPostDescription_Limit4000()
    {
        var settings = """{"privacyLevel": "SELF_ONLY"}""";
        var fits = _rules.Validate(Make.Text(new string('a', 4000), Make.Image()).Override(Platform.TikTok, settings: settings), [Platform.TikTok]);
        Assert.True(fits.Ok);
        Assert.Equal(4000, fits.Platforms.Single().MaxTextLength);

        _rules.Problems(Make.Text(new string('a', 4001), Make.Image()).Override(Platform.TikTok, settings: settings), Platform.TikTok)
            .Single(ErrorCodes.ContentTooLong, Platform.TikTok);
    }

    [Fact]
    public void Override_TextReplacesTextForThatPlatformOnly_AndPathNamesIt()
    {
        var content = Make.Text("short").Override(Platform.X, text: new string('a', 281));

        var report = _rules.Validate(content, [Platform.X, Platform.Threads]);

        var problem = report.AllProblems().Single(ErrorCodes.ContentTooLong, Platform.X);
        Assert.Equal("$.content.platformOverrides.x.text", problem.Path);
        Assert.Equal(5, report.Platforms.Single(v => v.Platform == Platform.Threads).TextLength);
    }

    [Fact]
    public void Validate_ReportsEachPlatformsOwnCount()
    {
        var text = "日本 😀 https://example.com/" + new string('p', 60);

        var report = _rules.Validate(Make.Text(text, Make.Image()), [Platform.X, Platform.Threads, Platform.LinkedIn, Platform.Instagram]);

        var lengths = report.Platforms.ToDictionary(v => v.Platform, v => (v.TextLength, v.MaxTextLength));
        Assert.Equal((4 + 1 + 2 + 1 + 23, 280), lengths[Platform.X]);
        Assert.Equal((2 + 1 + 4 + 1 + 80, 500), lengths[Platform.Threads]);
        Assert.Equal((text.Length, 3000), lengths[Platform.LinkedIn]);
        Assert.Equal((text.Length, 2200), lengths[Platform.Instagram]);
    }

    [Fact]
    public void Validate_ConfiguredLimitAndCounting_AreUsed()
    {
        using var rules = new RuleHarness(new Dictionary<string, string?>
        {
            ["ContentRules:MaxTextLength:linkedin"] = "10",
            ["ContentRules:TextCounting:linkedin"] = "CodePoints",
        });

        var report = rules.Validate(Make.Text("123456789😀"), [Platform.LinkedIn]);

        Assert.True(report.Ok);
        Assert.Equal((10, 10), (report.Platforms.Single().TextLength, report.Platforms.Single().MaxTextLength));
    }
}
