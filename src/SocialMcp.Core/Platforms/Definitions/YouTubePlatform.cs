using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>YouTube's Data API (docs/platforms.md#youtube).</summary>
public sealed class YouTubePlatform : PlatformDefinition
{
    /// <summary>snippet.title, #youtube-limits (off.); default of <c>ContentRules:YouTube:MaxTitleLength</c>.</summary>
    public const int MaxTitleLength = 100;

    /// <summary>All tags together, with the commas between them and quotes around tags with a space (off.).</summary>
    public const int MaxTagsLength = 500;

    private const int MaxDescriptionBytes = 5000;

    /// <summary>Title and description hold no &lt; or &gt;; the schema says so, YouTubeRules explains it.</summary>
    private const string NoAngleBrackets = "^[^<>]*$";

    public static IReadOnlyList<string> PrivacyStatuses { get; } = ["private", "unlisted", "public"];

    public override Platform Platform => Platform.YouTube;
    public override string Name => "youtube";

    // The post text is the video description, in UTF-8 bytes, #youtube-limits (off.).
    public override TextLimit Text => new(TextCountingMethod.Utf8Bytes, MaxDescriptionBytes, "UTF-8 bytes (the text is the video description)");

    // Exactly one video per insert (off.); ≤ 256 GB or 12 h (3p).
    public override MediaRulesOptions CreateMediaRules() => new()
    {
        MinVideos = 1,
        MaxVideos = 1,
        MaxImages = 0,
        VideoMimeTypes = "video/mp4,video/quicktime,video/x-msvideo,video/x-ms-wmv,video/x-flv,video/webm,video/3gpp,video/mpeg",
        MaxVideoBytes = 256 * GiB,
        MaxVideoSeconds = 12 * 60 * 60,
    };


    public override string? OverrideDescription => "On youtube the text is the video description; settings.title is required.";

    public override SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.Text("title", $"Video title, required: up to {MaxTitleLength} characters, no < or >.")
            with { MinLength = 1, MaxLength = 1000, Pattern = NoAngleBrackets, PatternsInSchemaOnly = true },
        SettingDefinition.Text("description", $"Video description, instead of the post text: up to {MaxDescriptionBytes} UTF-8 bytes, no < or >.")
            with { MaxLength = 100000, Pattern = NoAngleBrackets, PatternsInSchemaOnly = true },
        SettingDefinition.TextList("tags",
                $"Tags, without commas: together up to {MaxTagsLength} characters, counting a comma between tags and two quotes around each tag that contains a space.")
            with { MaxItems = 500, ItemMinLength = 1, ItemMaxLength = 500, ItemPattern = "^[^,]*$", PatternsInSchemaOnly = true },
        SettingDefinition.Text("categoryId", "Numeric video category id, e.g. \"22\".") with { Pattern = "^[0-9]+$", MaxLength = 10 },
        SettingDefinition.Choice("privacyStatus", PrivacyStatuses, "private, unlisted or public; private when publishAt is set."),
        SettingDefinition.DateTime("publishAt",
            "YouTube makes the private video public at this time: ISO 8601 with an offset, in the future. Needs privacyStatus private; not together with scheduledFor."),
        SettingDefinition.Boolean("notifySubscribers", "Notify the channel's subscribers."),
        SettingDefinition.Boolean("selfDeclaredMadeForKids", "The video is made for children."),
        SettingDefinition.Boolean("containsSyntheticMedia", "The video contains realistic altered or synthetic content."),
    ], Dependencies: [new SettingDependency("publishAt", "privacyStatus", "private")]);

    public override ConversationSupport Conversation { get; } = new(Threads: false, ReplyKind.None, FirstComment: true, CanReadPosts: true);

    public override bool CanWithdraw => true;
}
