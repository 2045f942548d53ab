using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Validation;

/// <summary>What an agent asked for, before it is stored: the subject of every rule.</summary>
/// <param name="IsScheduled">The post is (or stays) scheduled even when this change sets no new time: rules that conflict with scheduling still apply.</param>
public sealed record PostDraft(PostContent Content, IReadOnlyList<Platform> Platforms, DateTimeOffset? ScheduledFor, bool IsScheduled = false);

/// <summary>Why the rules run: scheduling-window rules only apply when a time is being set.</summary>
public enum RulePurpose
{
    Save,
    Publish,
}

public sealed record RuleContext(
    PostDraft Draft,
    IReadOnlyDictionary<Platform, Account> AccountsByPlatform,
    DateTimeOffset Now,
    RulePurpose Purpose)
{
    /// <summary>The platforms the post targets, each once, in the order given (for a later thread part: those that take threads).</summary>
    public IEnumerable<Platform> TargetPlatforms => (PartPlatforms ?? Draft.Platforms).Distinct();

    /// <summary>
    /// Set while a thread part is judged (<see cref="IPostRule.ChecksEachPart"/>): which part. <see cref="Draft"/>'s content is then
    /// that part's own text, media and overrides (and, on part 0, the post's link), and problem paths are moved under
    /// <c>$.content.thread[i]</c> (<see cref="ThreadPaths"/>).
    /// </summary>
    public int? Part { get; init; }

    /// <summary>The platforms a later thread part is judged for: only those that take threads (the others refuse the thread itself).</summary>
    public IReadOnlyList<Platform>? PartPlatforms { get; init; }

    /// <summary>The context of one thread part: its content as a single post's, for the rules that judge each part.</summary>
    public RuleContext ForPart(int index, IReadOnlyList<Platform>? platforms)
    {
        var content = Draft.Content;
        var part = content.Parts[index];
        var partContent = new PostContent(part.Text, part.Media, index == 0 ? content.LinkUrl : null, part.PlatformOverrides);
        return this with { Draft = Draft with { Content = partContent }, Part = index, PartPlatforms = platforms };
    }

    public int IndexOf(Platform platform)
    {
        for (var i = 0; i < Draft.Platforms.Count; i++)
        {
            if (Draft.Platforms[i] == platform) return i;
        }
        return -1;
    }

    /// <summary>The JSON path of the text a platform will receive: its override when there is one.</summary>
    public string TextPathFor(Platform platform) =>
        Draft.Content.PlatformOverrides.TryGetValue(platform, out var o) && o.Text is not null
            ? $"$.content.platformOverrides.{platform.ToWireName()}.text"
            : "$.content.text";

    /// <summary>The platform's settings object, or null when it has none (or settings is not an object).</summary>
    public JsonElement? SettingsFor(Platform platform) =>
        Draft.Content.SettingsFor(platform) is { ValueKind: JsonValueKind.Object } settings ? settings : null;

    /// <summary>The JSON path of one of a platform's settings, e.g. <c>$.content.platformOverrides.youtube.settings.title</c>.</summary>
    public static string SettingPath(Platform platform, string name) =>
        $"$.content.platformOverrides.{platform.ToWireName()}.settings.{name}";

    /// <summary>The account's platform-specific metadata section, e.g. <c>{"tiktok": {"privacyLevelOptions": [...]}}</c>.</summary>
    public JsonElement? AccountMetadataFor(Platform platform) =>
        AccountsByPlatform.TryGetValue(platform, out var account) &&
        account.Metadata.ValueKind == JsonValueKind.Object &&
        account.Metadata.TryGetProperty(platform.ToWireName(), out var section) &&
        section.ValueKind == JsonValueKind.Object
            ? section
            : null;
}

/// <summary>
/// One rule about a post. Generic rules report problems with no platform; platform rules report the
/// platform they concern. A rule reports every problem it finds, never only the first.
/// </summary>
public interface IPostRule
{
    IEnumerable<Problem> Check(RuleContext context);

    /// <summary>
    /// The rule judges the text, media and per-platform overrides a post goes out with: on a thread it runs on each part
    /// (<see cref="PostValidator"/>), and a problem names the part. Other rules judge the post as a whole and run once.
    /// </summary>
    bool ChecksEachPart => false;

    /// <summary>The rule judges media (counts, formats, placements): skipped for a reply that is a comment, which takes none.</summary>
    bool ChecksMedia => false;
}
