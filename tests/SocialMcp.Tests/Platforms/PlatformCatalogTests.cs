using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Platforms;
using SocialMcp.Schema;
using SocialMcp.Server.Mcp;
using SocialMcp.Tests.Validation;

namespace SocialMcp.Tests.Platforms;

/// <summary>The platform definitions are the one source of each platform's facts: what is produced from them follows them.</summary>
public sealed class PlatformCatalogTests
{
    [Fact]
    public void Catalog_HasOneDefinitionPerPlatform_InTheEnumsOrder()
    {
        Assert.Equal(Enum.GetValues<Platform>(), PlatformCatalog.All.Select(d => d.Platform));
        Assert.All(Enum.GetValues<Platform>(), p => Assert.Equal(p, PlatformCatalog.For(p).Platform));
    }

    [Fact]
    public void WireNames_AreTheDefinitionsNames_LowerCaseAndUnique()
    {
        Assert.Equal(PlatformCatalog.All.Select(d => d.Name), PlatformNames.AllWireNames);
        Assert.All(PlatformNames.AllWireNames, name => Assert.Equal(name.ToLowerInvariant(), name));
        Assert.Equal(PlatformNames.AllWireNames.Count, PlatformNames.AllWireNames.Distinct().Count());
    }

    [Fact]
    public void ContentRulesDefaults_ComeFromTheDefinitions()
    {
        var options = new ContentRulesOptions();

        Assert.All(PlatformCatalog.All, d =>
        {
            Assert.Equal(d.Text.MaxLength, options.MaxTextLengthFor(d.Platform));
            Assert.Equal(d.Text.Counting, options.TextCountingFor(d.Platform));
            Assert.Equal(JsonSerializer.Serialize(d.CreateMediaRules()), JsonSerializer.Serialize(options.MediaFor(d.Platform)));
        });
    }

    [Fact]
    public void CreateMediaRules_ReturnsANewObjectEachTime_SoConfigurationCannotChangeTheDefinition()
    {
        var x = PlatformCatalog.For(Platform.X);
        x.CreateMediaRules().MaxImages = 1;

        Assert.Equal(4, x.CreateMediaRules().MaxImages);
    }

    [Fact]
    public void Configuration_StillOverridesOnePlatformsLimit()
    {
        using var rules = new RuleHarness(new Dictionary<string, string?>
        {
            ["ContentRules:MaxTextLength:x"] = "100",
            ["ContentRules:Media:x:MaxImages"] = "2",
        });
        var options = rules.Get<IOptions<ContentRulesOptions>>().Value;

        Assert.Equal(100, options.MaxTextLengthFor(Platform.X));
        Assert.Equal(2, options.MediaFor(Platform.X).MaxImages);
        Assert.Equal(PlatformCatalog.For(Platform.Threads).Text.MaxLength, options.MaxTextLengthFor(Platform.Threads));
        Assert.Equal(1, options.MediaFor(Platform.X).MaxVideos);
    }

    [Fact]
    public void DailyCapDefaults_ComeFromTheDefinitions()
    {
        var caps = new SchedulingOptions().DailyCaps;

        Assert.Equal(PlatformCatalog.All.Where(d => d.DailyPostCap is not null).ToDictionary(d => d.Name, d => d.DailyPostCap!.Value), caps);
        Assert.Equal(50, caps["Instagram"]);
    }

    [Fact]
    public void ToolSchemas_AdvertiseTheDefinitionsPlatforms()
    {
        var createPost = new ToolSchemaCatalog().Find("create_post")!.Json;

        var platforms = createPost.GetProperty("properties").GetProperty("platforms");
        Assert.Equal(PlatformNames.AllWireNames, platforms.GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(PlatformCatalog.All.Count, platforms.GetProperty("maxItems").GetInt32());
        var text = createPost.GetProperty("properties").GetProperty("content").GetProperty("properties").GetProperty("text").GetProperty("description").GetString();
        Assert.All(PlatformCatalog.All, d => Assert.Contains($"{d.Name} {d.Text.Summary}", text));
    }

    /// <summary>A ninth platform needs no schema edit: its definition yields its enum entry, its override and its settings.</summary>
    [Fact]
    public void PlatformSchemas_ANewDefinition_IsAdvertisedWithItsSettings()
    {
        var defs = new JsonObject();
        foreach (var (name, schema) in PlatformSchemas.Definitions([.. PlatformCatalog.All, new MadeUpPlatform()]))
            defs[name] = schema;
        // The pieces of _defs.json the produced definitions refer to.
        defs["overrideText"] = new JsonObject { ["type"] = "string" };
        defs["threadPart"] = new JsonObject { ["type"] = "object" };
        var root = new JsonObject
        {
            ["$defs"] = defs,
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["platforms"] = new JsonObject { ["$ref"] = "#/$defs/platformList" },
                ["platformOverrides"] = new JsonObject { ["$ref"] = "#/$defs/platformOverrides" },
            },
        };
        var validator = JsonSchema.Compile(JsonSerializer.SerializeToElement(root));

        Assert.Contains("mastodon", defs["platform"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Empty(Validate(validator, """{"platforms": ["mastodon"], "platformOverrides": {"mastodon": {"settings": {"visibility": "unlisted", "spoilerText": "cw"}}}}"""));
        Assert.Contains(Validate(validator, """{"platformOverrides": {"mastodon": {"settings": {"visibility": "everyone"}}}}"""),
            e => e.Path == "$.platformOverrides.mastodon.settings.visibility");
        Assert.Contains(Validate(validator, """{"platformOverrides": {"mastodon": {"settings": {"spoilerText": "cw"}}}}"""),
            e => e.Path == "$.platformOverrides.mastodon.settings.visibility" && e.Keyword == "dependentRequired");
    }

    [Fact]
    public void Settings_SeveralValuedDependencies_AreEachAnIfThenInAllOf()
    {
        var schema = PlatformSchemas.Settings(new SettingsSchema(
            [SettingDefinition.Choice("a", ["1", "2"], "A."), SettingDefinition.Choice("b", ["1", "2"], "B."), SettingDefinition.Text("c", "C.")],
            Dependencies: [new SettingDependency("c", "a", "1"), new SettingDependency("c", "b", "2")]));

        Assert.Equal("""{"c":["a","b"]}""", schema["dependentRequired"]!.ToJsonString());
        Assert.Equal(2, schema["allOf"]!.AsArray().Count);
        Assert.Null(schema["if"]);
    }

    private static IReadOnlyList<SchemaValidationError> Validate(JsonSchema validator, string json)
    {
        using var document = JsonDocument.Parse(json);
        return validator.Validate(document.RootElement);
    }

    private sealed class MadeUpPlatform : PlatformDefinition
    {
        public override Platform Platform => (Platform)PlatformCatalog.All.Count;
        public override string Name => "mastodon";
        public override TextLimit Text => new(TextCountingMethod.CodePoints, 500);
        public override MediaRulesOptions CreateMediaRules() => new() { AllowMixed = false, MaxImages = 4, MaxVideos = 1 };
        public override bool CanWithdraw => true;

        public override SettingsSchema Settings { get; } = new(
        [
            SettingDefinition.Choice("visibility", ["public", "unlisted", "private", "direct"], "Who sees the status."),
            SettingDefinition.Text("spoilerText", "Content warning shown before the text.") with { MaxLength = 500 },
        ], Dependencies: [new SettingDependency("spoilerText", "visibility")]);
    }
}
