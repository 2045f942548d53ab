using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>Instagram through the Graph API (docs/platforms.md#instagram).</summary>
public sealed class InstagramPlatform : PlatformDefinition
{
    public override Platform Platform => Platform.Instagram;
    public override string Name => "instagram";

    // Caption, #instagram-limits (3p).
    public override TextLimit Text => new(TextCountingMethod.Utf16CodeUnits, 2200);

    // Carousels mix images and videos (3p); JPEG is what Meta's docs name (PNG/GIF only per aggregators);
    // reels 3 s – 15 min and up to 1 GB (newer 3p docs; older ones said 300 MB). The count without a
    // placement is a carousel's: 1 item publishes as feed image or reel, 2–10 as a carousel.
    public override MediaRulesOptions CreateMediaRules() => new()
    {
        AllowMixed = true,
        MinItems = 1,
        MaxItems = MetaPlacements.CarouselMaxItems,
        ImageMimeTypes = "image/jpeg",
        VideoMimeTypes = "video/mp4,video/quicktime",
        MaxImageBytes = 8 * MiB,
        MaxVideoBytes = 1 * GiB,
        MinVideoSeconds = 3,
        MaxVideoSeconds = 15 * 60,
    };


    public override SettingsSchema Settings => MetaPlacements.Schema;

    // Deleting media is disputed (#instagram-withdraw): off unless the adapter's Settings:DeleteEnabled says otherwise.
    public override ConversationSupport Conversation { get; } = new(Threads: false, ReplyKind.Comment, FirstComment: true, CanReadPosts: true);

    public override bool CanWithdraw => false;

    // 50 API-published posts per rolling 24 h per account, docs/platforms.md#instagram-rate-limits (off.).
    public override int? DailyPostCap => 50;
}
