using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>Threads through Meta's Threads API (docs/platforms.md#threads).</summary>
public sealed class ThreadsPlatform : PlatformDefinition
{
    public override Platform Platform => Platform.Threads;
    public override string Name => "threads";

    // #threads-limits (off.): code points, except that an emoji counts its UTF-8 bytes.
    public override TextLimit Text => new(TextCountingMethod.ThreadsEmojiBytes, 500, "(an emoji counts its UTF-8 bytes, 4 for most)");

    // Text, one image (JPEG/PNG ≤ 8 MB), one video (≤ 5 min, ≤ 1 GB) or a mixed carousel of up to 20 (3p).
    public override MediaRulesOptions CreateMediaRules() => new()
    {
        AllowMixed = true,
        MaxItems = 20,
        ImageMimeTypes = "image/jpeg,image/png",
        VideoMimeTypes = "video/mp4,video/quicktime",
        MaxImageBytes = 8 * MiB,
        MaxVideoBytes = 1 * GiB,
        MaxVideoSeconds = 5 * 60,
    };


    public override ConversationSupport Conversation { get; } = new(Threads: true, ReplyKind.Post, FirstComment: true, CanReadPosts: true);

    public override bool CanWithdraw => true;

    // 250 API-published posts per rolling 24 h per profile, #threads-rate-limits (off.).
    public override int? DailyPostCap => 250;
}
