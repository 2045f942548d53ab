using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Platforms.Definitions;

namespace SocialMcp.Core.Platforms;

/// <summary>
/// Everything SocialMcp knows about one platform that is not HTTP: its name, how it counts text and how much it takes,
/// its media rules, its settings and their JSON shape, and what it can withdraw. The tool schemas, the validation
/// defaults and llm.txt's platform tables are produced from these definitions (see <see cref="PlatformCatalog"/>);
/// configuration still overrides the limits per platform.
/// </summary>
/// <remarks>
/// Definitions are created with the catalog, and <see cref="PlatformNames"/> is built from the catalog: a definition's
/// constructor and initializers must not reach <see cref="PlatformNames"/> (e.g. through ToWireName).
/// </remarks>
public abstract class PlatformDefinition
{
    protected const long MiB = 1024 * 1024;
    protected const long GiB = 1024 * MiB;

    public abstract Platform Platform { get; }

    /// <summary>The wire name agents write: lower case, e.g. <c>linkedin</c>.</summary>
    public abstract string Name { get; }

    /// <summary>How the platform counts its main text and the default limit in that unit (<c>ContentRules:MaxTextLength</c>).</summary>
    public abstract TextLimit Text { get; }

    /// <summary>
    /// The default media rules (<c>ContentRules:Media:{platform}</c>). A new object on every call, because configuration
    /// binds into it.
    /// </summary>
    public abstract MediaRulesOptions CreateMediaRules();

    /// <summary>The settings accepted in <c>content.platformOverrides.{platform}.settings</c>; none by default.</summary>
    public virtual SettingsSchema Settings => SettingsSchema.None;

    /// <summary>What an agent should know about this platform's override, e.g. that a setting is required; null for nothing.</summary>
    public virtual string? OverrideDescription => null;

    /// <summary>
    /// Whether the platform's API can delete a published post with the default configuration. Publishers report the
    /// same through <c>CapabilitiesFor</c>; a test holds every adapter to this value.
    /// </summary>
    public abstract bool CanWithdraw { get; }

    /// <summary>Threads, replies, first comments and reading a post back (issue 15); none by default.</summary>
    public virtual ConversationSupport Conversation => ConversationSupport.None;

    /// <summary>Posts one account may publish per UTC day (<c>Scheduling:DailyCaps</c> default); null for no cap.</summary>
    public virtual int? DailyPostCap => null;

    /// <summary>The platform takes <c>settings.placement</c> (feed, story, reel, carousel).</summary>
    public bool HasPlacements => Settings.Find(MetaPlacements.SettingName) is not null;

    public override string ToString() => Name;
}

/// <summary>
/// A platform's text limit: the counting method, the maximum in that unit, and how agents are told about it, e.g.
/// "280 weighted (every URL 23 whatever its length, CJK and emoji 2, Latin 1)".
/// </summary>
/// <param name="Note">What an agent needs to know about the counting, in parentheses after the limit; null for nothing.</param>
public sealed record TextLimit(TextCountingMethod Counting, int MaxLength, string? Note = null)
{
    /// <summary>The limit as agents read it: "2200", "5000 UTF-8 bytes (the text is the video description)".</summary>
    public string Summary => Note is null ? $"{MaxLength}" : $"{MaxLength} {Note}";
}
