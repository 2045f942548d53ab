using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>LinkedIn's Posts API (docs/platforms.md#linkedin).</summary>
public sealed class LinkedInPlatform : PlatformDefinition
{
    public static IReadOnlyList<string> Visibilities { get; } = ["PUBLIC", "CONNECTIONS", "LOGGED_IN"];

    public override Platform Platform => Platform.LinkedIn;
    public override string Name => "linkedin";

    // Commentary as written, #linkedin-limits (3p).
    public override TextLimit Text => new(TextCountingMethod.Utf16CodeUnits, 3000, "(as written)");

    // One content kind: one image, 2–20 images (multiImage, off.), or one video (≤ 500 MB, 3 s – 30 min, 3p).
    public override MediaRulesOptions CreateMediaRules() => new()
    {
        MaxImages = 20,
        MaxVideos = 1,
        ImageMimeTypes = "image/jpeg,image/png,image/gif",
        VideoMimeTypes = "video/mp4",
        MaxImageBytes = 5 * MiB,
        MaxVideoBytes = 500 * MiB,
        MinVideoSeconds = 3,
        MaxVideoSeconds = 30 * 60,
    };


    public override SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.Choice("visibility", Visibilities, "Who can see the post."),
        SettingDefinition.Boolean("isReshareDisabledByAuthor", "Others cannot reshare the post."),
        SettingDefinition.Text("articleTitle", "Article card title; needs content.linkUrl.") with { MinLength = 1, MaxLength = 1000 },
        SettingDefinition.Text("articleDescription", "Article card description; needs content.linkUrl.") with { MinLength = 1, MaxLength = 5000 },
        SettingDefinition.Text("videoTitle", "Title of the post's one video.") with { MinLength = 1, MaxLength = 1000 },
        SettingDefinition.TextList("altText", "Alternative text for each image, in the order of the images: exactly one entry per image.")
            with { MaxItems = 35, ItemMaxLength = 1500 },
    ], Description: "One content kind per post: an article (content.linkUrl with articleTitle/articleDescription, no media) or media.");

    public override ConversationSupport Conversation { get; } = new(Threads: false, ReplyKind.Comment, FirstComment: true, CanReadPosts: true);

    public override bool CanWithdraw => true;
}
