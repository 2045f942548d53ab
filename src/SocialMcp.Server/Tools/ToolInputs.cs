using System.Text.Json;
using SocialMcp.Core.Domain;

namespace SocialMcp.Server.Tools;

// Tool arguments as the SDK binds them (media items bind straight to the domain's MediaItem). They arrive already validated against the advertised schema,
// so the mapping below only converts; it does not re-check.

public sealed record ContentInput(
    string Text,
    IReadOnlyList<MediaItem>? Media = null,
    string? LinkUrl = null,
    IReadOnlyDictionary<string, OverrideInput>? PlatformOverrides = null)
{
    public PostContent ToDomain() => new(
        Text,
        Media ?? [],
        LinkUrl,
        PlatformOverrides?.ToDictionary(p => PlatformNames.Parse(p.Key), p => new PlatformOverride(p.Value.Text, p.Value.Settings))
            ?? new Dictionary<Platform, PlatformOverride>());
}

public sealed record OverrideInput(string? Text = null, JsonElement? Settings = null);

internal static class InputMapping
{
    public static PublishPolicy? ToPolicy(this string? name) => name is null ? null : PublishPolicyNames.ParsePublishPolicy(name);

    public static TimeSpan? ToTolerance(this int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;

    public static IReadOnlyList<Platform>? ToPlatforms(this IReadOnlyList<string>? names) =>
        names?.Select(PlatformNames.Parse).ToList();
}
