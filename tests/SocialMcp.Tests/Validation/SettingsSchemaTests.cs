using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Validation.Settings;
using SocialMcp.Schema;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Tests.Validation;

/// <summary>The per-platform settings schemas as tools/list advertises them and the argument filter applies them.</summary>
public sealed class SettingsSchemaTests
{
    private static readonly ToolSchemaCatalog Catalog = new();

    private static IReadOnlyList<SchemaValidationError> CreatePost(string platform, string overrideJson)
    {
        var arguments = $$$"""{"content": {"text": "Hello", "platformOverrides": {"{{{platform}}}": {{{overrideJson}}}}}, "platforms": ["{{{platform}}}"]}""";
        using var document = JsonDocument.Parse(arguments);
        return Catalog.Find("create_post")!.Validator.Validate(document.RootElement);
    }

    private static void AssertRejectedAt(string platform, string overrideJson, string path, string? keyword = null)
    {
        var errors = CreatePost(platform, overrideJson);

        Assert.Contains(errors, e => e.Path == path && (keyword is null || e.Keyword == keyword));
    }

    [Theory]
    [InlineData("instagram", """{"settings": {"placement": "carousel"}}""")]
    [InlineData("facebook", """{"text": "Hi", "settings": {"placement": "reel"}}""")]
    [InlineData("x", """{"text": "Hi"}""")]
    [InlineData("threads", """{"text": "Hi"}""")]
    [InlineData("tiktok", """{"settings": {"privacyLevel": "SELF_ONLY", "disableComment": true, "disableDuet": false, "disableStitch": false, "brandContentToggle": false, "brandOrganicToggle": true}}""")]
    [InlineData("youtube", """{"settings": {"title": "Launch", "description": "Long", "tags": ["a b", "c"], "categoryId": "22", "privacyStatus": "private", "publishAt": "2026-12-01T09:00:00+01:00", "notifySubscribers": true, "selfDeclaredMadeForKids": false, "containsSyntheticMedia": false}}""")]
    [InlineData("linkedin", """{"settings": {"visibility": "LOGGED_IN", "isReshareDisabledByAuthor": true, "articleTitle": "A", "articleDescription": "B", "videoTitle": "V", "altText": ["one"]}}""")]
    [InlineData("amazon", """{"settings": {"products": ["B08N5WRWNW", "1234567890"]}}""")]
    public void CreatePost_ValidSettings_Pass(string platform, string overrideJson) =>
        Assert.Empty(CreatePost(platform, overrideJson));

    [Fact]
    public void TikTok_UnknownPrivacyLevel_IsRejectedByEnum() =>
        AssertRejectedAt("tiktok", """{"settings": {"privacyLevel": "EVERYONE"}}""", "$.content.platformOverrides.tiktok.settings.privacyLevel", "enum");

    [Fact]
    public void TikTok_NonBooleanToggle_IsRejectedByType() =>
        AssertRejectedAt("tiktok", """{"settings": {"disableDuet": "yes"}}""", "$.content.platformOverrides.tiktok.settings.disableDuet", "type");

    [Fact]
    public void UnknownSetting_IsRejected() =>
        AssertRejectedAt("tiktok", """{"settings": {"privacyLevel": "SELF_ONLY", "allowComments": true}}""", "$.content.platformOverrides.tiktok.settings.allowComments");

    [Theory]
    [InlineData("x")]
    [InlineData("threads")]
    public void Settings_OnPlatformWithoutSettings_IsRejected(string platform) =>
        AssertRejectedAt(platform, """{"settings": {"placement": "feed"}}""", $"$.content.platformOverrides.{platform}.settings");

    [Fact]
    public void Placement_OnYouTube_IsRejected() =>
        AssertRejectedAt("youtube", """{"settings": {"placement": "reel"}}""", "$.content.platformOverrides.youtube.settings.placement");

    [Fact]
    public void Placement_UnknownValue_IsRejectedByEnum() =>
        AssertRejectedAt("instagram", """{"settings": {"placement": "grid"}}""", "$.content.platformOverrides.instagram.settings.placement", "enum");

    [Fact]
    public void YouTube_PublishAtWithoutPrivacyStatus_IsRejectedByDependentRequired() =>
        AssertRejectedAt("youtube", """{"settings": {"title": "t", "publishAt": "2026-12-01T09:00:00Z"}}""", "$.content.platformOverrides.youtube.settings.privacyStatus", "dependentRequired");

    [Fact]
    public void YouTube_PublishAtWithPublic_IsRejectedByConst() =>
        AssertRejectedAt("youtube", """{"settings": {"title": "t", "privacyStatus": "public", "publishAt": "2026-12-01T09:00:00Z"}}""",
            "$.content.platformOverrides.youtube.settings.privacyStatus", "const");

    [Fact]
    public void YouTube_PublishAtWithoutOffset_IsRejectedByFormat() =>
        AssertRejectedAt("youtube", """{"settings": {"privacyStatus": "private", "publishAt": "2026-12-01T09:00:00"}}""",
            "$.content.platformOverrides.youtube.settings.publishAt", "format");

    [Fact]
    public void YouTube_AngleBracketInTitle_IsRejectedByPattern() =>
        AssertRejectedAt("youtube", """{"settings": {"title": "<b>Hi</b>"}}""", "$.content.platformOverrides.youtube.settings.title", "pattern");

    [Fact]
    public void YouTube_CommaInTag_IsRejectedByPattern() =>
        AssertRejectedAt("youtube", """{"settings": {"tags": ["a,b"]}}""", "$.content.platformOverrides.youtube.settings.tags[0]", "pattern");

    [Fact]
    public void YouTube_BadPrivacyStatus_IsRejectedByEnum() =>
        AssertRejectedAt("youtube", """{"settings": {"privacyStatus": "hidden"}}""", "$.content.platformOverrides.youtube.settings.privacyStatus", "enum");

    [Fact]
    public void LinkedIn_BadVisibility_IsRejectedByEnum() =>
        AssertRejectedAt("linkedin", """{"settings": {"visibility": "EVERYONE"}}""", "$.content.platformOverrides.linkedin.settings.visibility", "enum");

    [Fact]
    public void Amazon_BadAsin_IsRejectedByPattern() =>
        AssertRejectedAt("amazon", """{"settings": {"products": ["b08n5wrwnw"]}}""", "$.content.platformOverrides.amazon.settings.products[0]", "pattern");

    [Fact]
    public void Amazon_NoProducts_IsRejectedByMinItems() =>
        AssertRejectedAt("amazon", """{"settings": {"products": []}}""", "$.content.platformOverrides.amazon.settings.products", "minItems");

    [Fact]
    public void Amazon_DuplicateProducts_IsRejectedByUniqueItems() =>
        AssertRejectedAt("amazon", """{"settings": {"products": ["B08N5WRWNW", "B08N5WRWNW"]}}""", "$.content.platformOverrides.amazon.settings.products", "uniqueItems");

    [Fact]
    public void EmptyOverride_IsRejectedByMinProperties() =>
        AssertRejectedAt("linkedin", "{}", "$.content.platformOverrides.linkedin", "minProperties");

    [Theory]
    [InlineData("create_post")]
    [InlineData("update_post")]
    [InlineData("validate_post")]
    public void EveryContentTool_AdvertisesTheSamePerPlatformSettings(string tool)
    {
        var overrides = Catalog.Find(tool)!.Json.GetProperty("properties").GetProperty("content").GetProperty("properties").GetProperty("platformOverrides");

        Assert.Equal(PlatformNames.AllWireNames.Order(), overrides.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
    }

    /// <summary>
    /// The settings the domain checks (<see cref="PlatformSettings"/>, from the platform definitions) and the advertised
    /// schema name the same fields, kinds, enum values and patterns.
    /// </summary>
    [Fact]
    public void DomainSettingsSpec_MatchesTheAdvertisedSchema()
    {
        var overrides = Catalog.Find("create_post")!.Json.GetProperty("properties").GetProperty("content").GetProperty("properties")
            .GetProperty("platformOverrides").GetProperty("properties");

        foreach (var platform in PlatformNames.All)
        {
            var schema = overrides.GetProperty(platform.ToWireName()).GetProperty("properties");
            var spec = PlatformSettings.For(platform);
            if (!schema.TryGetProperty("settings", out var settings))
            {
                Assert.Empty(spec.Fields);
                continue;
            }
            Assert.False(settings.GetProperty("additionalProperties").GetBoolean());
            var fields = settings.GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
            Assert.Equal(spec.Fields.Select(f => f.Name).Order(), fields.Keys.Order());
            foreach (var field in spec.Fields)
            {
                var expectedType = field.Kind switch
                {
                    SettingKind.Boolean => "boolean",
                    SettingKind.StringArray => "array",
                    _ => "string",
                };
                Assert.Equal(expectedType, fields[field.Name].GetProperty("type").GetString());
                if (field.AllowedValues is { } values)
                    Assert.Equal(values, fields[field.Name].GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
                if (field.Pattern is { } pattern)
                    Assert.Equal(pattern, fields[field.Name].GetProperty("pattern").GetString());
                if (field.ItemPattern is { } itemPattern)
                    Assert.Equal(itemPattern, fields[field.Name].GetProperty("items").GetProperty("pattern").GetString());
            }
        }
    }
}
