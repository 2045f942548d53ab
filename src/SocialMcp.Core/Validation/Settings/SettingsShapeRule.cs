using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Platforms.Definitions;

namespace SocialMcp.Core.Validation.Settings;

/// <summary>
/// Each targeted platform's settings are an object of known fields with the right kinds and values
/// (the platform definition's <see cref="PlatformDefinition.Settings"/>): kinds, allowed values and patterns. Lengths
/// and counts are the schema's and the platform rules' to judge; <c>placement</c> is <see cref="Media.PlacementRule"/>'s.
/// </summary>
public sealed class SettingsShapeRule : IPostRule
{
    public bool ChecksEachPart => true;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        foreach (var platform in context.TargetPlatforms)
        {
            if (context.Draft.Content.SettingsFor(platform) is not { } settings || settings.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
                continue;

            var name = platform.ToWireName();
            var settingsPath = $"$.content.platformOverrides.{name}.settings";
            if (settings.ValueKind != JsonValueKind.Object)
            {
                yield return new Problem(ErrorCodes.ValidationFailed, $"settings for {name} must be an object.", settingsPath, platform);
                continue;
            }

            var spec = PlatformSettings.For(platform);
            foreach (var property in settings.EnumerateObject())
            {
                if (property.Name == MetaPlacements.SettingName)
                    continue;
                var path = RuleContext.SettingPath(platform, property.Name);
                if (spec.Find(property.Name) is not { } field)
                {
                    var known = spec.Fields.Select(f => f.Name).Where(n => n != MetaPlacements.SettingName).ToList();
                    yield return new Problem(ErrorCodes.ValidationFailed,
                        known.Count == 0
                            ? $"{name} has no settings; '{property.Name}' is not one."
                            : $"'{property.Name}' is not a {name} setting; {name} takes: {string.Join(", ", known)}.",
                        path, platform, "Remove the setting, or check its spelling (settings are camelCase).");
                    continue;
                }
                foreach (var problem in CheckValue(platform, property.Value, field, path))
                    yield return problem;
            }
        }
    }

    private static IEnumerable<Problem> CheckValue(Platform platform, JsonElement value, SettingDefinition field, string path)
    {
        switch (field.Kind)
        {
            case SettingKind.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                yield return Invalid(platform, path, "must be true or false");
                break;
            case SettingKind.String or SettingKind.DateTime when value.ValueKind != JsonValueKind.String:
                yield return Invalid(platform, path, "must be a string");
                break;
            case SettingKind.String:
                var text = value.GetString()!;
                if (field.AllowedValues is { } allowed && !allowed.Contains(text, StringComparer.Ordinal))
                    yield return Invalid(platform, path, $"must be one of {string.Join(", ", allowed)}");
                else if (!field.PatternsInSchemaOnly && field.Pattern is { } pattern && !Regex.IsMatch(text, pattern))
                    yield return Invalid(platform, path, $"must match {pattern}");
                break;
            case SettingKind.DateTime when !PlatformSettings.TryParseDateTime(value.GetString(), out _):
                yield return Invalid(platform, path, "must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00+01:00");
                break;
            case SettingKind.StringArray when value.ValueKind != JsonValueKind.Array:
                yield return Invalid(platform, path, "must be an array of strings");
                break;
            case SettingKind.StringArray:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var itemPath = $"{path}[{index++}]";
                    if (item.ValueKind != JsonValueKind.String)
                        yield return Invalid(platform, itemPath, "must be a string");
                    else if (!field.PatternsInSchemaOnly && field.ItemPattern is { } itemPattern && !Regex.IsMatch(item.GetString()!, itemPattern))
                        yield return Invalid(platform, itemPath, $"must match {itemPattern}");
                }
                break;
        }
    }

    private static Problem Invalid(Platform platform, string path, string what) =>
        new(ErrorCodes.ValidationFailed, $"{path} {what}.", path, platform,
            $"Fix the setting; the {platform.ToWireName()} settings are described in create_post's inputSchema.");
}
