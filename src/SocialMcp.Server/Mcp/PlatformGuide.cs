using System.Text;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Validation.Media;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// llm.txt's "Platforms" section, produced from the platform definitions: a table of each platform's text limit, media,
/// file types, withdrawal and daily cap, then each platform's settings. llm.txt is committed (the server embeds it as
/// it is); a test fails when the section between the markers is stale and rewrites it with UPDATE_SNAPSHOTS=1.
/// </summary>
public static class PlatformGuide
{
    public const string BeginMarker = "<!-- BEGIN platforms: produced from src/SocialMcp.Core/Platforms/Definitions; refresh with UPDATE_SNAPSHOTS=1 dotnet test tests/SocialMcp.Tests --filter FullyQualifiedName~LlmTxt -->";
    public const string EndMarker = "<!-- END platforms -->";

    /// <summary>The section's lines between the markers, each ending in \n.</summary>
    public static string Render(IReadOnlyList<PlatformDefinition> platforms)
    {
        var text = new StringBuilder();
        text.Append("Defaults; the operator may configure other limits (ContentRules, Scheduling:DailyCaps). validate_post checks a post against them.\n");
        text.Append("| platform | text limit, counted the platform's way | media per post | image types | video types | withdraw_post | posts per account per day |\n");
        text.Append("|---|---|---|---|---|---|---|\n");
        foreach (var platform in platforms)
        {
            var media = platform.CreateMediaRules();
            text.Append($"| {platform.Name} | {platform.Text.Summary} | {MediaCountRule.Allowed(media)} | " +
                        $"{Types(media.MaxImages, media.ImageMimeTypeList, "image")} | {Types(media.MaxVideos, media.VideoMimeTypeList, "video")} | " +
                        $"{(platform.CanWithdraw ? "yes" : "no: WITHDRAW_NOT_SUPPORTED, remove it by hand")} | {platform.DailyPostCap?.ToString() ?? "no cap"} |\n");
        }
        text.Append('\n');
        text.Append("Settings per platform, in content.platformOverrides.{platform}.settings (unknown settings are refused):\n");
        foreach (var platform in platforms)
        {
            var about = string.Join(" ", new[] { platform.OverrideDescription, platform.Settings.Description }.OfType<string>());
            if (platform.Settings.IsEmpty)
            {
                text.Append($"- {platform.Name}: none{(about.Length > 0 ? $". {about}" : ".")}\n");
                continue;
            }
            text.Append($"- {platform.Name}:{(about.Length > 0 ? $" {about}" : "")}\n");
            foreach (var field in platform.Settings.Fields)
                text.Append($"  - {field.Name} ({Kind(field)}): {field.Description}\n");
        }
        return text.ToString();
    }

    /// <summary>Replaces what lies between the markers with <paramref name="section"/>; throws when a marker is missing.</summary>
    public static string ReplaceSection(string llmTxt, string section)
    {
        var begin = llmTxt.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = llmTxt.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
            throw new InvalidOperationException($"llm.txt has no '{BeginMarker}' line followed by a '{EndMarker}' line.");
        var start = begin + BeginMarker.Length + 1;
        return llmTxt[..start] + section + llmTxt[end..];
    }

    private static string Types(int? max, IReadOnlyList<string> types, string kind) =>
        max == 0 ? "none" : types.Count == 0 ? $"any {kind}/*" : string.Join(", ", types);

    private static string Kind(SettingDefinition field) => field.Kind switch
    {
        SettingKind.Boolean => "true or false",
        SettingKind.DateTime => "date-time",
        SettingKind.StringArray => "array of strings",
        _ when field.AllowedValues is { } values => string.Join(" | ", values),
        _ => "string",
    };
}
