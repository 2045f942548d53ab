using System.Text.Json;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Platforms.Definitions;
using SocialMcp.Core.Validation.Media;

namespace SocialMcp.Core.Validation.Settings;

/// <summary>
/// TikTok (docs/platforms.md#tiktok-auth-and-tokens, #tiktok-limits): the creator chooses settings.privacyLevel, and it must be one of the levels
/// their account offers — <c>privacyLevelOptions</c> from creator_info, kept in the account metadata as
/// <c>{"tiktok": {"privacyLevelOptions": [...]}}</c> (no list there: any level). Videos last at most the
/// creator's <c>maxVideoPostDurationSec</c> from the same metadata, else <c>ContentRules:TikTok:DefaultMaxVideoSeconds</c>.
/// </summary>
public sealed class TikTokRules(IOptions<ContentRulesOptions> options) : IPostRule
{
    public IEnumerable<Problem> Check(RuleContext context)
    {
        if (!context.Draft.Platforms.Contains(Platform.TikTok))
            yield break;

        var rules = options.Value.TikTok;
        var settings = context.SettingsFor(Platform.TikTok);
        var metadata = context.AccountMetadataFor(Platform.TikTok);
        var offered = OfferedPrivacyLevels(metadata);
        var path = RuleContext.SettingPath(Platform.TikTok, "privacyLevel");
        var choices = string.Join(", ", offered ?? TikTokPlatform.PrivacyLevels);

        if (PlatformSettings.GetString(settings, "privacyLevel") is { } level)
        {
            if (offered is not null && !offered.Contains(level, StringComparer.Ordinal))
            {
                yield return new Problem(ErrorCodes.ValidationFailed,
                    $"This TikTok account does not offer privacyLevel {level}; it offers {choices}.", path, Platform.TikTok,
                    "Ask the creator to choose one of the offered levels (a private account has no public option).");
            }
        }
        else if (rules.RequirePrivacyLevel && !PlatformSettings.Has(settings, "privacyLevel"))
        {
            yield return new Problem(ErrorCodes.ValidationFailed,
                $"tiktok needs settings.privacyLevel, chosen by the creator: {choices}.", path, Platform.TikTok,
                "TikTok requires the creator's explicit choice; ask them, then set content.platformOverrides.tiktok.settings.privacyLevel.");
        }

        var maxSeconds = MaxVideoSeconds(metadata) ?? rules.DefaultMaxVideoSeconds;
        var media = context.Draft.Content.Media;
        for (var i = 0; i < media.Count; i++)
        {
            if (media[i] is { IsVideo: true, DurationSeconds: { } seconds } && seconds > maxSeconds)
            {
                yield return new Problem(ErrorCodes.UnsupportedMediaConfig,
                    $"This TikTok account posts videos of at most {MediaKinds.Seconds(maxSeconds)}; this one is {MediaKinds.Seconds(seconds)}.",
                    MediaKinds.PathOf(i) + ".durationSeconds", Platform.TikTok, "Trim the video, or post it to tiktok separately.");
            }
        }
    }

    private static IReadOnlyList<string>? OfferedPrivacyLevels(JsonElement? metadata)
    {
        if (metadata is not { } m || !m.TryGetProperty("privacyLevelOptions", out var options) || options.ValueKind != JsonValueKind.Array)
            return null;
        return options.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!).ToList();
    }

    private static double? MaxVideoSeconds(JsonElement? metadata) =>
        metadata is { } m && m.TryGetProperty("maxVideoPostDurationSec", out var max) && max.ValueKind == JsonValueKind.Number &&
        max.TryGetDouble(out var seconds) && seconds > 0
            ? seconds
            : null;
}
