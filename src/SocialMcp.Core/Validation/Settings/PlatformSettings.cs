using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Platforms;

namespace SocialMcp.Core.Validation.Settings;

/// <summary>
/// Reading the settings in <c>content.platformOverrides.{platform}.settings</c>. Which settings each platform accepts,
/// and their shape, is its definition's <see cref="PlatformDefinition.Settings"/>; the tools' input schemas are produced
/// from the same definitions. The domain checks the shape too, so a post that did not come through a tool (or was
/// stored earlier) is held to it.
/// </summary>
public static partial class PlatformSettings
{
    public static SettingsSchema For(Platform platform) => PlatformCatalog.For(platform).Settings;

    public static string? GetString(JsonElement? settings, string name) =>
        settings is { } s && s.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Has(JsonElement? settings, string name) => settings is { } s && s.TryGetProperty(name, out _);

    /// <summary>The strings of an array setting, or null when it is absent or not an array of strings.</summary>
    public static IReadOnlyList<string>? GetStringArray(JsonElement? settings, string name)
    {
        if (settings is not { } s || !s.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
            return null;
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                return null;
            items.Add(item.GetString()!);
        }
        return items;
    }

    /// <summary>Parses an RFC 3339 date-time that carries its offset (Z or ±hh:mm), as the tool schemas require.</summary>
    public static bool TryParseDateTime(string? value, out DateTimeOffset result)
    {
        result = default;
        return value is not null && DateTimePattern().IsMatch(value) &&
               DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out result);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimePattern();
}
