using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Validation.Settings;

public enum SettingKind
{
    Boolean,
    String,
    StringArray,

    /// <summary>An RFC 3339 date-time with an explicit offset, e.g. 2026-12-01T09:00:00+01:00.</summary>
    DateTime,
}

/// <summary>One platform setting: its JSON kind, allowed values (enums) and the pattern of a string or of each array item.</summary>
public sealed record SettingSpec(SettingKind Kind, IReadOnlyList<string>? AllowedValues = null, string? Pattern = null, string? ItemPattern = null);

/// <summary>
/// The settings each platform accepts in <c>content.platformOverrides.{platform}.settings</c>. The tools' input
/// schemas (Mcp/Schemas/_defs.json) advertise the same fields; a test keeps the two in step. The domain checks
/// them too, so a post that did not come through a tool (or was stored earlier) is held to the same shape.
/// </summary>
public static partial class PlatformSettings
{
    public const string Placement = "placement";

    public static IReadOnlyList<string> TikTokPrivacyLevels { get; } =
        ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"];

    public static IReadOnlyList<string> YouTubePrivacyStatuses { get; } = ["private", "unlisted", "public"];

    public static IReadOnlyList<string> LinkedInVisibilities { get; } = ["PUBLIC", "CONNECTIONS", "LOGGED_IN"];

    public const string AsinPattern = "^[A-Z0-9]{10}$";

    private static readonly SettingSpec Bool = new(SettingKind.Boolean);
    private static readonly SettingSpec Text = new(SettingKind.String);

    private static readonly IReadOnlyDictionary<string, SettingSpec> PlacementOnly = new Dictionary<string, SettingSpec>
    {
        [Placement] = new(SettingKind.String, ["feed", "story", "reel", "carousel"]),
    };

    private static readonly Dictionary<Platform, IReadOnlyDictionary<string, SettingSpec>> Specs = new()
    {
        [Platform.Instagram] = PlacementOnly,
        [Platform.Facebook] = PlacementOnly,
        [Platform.X] = new Dictionary<string, SettingSpec>(),
        [Platform.Threads] = new Dictionary<string, SettingSpec>(),
        [Platform.TikTok] = new Dictionary<string, SettingSpec>
        {
            ["privacyLevel"] = new(SettingKind.String, TikTokPrivacyLevels),
            ["disableComment"] = Bool,
            ["disableDuet"] = Bool,
            ["disableStitch"] = Bool,
            ["brandContentToggle"] = Bool,
            ["brandOrganicToggle"] = Bool,
        },
        [Platform.YouTube] = new Dictionary<string, SettingSpec>
        {
            ["title"] = Text,
            ["description"] = Text,
            ["tags"] = new(SettingKind.StringArray),
            ["categoryId"] = new(SettingKind.String, Pattern: "^[0-9]+$"),
            ["privacyStatus"] = new(SettingKind.String, YouTubePrivacyStatuses),
            ["publishAt"] = new(SettingKind.DateTime),
            ["notifySubscribers"] = Bool,
            ["selfDeclaredMadeForKids"] = Bool,
            ["containsSyntheticMedia"] = Bool,
        },
        [Platform.LinkedIn] = new Dictionary<string, SettingSpec>
        {
            ["visibility"] = new(SettingKind.String, LinkedInVisibilities),
            ["isReshareDisabledByAuthor"] = Bool,
            ["articleTitle"] = Text,
            ["articleDescription"] = Text,
            ["videoTitle"] = Text,
            ["altText"] = new(SettingKind.StringArray),
        },
        [Platform.Amazon] = new Dictionary<string, SettingSpec>
        {
            ["products"] = new(SettingKind.StringArray, ItemPattern: AsinPattern),
        },
    };

    public static IReadOnlyDictionary<string, SettingSpec> For(Platform platform) => Specs[platform];

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
