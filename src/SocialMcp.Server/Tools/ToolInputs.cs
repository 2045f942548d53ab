using System.Text.Json;
using SocialMcp.Core.Domain;

namespace SocialMcp.Server.Tools;

// Tool arguments as the SDK binds them. They arrive already validated against the advertised schema,
// so the mapping below only converts; it does not re-check.

public sealed record ContentInput(
    string Text,
    IReadOnlyList<MediaInput>? Media = null,
    string? LinkUrl = null,
    IReadOnlyDictionary<string, OverrideInput>? PlatformOverrides = null)
{
    public PostContent ToDomain() => new(
        Text,
        Media?.Select(m => m.ToDomain()).ToList() ?? [],
        LinkUrl,
        PlatformOverrides?.ToDictionary(p => PlatformNames.Parse(p.Key), p => new PlatformOverride(p.Value.Text, p.Value.Settings))
            ?? new Dictionary<Platform, PlatformOverride>());
}

public sealed record MediaInput(
    string Url,
    string Type,
    string? MimeType = null,
    long? SizeBytes = null,
    int? Width = null,
    int? Height = null,
    double? DurationSeconds = null,
    string? AltText = null,
    string? ThumbnailUrl = null)
{
    public MediaItem ToDomain() => new(Url, Type, MimeType, SizeBytes, Width, Height, DurationSeconds, AltText, ThumbnailUrl);
}

public sealed record OverrideInput(string? Text = null, JsonElement? Settings = null);

internal static class InputMapping
{
    public static IReadOnlyList<Platform>? ToPlatforms(this IReadOnlyList<string>? names) =>
        names?.Select(PlatformNames.Parse).ToList();
}
