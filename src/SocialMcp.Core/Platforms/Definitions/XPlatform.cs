using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>X (docs/platforms.md#x).</summary>
public sealed class XPlatform : PlatformDefinition
{
    /// <summary>What every URL weighs whatever its length (t.co wrapping); the default of <c>ContentRules:X:TransformedUrlLength</c>.</summary>
    public const int TransformedUrlLength = 23;

    public override Platform Platform => Platform.X;
    public override string Name => "x";

    // twitter-text v3 maxWeightedTweetLength, #x-limits (off.); the weights are ContentRules:X.
    public override TextLimit Text => new(TextCountingMethod.XWeighted, 280,
        $"weighted (every URL {TransformedUrlLength} whatever its length, CJK and emoji 2, Latin 1)");

    // Up to 4 photos, or 1 animated GIF, or 1 video; images ≤ 5 MB, GIF ≤ 15 MB, video 0.5 s – 20 min
    // and ≤ 8 GB for default accounts (off.).
    public override MediaRulesOptions CreateMediaRules() => new()
    {
        GifAlone = true,
        MaxImages = 4,
        MaxVideos = 1,
        ImageMimeTypes = "image/jpeg,image/png,image/gif,image/webp",
        VideoMimeTypes = "video/mp4,video/quicktime",
        MaxImageBytes = 5 * MiB,
        MaxGifBytes = 15 * MiB,
        MaxVideoBytes = 8 * GiB,
        MinVideoSeconds = 0.5,
        MaxVideoSeconds = 20 * 60,
    };


    public override ConversationSupport Conversation { get; } = new(Threads: true, ReplyKind.Post, FirstComment: true, CanReadPosts: true);

    public override bool CanWithdraw => true;
}
