using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Core.Validation.Settings;

/// <summary>
/// YouTube (docs/platforms.md#youtube-limits, #youtube-publish-flow, off.): a title is required (settings.title, at most 100 characters); title and
/// description hold no &lt; or &gt;; the tags together are at most 500 characters as YouTube counts them; publishAt
/// lies in the future, needs privacyStatus private and is never combined with the post's scheduledFor. The
/// description's length is <see cref="TextLengthRule"/>'s to check.
/// </summary>
public sealed class YouTubeRules : IPostRule
{
    private const Platform YouTube = Platform.YouTube;
    private readonly YouTubeRulesOptions _rules;
    private readonly IPlatformTextMeasure _measure;
    private readonly ITextCounter _characters;

    public YouTubeRules(IOptions<ContentRulesOptions> options, IPlatformTextMeasure measure)
    {
        _rules = options.Value.YouTube;
        _measure = measure;
        _characters = TextCounters.Create(_rules.CharacterCounting, options.Value.X);
    }

    public IEnumerable<Problem> Check(RuleContext context)
    {
        if (!context.Draft.Platforms.Contains(YouTube))
            yield break;

        var rules = _rules;
        var settings = context.SettingsFor(YouTube);

        var titlePath = RuleContext.SettingPath(YouTube, "title");
        if (PlatformSettings.GetString(settings, "title") is { } title)
        {
            var length = _characters.Count(title);
            if (string.IsNullOrWhiteSpace(title))
                yield return Invalid(titlePath, "The youtube title must not be empty.");
            else if (length > rules.MaxTitleLength)
            {
                yield return new Problem(ErrorCodes.ContentTooLong,
                    $"The youtube title is {length} {_characters.Unit}; the limit is {rules.MaxTitleLength}.", titlePath, YouTube,
                    "Shorten content.platformOverrides.youtube.settings.title.");
            }
            if (HasAngleBrackets(title))
                yield return Invalid(titlePath, "A YouTube title cannot contain < or >.");
        }
        else if (rules.RequireTitle && !PlatformSettings.Has(settings, "title"))
        {
            yield return Invalid(titlePath,
                $"youtube needs a video title: set content.platformOverrides.youtube.settings.title (up to {rules.MaxTitleLength} characters).");
        }

        var description = _measure.Measure(YouTube, context.Draft.Content);
        if (HasAngleBrackets(description.Text))
            yield return Invalid(description.Path, "A YouTube description cannot contain < or >; the post text is the video description on youtube.");

        if (PlatformSettings.GetStringArray(settings, "tags") is { } tags)
        {
            var length = YouTubeTags.Length(tags, _characters);
            if (length > rules.MaxTagsLength)
            {
                yield return new Problem(ErrorCodes.ContentTooLong,
                    $"The youtube tags are {length} {_characters.Unit} together (commas between tags and quotes around tags with spaces count); the limit is {rules.MaxTagsLength}.",
                    RuleContext.SettingPath(YouTube, "tags"), YouTube, "Drop or shorten some tags.");
            }
        }

        if (PlatformSettings.TryParseDateTime(PlatformSettings.GetString(settings, "publishAt"), out var publishAt))
        {
            var publishAtPath = RuleContext.SettingPath(YouTube, "publishAt");
            if (context.Purpose == RulePurpose.Save && publishAt <= context.Now)
                yield return Invalid(publishAtPath, $"publishAt must be in the future (after {context.Now:O}).");
            if (PlatformSettings.GetString(settings, "privacyStatus") != "private")
            {
                yield return Invalid(RuleContext.SettingPath(YouTube, "privacyStatus"),
                    "publishAt needs privacyStatus private: YouTube keeps the video private and makes it public at publishAt.");
            }
            if (context.Draft.ScheduledFor is not null || context.Draft.IsScheduled)
            {
                yield return Invalid(publishAtPath,
                    "publishAt and scheduledFor cannot both be set: scheduledFor publishes everywhere at that time, publishAt lets YouTube make an uploaded private video public later.");
            }
        }
    }

    private static bool HasAngleBrackets(string text) => text.AsSpan().IndexOfAny('<', '>') >= 0;

    private static Problem Invalid(string path, string message) =>
        new(ErrorCodes.ValidationFailed, message, path, YouTube, "Fix the youtube setting at path; create_post's inputSchema describes each one.");
}
