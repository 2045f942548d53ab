using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Tests.Validation;

public sealed class XWeightedCounterTests
{
    private static readonly XWeightedCounter Counter = new(new XTextOptions());

    /// <summary>A URL of exactly 100 characters.</summary>
    private static readonly string LongUrl = "https://example.com/" + new string('a', 80);

    [Theory]
    [InlineData("hello", 5)]
    [InlineData("你好", 4)]
    [InlineData("Read https://example.com/a/very/long/path", 28)]
    [InlineData("Hi http://test.co", 26)]
    [InlineData("http://test.co", 23)]
    [InlineData("Ελληνικά русский עברית", 22)] // Greek, Cyrillic, Hebrew: all below U+10FF
    [InlineData("\u2014\u201C\u201D\u2032", 4)] // em dash, curly quotes, prime: the weight-1 punctuation ranges
    [InlineData("\u2026", 2)] // ellipsis: General Punctuation but outside the ranges
    [InlineData("한국어", 6)]
    [InlineData("ÁB", 2)]
    [InlineData("A\u0301B", 2)] // NFC turns A + combining acute into Á
    public void Count_Text_IsTwitterTextWeightedLength(string text, int expected) =>
        Assert.Equal(expected, Counter.Count(text));

    [Theory]
    [InlineData("😷👾😡🔥💩", 10)] // single-code-point emoji weigh 2 each
    [InlineData("H🐱☺👨‍👩‍👧‍👦", 7)] // a ZWJ family is one emoji: 2
    [InlineData("🙋🏽👨‍🎤", 4)] // skin tone and ZWJ sequences: 2 each
    [InlineData("🇯🇵🇺🇸", 4)] // flags: 2 each
    [InlineData("1️⃣", 2)] // keycap
    [InlineData("❤️", 2)] // emoji presentation selector
    [InlineData("©", 1)] // a bare © is text below U+10FF
    public void Count_Emoji_WeighTwoPerSequence(string text, int expected) =>
        Assert.Equal(expected, Counter.Count(text));

    [Fact]
    public void Count_WithoutEmojiParsing_SumsCodePoints() =>
        Assert.Equal(13 + 3, new XWeightedCounter(new XTextOptions { EmojiParsing = false }).Count("H🐱☺👨‍👩‍👧‍👦"));

    [Fact]
    public void Count_256LettersSpaceAndHundredCharacterUrl_Is280()
    {
        Assert.Equal(100, LongUrl.Length);
        Assert.Equal(280, Counter.Count(new string('a', 256) + " " + LongUrl));
        Assert.Equal(281, Counter.Count(new string('a', 257) + " " + LongUrl));
    }

    [Fact]
    public void Count_140CjkCharacters_Is280_141Is282()
    {
        Assert.Equal(280, Counter.Count(new string('你', 140)));
        Assert.Equal(282, Counter.Count(new string('你', 141)));
    }

    [Fact]
    public void Count_LoneSurrogate_CountsItAsOneHeavyCharacter() =>
        Assert.Equal(4, Counter.Count("a\uD800b"));

    [Fact]
    public void Count_TenUrls_Each23() =>
        Assert.Equal(240, Counter.Count(string.Concat(Enumerable.Repeat("https://www.twitter.com/aloha ", 10))));

    [Fact]
    public void TextLengthRule_256LettersSpaceAndUrl_PassesOnX()
    {
        using var rules = new RuleHarness();

        var report = rules.Validate(Make.Text(new string('a', 256) + " " + LongUrl), [Platform.X]);

        Assert.True(report.Ok);
        Assert.Equal(280, report.Platforms.Single().TextLength);
    }

    [Fact]
    public void TextLengthRule_OneMoreLetter_IsContentTooLongWithCountAndLimit()
    {
        using var rules = new RuleHarness();

        var problem = rules.Problems(Make.Text(new string('a', 257) + " " + LongUrl), Platform.X).Single(ErrorCodes.ContentTooLong, Platform.X);

        Assert.Equal("$.content.text", problem.Path);
        Assert.Contains("281", problem.Message);
        Assert.Contains("280", problem.Message);
        Assert.Contains("x", problem.Message);
    }

    [Fact]
    public void TextLengthRule_140Cjk_Passes_141Fails()
    {
        using var rules = new RuleHarness();

        Assert.True(rules.Validate(Make.Text(new string('漢', 140)), [Platform.X]).Ok);
        var problem = rules.Problems(Make.Text(new string('漢', 141)), Platform.X).Single(ErrorCodes.ContentTooLong, Platform.X);
        Assert.Contains("282", problem.Message);
    }

    [Fact]
    public void TextLengthRule_ConfiguredUrlLength_IsUsed()
    {
        using var rules = new RuleHarness(new Dictionary<string, string?> { ["ContentRules:X:TransformedUrlLength"] = "30" });

        var report = rules.Validate(Make.Text("see https://example.com"), [Platform.X]);

        Assert.Equal(34, report.Platforms.Single().TextLength);
    }
}
