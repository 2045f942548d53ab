using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>TikTok's Content Posting API (docs/platforms.md#tiktok).</summary>
public sealed class TikTokPlatform : PlatformDefinition
{
    /// <summary>On photo posts the text is the description: up to 4,000 characters (3p); default of <c>ContentRules:TikTok:MaxPhotoTextLength</c>.</summary>
    public const int MaxPhotoTextLength = 4000;

    /// <summary>Longest video when the account metadata has no maxVideoPostDurationSec from creator_info (10 min typical, 3p).</summary>
    public const double DefaultMaxVideoSeconds = 600;

    public static IReadOnlyList<string> PrivacyLevels { get; } =
        ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"];

    public override Platform Platform => Platform.TikTok;
    public override string Name => "tiktok";

    // Video caption, #tiktok-limits (3p); photo posts use MaxPhotoTextLength.
    public override TextLimit Text => new(TextCountingMethod.Utf16CodeUnits, 2200, $"({MaxPhotoTextLength} on photo posts)");

    // One video or 1–35 photos, no text-only posts (3p). PNG is disputed between aggregators: left out.
    // Video length is held to the creator's max_video_post_duration_sec when the account metadata has it
    // (DefaultMaxVideoSeconds otherwise), so it is not set here.
    public override MediaRulesOptions CreateMediaRules() => new()
    {
        MinItems = 1,
        MaxImages = 35,
        MaxVideos = 1,
        ImageMimeTypes = "image/jpeg,image/webp",
        VideoMimeTypes = "video/mp4,video/quicktime,video/webm",
        MaxImageBytes = 20 * MiB,
        MaxVideoBytes = 4 * GiB,
        MinVideoSeconds = 3,
    };


    public override SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.Choice("privacyLevel", PrivacyLevels,
            "Who can see the post; must be one the creator's account offers (a private account has no PUBLIC_TO_EVERYONE)."),
        SettingDefinition.Boolean("disableComment", "Turn comments off."),
        SettingDefinition.Boolean("disableDuet", "Turn duets off (videos)."),
        SettingDefinition.Boolean("disableStitch", "Turn stitches off (videos)."),
        SettingDefinition.Boolean("brandContentToggle", "The post promotes a third party (paid partnership)."),
        SettingDefinition.Boolean("brandOrganicToggle", "The post promotes the creator's own business."),
    ], Description: "privacyLevel is required on tiktok: the creator chooses it.");

    // No delete endpoint (#tiktok-withdraw).
    public override bool CanWithdraw => false;

    // spam_risk_too_many_posts at about 15 posts per creator per day, #tiktok-rate-limits (3p).
    public override int? DailyPostCap => 15;
}
