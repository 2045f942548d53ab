namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>
/// The placements Instagram and Facebook share (<c>settings.placement</c>, docs/platforms.md#instagram-publish-flow, #instagram-limits, #facebook-limits). The carousel
/// bounds are the defaults of <c>ContentRules:Placements</c>.
/// </summary>
public static class MetaPlacements
{
    public const string SettingName = "placement";

    /// <summary>A carousel has at least two items (unverified) …</summary>
    public const int CarouselMinItems = 2;

    /// <summary>… and at most ten (3p).</summary>
    public const int CarouselMaxItems = 10;

    public static IReadOnlyList<string> Values { get; } = ["feed", "story", "reel", "carousel"];

    public static SettingsSchema Schema { get; } = new(
    [
        SettingDefinition.Choice(SettingName, Values,
            $"feed (exactly one image), story (one image or video), reel (exactly one vertical video; on facebook " +
            $"{FacebookPlatform.ReelMinSeconds}-{FacebookPlatform.ReelMaxSeconds} s long), carousel ({CarouselMinItems}-{CarouselMaxItems} items). " +
            $"Omit it and one image goes to the feed, one video is a reel, {CarouselMinItems}-{CarouselMaxItems} items a carousel."),
    ]);
}
