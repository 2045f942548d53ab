using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Validation;

namespace SocialMcp.Tests.Validation;

public sealed class SettingsRulesTests : IDisposable
{
    private readonly RuleHarness _rules = new();

    public void Dispose() => _rules.Dispose();

    private static string SettingPath(Platform platform, string name) => $"$.content.platformOverrides.{platform.ToWireName()}.settings.{name}";

    // TikTok

    private IReadOnlyList<Problem> TikTok(string settings, string? metadata = null, params MediaItem[] media) =>
        _rules.Validate(Make.Text("x", media.Length == 0 ? [Make.Video()] : media).Override(Platform.TikTok, settings: settings), [Platform.TikTok],
            metadata: metadata is null ? null : new Dictionary<Platform, string> { [Platform.TikTok] = metadata }).AllProblems();

    [Fact]
    public void TikTok_WithoutPrivacyLevel_IsValidationFailedAtPrivacyLevel()
    {
        var problem = TikTok("{}").Single(ErrorCodes.ValidationFailed, Platform.TikTok);

        Assert.Equal(SettingPath(Platform.TikTok, "privacyLevel"), problem.Path);
    }

    [Fact]
    public void TikTok_PrivacyLevelWithoutMetadataList_AnyLevelPasses() =>
        Assert.Empty(TikTok("""{"privacyLevel": "PUBLIC_TO_EVERYONE", "disableDuet": true, "brandContentToggle": false}"""));

    [Fact]
    public void TikTok_PrivacyLevelOfferedByTheCreator_Passes() =>
        Assert.Empty(TikTok("""{"privacyLevel": "SELF_ONLY"}""", """{"tiktok": {"privacyLevelOptions": ["FOLLOWER_OF_CREATOR", "SELF_ONLY"]}}"""));

    [Fact]
    public void TikTok_PrivacyLevelNotOffered_IsValidationFailedNamingTheOffered()
    {
        var problem = TikTok("""{"privacyLevel": "PUBLIC_TO_EVERYONE"}""", """{"tiktok": {"privacyLevelOptions": ["FOLLOWER_OF_CREATOR", "SELF_ONLY"]}}""")
            .Single(ErrorCodes.ValidationFailed, Platform.TikTok);

        Assert.Equal(SettingPath(Platform.TikTok, "privacyLevel"), problem.Path);
        Assert.Contains("FOLLOWER_OF_CREATOR, SELF_ONLY", problem.Message);
    }

    [Fact]
    public void TikTok_PrivacyLevelNotRequiredByConfiguration_Passes()
    {
        using var rules = new RuleHarness(new Dictionary<string, string?> { ["ContentRules:TikTok:RequirePrivacyLevel"] = "false" });

        Assert.True(rules.Validate(Make.Text("x", Make.Video()), [Platform.TikTok]).Ok);
    }

    [Theory]
    [InlineData(180, true)]
    [InlineData(181, false)]
    public void TikTok_VideoLongerThanTheCreatorsMaximum_Fails(double seconds, bool ok)
    {
        var problems = TikTok("""{"privacyLevel": "SELF_ONLY"}""", """{"tiktok": {"maxVideoPostDurationSec": 180}}""", Make.Video(seconds));

        Assert.Equal(ok, problems.Count == 0);
        if (!ok)
            Assert.Equal("$.content.media[0].durationSeconds", problems.Single(ErrorCodes.UnsupportedMediaConfig, Platform.TikTok).Path);
    }

    [Theory]
    [InlineData(600, true)]
    [InlineData(601, false)]
    public void TikTok_WithoutCreatorMaximum_UsesTheConfiguredDefault(double seconds, bool ok) =>
        Assert.Equal(ok, TikTok("""{"privacyLevel": "SELF_ONLY"}""", null, Make.Video(seconds)).Count == 0);

    // YouTube

    private IReadOnlyList<Problem> YouTube(string settings, string text = "A description", DateTimeOffset? scheduledFor = null, RulePurpose purpose = RulePurpose.Save) =>
        _rules.Validate(Make.Text(text, Make.Video()).Override(Platform.YouTube, settings: settings), [Platform.YouTube], scheduledFor, purpose).AllProblems();

    [Fact]
    public void YouTube_FullSettings_Pass() =>
        Assert.Empty(YouTube("""
            {"title": "Launch", "tags": ["launch", "new product"], "categoryId": "22", "privacyStatus": "private",
             "publishAt": "2026-11-23T09:00:00Z", "notifySubscribers": false, "selfDeclaredMadeForKids": false, "containsSyntheticMedia": false}
            """));

    [Fact]
    public void YouTube_WithoutTitle_IsValidationFailedAtTitle()
    {
        var problem = _rules.Problems(Make.Text("x", Make.Video()), Platform.YouTube).Single(ErrorCodes.ValidationFailed, Platform.YouTube);

        Assert.Equal(SettingPath(Platform.YouTube, "title"), problem.Path);
    }

    [Fact]
    public void YouTube_Title100Characters_Passes_101IsContentTooLong()
    {
        Assert.Empty(YouTube($$"""{"title": "{{new string('t', 100)}}"}"""));

        var problem = YouTube($$"""{"title": "{{new string('t', 101)}}"}""").Single(ErrorCodes.ContentTooLong, Platform.YouTube);
        Assert.Equal(SettingPath(Platform.YouTube, "title"), problem.Path);
        Assert.Contains("101", problem.Message);
        Assert.Contains("100", problem.Message);
    }

    [Fact]
    public void YouTube_AngleBracketsInTitleOrDescription_AreValidationFailed()
    {
        Assert.Equal(SettingPath(Platform.YouTube, "title"), YouTube("""{"title": "a <b>"}""").Single(ErrorCodes.ValidationFailed, Platform.YouTube).Path);
        Assert.Equal("$.content.text", YouTube("""{"title": "t"}""", text: "1 > 0").Single(ErrorCodes.ValidationFailed, Platform.YouTube).Path);
    }

    [Fact]
    public void YouTube_Description5000BytesOfMultibyteCharacters_Passes_OneByteMoreFails()
    {
        var twoByteCharacters = new string('é', 2500); // 2,500 characters, 5,000 bytes

        var fits = _rules.Validate(Make.Text(twoByteCharacters, Make.Video()).Override(Platform.YouTube, settings: """{"title": "t"}"""), [Platform.YouTube]);
        Assert.True(fits.Ok);
        Assert.Equal((5000, 5000), (fits.Platforms.Single().TextLength, fits.Platforms.Single().MaxTextLength));

        var problem = YouTube("""{"title": "t"}""", text: twoByteCharacters + "a").Single(ErrorCodes.ContentTooLong, Platform.YouTube);
        Assert.Equal("$.content.text", problem.Path);
        Assert.Contains("5001 UTF-8 bytes", problem.Message);
    }

    [Fact]
    public void YouTube_DescriptionSetting_ReplacesTheTextAndIsCheckedAtItsPath()
    {
        var threeByteCharacters = new string('€', 1667); // 5,001 bytes

        var problem = YouTube($$"""{"title": "t", "description": "{{threeByteCharacters}}"}""", text: "short").Single(ErrorCodes.ContentTooLong, Platform.YouTube);

        Assert.Equal(SettingPath(Platform.YouTube, "description"), problem.Path);
    }

    [Fact]
    public void YouTube_Tags500Characters_Pass_501Fail()
    {
        // One tag of 498 characters with a space counts 500 with its quotes.
        var tag = new string('a', 249) + " " + new string('b', 248);
        Assert.Empty(YouTube($$"""{"title": "t", "tags": ["{{tag}}"]}"""));

        var problem = YouTube($$"""{"title": "t", "tags": ["{{tag}}b"]}""").Single(ErrorCodes.ContentTooLong, Platform.YouTube);
        Assert.Equal(SettingPath(Platform.YouTube, "tags"), problem.Path);
        Assert.Contains("501", problem.Message);
    }

    [Fact]
    public void YouTube_TagsCountCommasBetweenTags()
    {
        // Five tags of 99 characters and four commas: 499; a sixth one-letter tag adds 2 more.
        var tags = string.Join(", ", Enumerable.Range(0, 5).Select(i => $"\"{new string((char)('a' + i), 99)}\""));
        Assert.Empty(YouTube($$"""{"title": "t", "tags": [{{tags}}]}"""));
        YouTube($$"""{"title": "t", "tags": [{{tags}}, "z"]}""").Single(ErrorCodes.ContentTooLong, Platform.YouTube);
    }

    [Fact]
    public void YouTube_PublishAtInThePast_IsValidationFailed()
    {
        var problem = YouTube("""{"title": "t", "privacyStatus": "private", "publishAt": "2026-11-22T08:59:00Z"}""").Single(ErrorCodes.ValidationFailed, Platform.YouTube);

        Assert.Equal(SettingPath(Platform.YouTube, "publishAt"), problem.Path);
    }

    [Fact]
    public void YouTube_PublishAtInThePast_IsNotRecheckedAtPublishTime() =>
        Assert.Empty(YouTube("""{"title": "t", "privacyStatus": "private", "publishAt": "2026-11-22T08:59:00Z"}""", purpose: RulePurpose.Publish));

    [Theory]
    [InlineData("""{"title": "t", "publishAt": "2026-12-01T09:00:00+01:00"}""")]
    [InlineData("""{"title": "t", "privacyStatus": "public", "publishAt": "2026-12-01T09:00:00+01:00"}""")]
    public void YouTube_PublishAtWithoutPrivate_IsValidationFailedAtPrivacyStatus(string settings) =>
        Assert.Equal(SettingPath(Platform.YouTube, "privacyStatus"), YouTube(settings).Single(ErrorCodes.ValidationFailed, Platform.YouTube).Path);

    [Fact]
    public void YouTube_PublishAtWithScheduledFor_IsValidationFailed()
    {
        var problem = YouTube("""{"title": "t", "privacyStatus": "private", "publishAt": "2026-12-01T09:00:00Z"}""", scheduledFor: RuleHarness.Now.AddDays(1))
            .Single(ErrorCodes.ValidationFailed, Platform.YouTube);

        Assert.Equal(SettingPath(Platform.YouTube, "publishAt"), problem.Path);
        Assert.Contains("scheduledFor", problem.Message);
    }

    // LinkedIn

    private IReadOnlyList<Problem> LinkedIn(PostContent content, string settings) =>
        _rules.Problems(content.Override(Platform.LinkedIn, settings: settings), Platform.LinkedIn);

    [Fact]
    public void LinkedIn_ArticleWithLink_Passes() =>
        Assert.Empty(LinkedIn(Make.Text("Read this").WithLink("https://example.com/a"),
            """{"articleTitle": "A", "articleDescription": "B", "visibility": "CONNECTIONS", "isReshareDisabledByAuthor": true}"""));

    [Fact]
    public void LinkedIn_ArticleWithoutLink_IsValidationFailedAtTheArticleField()
    {
        var problem = LinkedIn(Make.Text("Read this"), """{"articleDescription": "B"}""").Single(ErrorCodes.ValidationFailed, Platform.LinkedIn);

        Assert.Equal(SettingPath(Platform.LinkedIn, "articleDescription"), problem.Path);
        Assert.Contains("linkUrl", problem.Message);
    }

    [Fact]
    public void LinkedIn_ArticleWithMedia_IsOneContentKindPerPost()
    {
        var problem = LinkedIn(Make.Text("x", Make.Image()).WithLink("https://example.com/a"), """{"articleTitle": "A"}""")
            .Single(ErrorCodes.UnsupportedMediaConfig, Platform.LinkedIn);

        Assert.Equal("$.content.media", problem.Path);
    }

    [Fact]
    public void LinkedIn_VideoTitle_NeedsExactlyOneVideo()
    {
        Assert.Empty(LinkedIn(Make.Text("x", Make.Video()), """{"videoTitle": "Demo"}"""));
        Assert.Equal(SettingPath(Platform.LinkedIn, "videoTitle"),
            LinkedIn(Make.Text("x", Make.Image()), """{"videoTitle": "Demo"}""").Single(ErrorCodes.ValidationFailed, Platform.LinkedIn).Path);
    }

    [Fact]
    public void LinkedIn_AltText_MustMatchTheImages()
    {
        Assert.Empty(LinkedIn(Make.Text("x", Make.Images(2)), """{"altText": ["one", "two"]}"""));

        var problem = LinkedIn(Make.Text("x", Make.Images(3)), """{"altText": ["one", "two"]}""").Single(ErrorCodes.ValidationFailed, Platform.LinkedIn);
        Assert.Equal(SettingPath(Platform.LinkedIn, "altText"), problem.Path);
        Assert.Contains("3 images", problem.Message);
    }

    // Amazon

    private IReadOnlyList<Problem> Amazon(string settings) =>
        _rules.Problems(Make.Text("x", Make.Image()).Override(Platform.Amazon, settings: settings), Platform.Amazon);

    [Fact]
    public void Amazon_FiveProducts_Pass_SixFail()
    {
        Assert.Empty(Amazon("""{"products": ["B000000001", "B000000002", "B000000003", "B000000004", "B000000005"]}"""));

        var problem = Amazon("""{"products": ["B000000001", "B000000002", "B000000003", "B000000004", "B000000005", "B000000006"]}""")
            .Single(ErrorCodes.ValidationFailed, Platform.Amazon);
        Assert.Equal(SettingPath(Platform.Amazon, "products"), problem.Path);
    }

    [Fact]
    public void Amazon_NoProducts_BadAsin_Duplicate_AreValidationFailedWithPaths()
    {
        Assert.Equal(SettingPath(Platform.Amazon, "products"), Amazon("""{"products": []}""").Single(ErrorCodes.ValidationFailed, Platform.Amazon).Path);
        Assert.Equal(SettingPath(Platform.Amazon, "products") + "[1]",
            Amazon("""{"products": ["B000000001", "b000000002"]}""").Single(ErrorCodes.ValidationFailed, Platform.Amazon).Path);
        Assert.Equal(SettingPath(Platform.Amazon, "products") + "[1]",
            Amazon("""{"products": ["B000000001", "B000000001"]}""").Single(ErrorCodes.ValidationFailed, Platform.Amazon).Path);
    }

    // Shape

    [Theory]
    [InlineData(Platform.TikTok, """{"privacyLevel": "SELF_ONLY", "allowComments": true}""", "allowComments")]
    [InlineData(Platform.TikTok, """{"privacyLevel": "EVERYONE"}""", "privacyLevel")]
    [InlineData(Platform.TikTok, """{"privacyLevel": "SELF_ONLY", "disableDuet": "yes"}""", "disableDuet")]
    [InlineData(Platform.YouTube, """{"title": "t", "categoryId": "music"}""", "categoryId")]
    [InlineData(Platform.YouTube, """{"title": "t", "publishAt": "2026-12-01T09:00:00"}""", "publishAt")]
    [InlineData(Platform.YouTube, """{"title": "t", "tags": "a,b"}""", "tags")]
    [InlineData(Platform.LinkedIn, """{"visibility": "EVERYONE"}""", "visibility")]
    [InlineData(Platform.X, """{"replySettings": "following"}""", "replySettings")]
    public void Settings_UnknownOrMistyped_IsValidationFailedAtTheSetting(Platform platform, string settings, string name)
    {
        var media = platform == Platform.X ? Array.Empty<MediaItem>() : [Make.Video()];

        var problems = _rules.Problems(Make.Text("x", media).Override(platform, settings: settings), platform);

        Assert.Contains(problems, p => p.Code == ErrorCodes.ValidationFailed && p.Path == SettingPath(platform, name) && p.Platform == platform);
    }

    [Fact]
    public void Validate_ReportsEveryProblemOfEveryPlatformAtOnce()
    {
        var content = Make.Text(new string('a', 600), Make.Image(), Make.Video())
            .Override(Platform.Instagram, settings: """{"placement": "reel"}""")
            .Override(Platform.TikTok, settings: """{"privacyLevel": "EVERYONE"}""");

        var report = _rules.Validate(content, [Platform.X, Platform.Threads, Platform.Instagram, Platform.YouTube, Platform.TikTok, Platform.Amazon]);

        Assert.False(report.Ok);
        var codes = report.Platforms.ToDictionary(v => v.Platform, v => v.Problems.Select(p => p.Code).Order().ToArray());
        Assert.Equal([ErrorCodes.ContentTooLong, ErrorCodes.MixedMediaNotSupported], codes[Platform.X]);
        Assert.Equal([ErrorCodes.ContentTooLong], codes[Platform.Threads]);
        Assert.Equal([ErrorCodes.InvalidPlacement], codes[Platform.Instagram]);
        Assert.Equal([ErrorCodes.MixedMediaNotSupported, ErrorCodes.ValidationFailed], codes[Platform.YouTube]);
        Assert.Equal([ErrorCodes.MixedMediaNotSupported, ErrorCodes.ValidationFailed], codes[Platform.TikTok]);
        Assert.Equal([ErrorCodes.MixedMediaNotSupported], codes[Platform.Amazon]);
        Assert.All(report.Platforms, v => Assert.All(v.Problems, p => Assert.Equal(v.Platform, p.Platform)));
        Assert.Equal(600, report.Platforms.Single(v => v.Platform == Platform.X).TextLength);
    }
}
