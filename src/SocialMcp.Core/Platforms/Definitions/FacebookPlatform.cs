using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>Facebook Pages through the Graph API (docs/platforms.md#facebook).</summary>
public sealed class FacebookPlatform : PlatformDefinition
{
    /// <summary>Facebook reels last 3–90 seconds (off.); defaults of <c>ContentRules:Placements</c>.</summary>
    public const int ReelMinSeconds = 3;

    public const int ReelMaxSeconds = 90;

    /// <summary>A video published as a Page story lasts at most 60 seconds (off., for reels shared as stories).</summary>
    public const int StoryMaxVideoSeconds = 60;

    public override Platform Platform => Platform.Facebook;
    public override string Name => "facebook";

    // Message, #facebook-limits (unverified).
    public override TextLimit Text => new(TextCountingMethod.Utf16CodeUnits, 63206);

    // Photos JPG/PNG under 4 MB (3p); mixing photos and a video is unverified, assumed unsupported.
    public override MediaRulesOptions CreateMediaRules() => new()
    {
        MaxVideos = 1,
        ImageMimeTypes = "image/jpeg,image/png",
        VideoMimeTypes = "video/mp4",
        MaxImageBytes = 4 * MiB,
    };


    public override SettingsSchema Settings => MetaPlacements.Schema;

    public override ConversationSupport Conversation { get; } = new(Threads: false, ReplyKind.Comment, FirstComment: true, CanReadPosts: true);

    public override bool CanWithdraw => true;
}
