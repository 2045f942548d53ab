namespace SocialMcp.Core.Platforms;

/// <summary>The JSON kind of a platform setting.</summary>
public enum SettingKind
{
    Boolean,
    String,
    StringArray,

    /// <summary>An RFC 3339 date-time with an explicit offset, e.g. 2026-12-01T09:00:00+01:00.</summary>
    DateTime,
}

/// <summary>
/// One platform setting, described once: the domain's shape check reads its kind, allowed values and patterns; the
/// tools' JSON Schema is produced from all of it. Length and count bounds are advertised in the schema (which refuses
/// arguments that break them); the platform's own rules judge the real limits with messages of their own.
/// </summary>
public sealed record SettingDefinition(string Name, SettingKind Kind, string Description)
{
    /// <summary>The only values a string may take (a JSON Schema enum).</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>A regular expression the whole string matches.</summary>
    public string? Pattern { get; init; }

    /// <summary>
    /// Only the schema applies <see cref="Pattern"/> and <see cref="ItemPattern"/>: a platform rule judges the same
    /// thing for posts that did not come through a tool, with a message written for it.
    /// </summary>
    public bool PatternsInSchemaOnly { get; init; }

    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }

    public int? MinItems { get; init; }
    public int? MaxItems { get; init; }
    public bool UniqueItems { get; init; }
    public int? ItemMinLength { get; init; }
    public int? ItemMaxLength { get; init; }

    /// <summary>A regular expression each item of a string array matches.</summary>
    public string? ItemPattern { get; init; }

    public static SettingDefinition Boolean(string name, string description) => new(name, SettingKind.Boolean, description);

    public static SettingDefinition Text(string name, string description) => new(name, SettingKind.String, description);

    public static SettingDefinition Choice(string name, IReadOnlyList<string> values, string description) =>
        new(name, SettingKind.String, description) { AllowedValues = values };

    public static SettingDefinition DateTime(string name, string description) => new(name, SettingKind.DateTime, description);

    public static SettingDefinition TextList(string name, string description) => new(name, SettingKind.StringArray, description);
}

/// <summary>
/// Setting <see cref="Field"/> may only be given together with <see cref="RequiredField"/>, and, when
/// <see cref="RequiredValue"/> is set, only when that field has that value (YouTube: publishAt needs privacyStatus private).
/// </summary>
public sealed record SettingDependency(string Field, string RequiredField, string? RequiredValue = null);

/// <summary>A platform's settings object: its fields (all optional in the schema) and how they depend on each other.</summary>
/// <param name="Description">What an agent should know about the settings as a whole; null for nothing.</param>
public sealed record SettingsSchema(IReadOnlyList<SettingDefinition> Fields, string? Description = null, IReadOnlyList<SettingDependency>? Dependencies = null)
{
    /// <summary>A platform without settings: its override takes text only.</summary>
    public static SettingsSchema None { get; } = new([]);

    public bool IsEmpty => Fields.Count == 0;

    public IReadOnlyList<SettingDependency> DependencyList => Dependencies ?? [];

    public SettingDefinition? Find(string name) => Fields.FirstOrDefault(f => f.Name == name);
}
