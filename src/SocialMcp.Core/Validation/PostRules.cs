using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Validation;

/// <summary>What an agent asked for, before it is stored: the subject of every rule.</summary>
public sealed record PostDraft(PostContent Content, IReadOnlyList<Platform> Platforms, DateTimeOffset? ScheduledFor);

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
}

/// <summary>
/// One rule about a post. Generic rules report problems with no platform; platform rules report the
/// platform they concern. Platform content rules plug in here as more implementations.
/// </summary>
public interface IPostRule
{
    IEnumerable<Problem> Check(RuleContext context);
}
