using SocialMcp.Core.Platforms.Definitions;

namespace SocialMcp.Core.Options;

/// <summary>Configuration <c>ContentRules:YouTube</c> (docs/platforms.md#youtube-limits, off.).</summary>
public sealed class YouTubeRulesOptions
{
    /// <summary>snippet.title is required by the API; without it a YouTube target fails validation.</summary>
    public bool RequireTitle { get; set; } = true;

    public int MaxTitleLength { get; set; } = YouTubePlatform.MaxTitleLength;

    /// <summary>All tags together, with the commas between them and quotes around tags that contain a space.</summary>
    public int MaxTagsLength { get; set; } = YouTubePlatform.MaxTagsLength;

    /// <summary>How title and tag "characters" are counted; the unit is not defined by YouTube, so the stricter one.</summary>
    public TextCountingMethod CharacterCounting { get; set; } = TextCountingMethod.Utf16CodeUnits;

    public IEnumerable<string> Validate(string prefix)
    {
        if (MaxTitleLength < 1)
            yield return $"{prefix}:MaxTitleLength must be at least 1.";
        if (MaxTagsLength < 1)
            yield return $"{prefix}:MaxTagsLength must be at least 1.";
        if (CharacterCounting is not (TextCountingMethod.CodePoints or TextCountingMethod.Utf16CodeUnits or TextCountingMethod.Utf8Bytes))
            yield return $"{prefix}:CharacterCounting must be CodePoints, Utf16CodeUnits or Utf8Bytes.";
    }
}

/// <summary>Configuration <c>ContentRules:TikTok</c> (docs/platforms.md#tiktok-limits).</summary>
public sealed class TikTokRulesOptions
{
    /// <summary>TikTok requires an explicit privacy_level chosen by the creator (no default may be assumed).</summary>
    public bool RequirePrivacyLevel { get; set; } = true;

    /// <summary>On photo posts the text is the description: up to 4,000 characters (3p); video captions use MaxTextLength:tiktok.</summary>
    public int MaxPhotoTextLength { get; set; } = TikTokPlatform.MaxPhotoTextLength;

    /// <summary>Longest video when the account metadata has no tiktok.maxVideoPostDurationSec from creator_info (10 min typical, 3p).</summary>
    public double DefaultMaxVideoSeconds { get; set; } = TikTokPlatform.DefaultMaxVideoSeconds;

    public IEnumerable<string> Validate(string prefix)
    {
        if (MaxPhotoTextLength < 1)
            yield return $"{prefix}:MaxPhotoTextLength must be at least 1.";
        if (DefaultMaxVideoSeconds <= 0)
            yield return $"{prefix}:DefaultMaxVideoSeconds must be greater than 0.";
    }
}

/// <summary>Configuration <c>ContentRules:Amazon</c> (docs/platforms.md#amazon-limits, off.).</summary>
public sealed class AmazonRulesOptions
{
    public int MaxProducts { get; set; } = AmazonPlatform.MaxProducts;

    public IEnumerable<string> Validate(string prefix)
    {
        if (MaxProducts < 1)
            yield return $"{prefix}:MaxProducts must be at least 1.";
    }
}

/// <summary>Configuration <c>ContentRules:Placements</c>: Instagram and Facebook placements (docs/platforms.md#instagram-publish-flow, #instagram-limits, #facebook-limits).</summary>
public sealed class PlacementRulesOptions
{
    /// <summary>A carousel has at least two items (unverified) …</summary>
    public int CarouselMinItems { get; set; } = MetaPlacements.CarouselMinItems;

    /// <summary>… and at most ten (3p).</summary>
    public int CarouselMaxItems { get; set; } = MetaPlacements.CarouselMaxItems;

    /// <summary>Facebook reels are vertical (9:16): when width and height are given, height must exceed width (off.).</summary>
    public bool FacebookReelMustBeVertical { get; set; } = true;

    /// <summary>
    /// Instagram reels are vertical: 9:16 is what Meta advises (docs/platforms.md#instagram-limits, 3p); with probed media
    /// (issue 13) the real dimensions are known, so a landscape or square reel is refused rather than cropped.
    /// </summary>
    public bool InstagramReelMustBeVertical { get; set; } = true;

    /// <summary>Facebook reels last 3–90 seconds (off.).</summary>
    public double FacebookReelMinSeconds { get; set; } = FacebookPlatform.ReelMinSeconds;

    public double FacebookReelMaxSeconds { get; set; } = FacebookPlatform.ReelMaxSeconds;

    /// <summary>A video published as a Page story lasts at most 60 seconds (off., for reels shared as stories).</summary>
    public double FacebookStoryMaxVideoSeconds { get; set; } = FacebookPlatform.StoryMaxVideoSeconds;

    public IEnumerable<string> Validate(string prefix)
    {
        if (CarouselMinItems < 1 || CarouselMaxItems < CarouselMinItems)
            yield return $"{prefix}:CarouselMinItems must be at least 1 and not greater than CarouselMaxItems.";
        if (FacebookReelMinSeconds < 0 || FacebookReelMaxSeconds < FacebookReelMinSeconds)
            yield return $"{prefix}:FacebookReelMinSeconds must not be negative nor greater than FacebookReelMaxSeconds.";
        if (FacebookStoryMaxVideoSeconds <= 0)
            yield return $"{prefix}:FacebookStoryMaxVideoSeconds must be greater than 0.";
    }
}
