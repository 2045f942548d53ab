using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;

namespace SocialMcp.Tests.Validation;

public sealed class ContentRulesOptionsTests
{
    private static ContentRulesOptions Bind(Dictionary<string, string?> settings)
    {
        using var rules = new RuleHarness(settings);
        return rules.Get<IOptions<ContentRulesOptions>>().Value;
    }

    [Fact]
    public void Defaults_AreTheDocumentedValuesAndValid()
    {
        var options = Bind([]);

        Assert.Equal(280, options.MaxTextLength["x"]);
        Assert.Equal(TextCountingMethod.XWeighted, options.TextCounting["x"]);
        Assert.Equal(23, options.X.TransformedUrlLength);
        Assert.Equal(4, options.Media["x"].MaxImages);
        Assert.Equal(100, options.YouTube.MaxTitleLength);
        Assert.Equal(5, options.Amazon.MaxProducts);
        Assert.Equal(90, options.Placements.FacebookReelMaxSeconds);
        Assert.Empty(options.Validate(new(options)));
    }

    [Fact]
    public void MimeTypeList_ConfiguredReplacesDefault()
    {
        var options = Bind(new() { ["ContentRules:Media:threads:ImageMimeTypes"] = "image/png" });

        Assert.Equal(["image/png"], options.Media["threads"].ImageMimeTypeList);
        Assert.Equal(["video/mp4", "video/quicktime"], options.Media["threads"].VideoMimeTypeList);
    }

    [Theory]
    [InlineData("ContentRules:MaxTextLength:x", "0", "MaxTextLength:x")]
    [InlineData("ContentRules:MaxTextLength:myspace", "10", "myspace")]
    [InlineData("ContentRules:Media:x:MinImages", "5", "MinImages")]
    [InlineData("ContentRules:Media:x:ImageMimeTypes", "video/mp4", "ImageMimeTypes")]
    [InlineData("ContentRules:Media:youtube:MaxVideoSeconds", "0", "MaxVideoSeconds")]
    [InlineData("ContentRules:X:Ranges", "0000-ZZZZ", "Ranges")]
    [InlineData("ContentRules:X:ExtraTopLevelDomains", ".museum", "ExtraTopLevelDomains")]
    [InlineData("ContentRules:YouTube:MaxTitleLength", "0", "MaxTitleLength")]
    [InlineData("ContentRules:Amazon:MaxProducts", "0", "MaxProducts")]
    [InlineData("ContentRules:Placements:CarouselMinItems", "11", "CarouselMinItems")]
    public void InvalidSetting_FailsAtStartUpNamingIt(string key, string value, string named)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));

        Assert.Contains(ex.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }
}
