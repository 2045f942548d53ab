namespace SocialMcp.Core.Options;

/// <summary>
/// One platform's media rules (configuration <c>ContentRules:Media:{platform}</c>). Null limits are not checked.
/// MIME types, sizes and durations are checked only for media items that state them. Each platform's defaults are
/// in its definition (<see cref="Platforms.PlatformDefinition.CreateMediaRules"/>).
/// </summary>
public sealed class MediaRulesOptions
{
    /// <summary>A platform without media rules.</summary>
    public static MediaRulesOptions Unrestricted => new() { AllowMixed = true };

    /// <summary>Images and videos may appear in the same post; otherwise MIXED_MEDIA_NOT_SUPPORTED.</summary>
    public bool AllowMixed { get; set; }

    /// <summary>A GIF (mimeType image/gif, or a .gif URL without mimeType) must be the post's only media item.</summary>
    public bool GifAlone { get; set; }

    public int MinItems { get; set; }
    public int? MaxItems { get; set; }
    public int MinImages { get; set; }
    public int? MaxImages { get; set; }
    public int MinVideos { get; set; }
    public int? MaxVideos { get; set; }

    /// <summary>Comma-separated allowed image MIME types; empty allows any image/* type.</summary>
    public string ImageMimeTypes { get; set; } = "";

    /// <summary>Comma-separated allowed video MIME types; empty allows any video/* type.</summary>
    public string VideoMimeTypes { get; set; } = "";

    public long? MaxImageBytes { get; set; }

    /// <summary>Largest GIF; when not set, GIFs are held to <see cref="MaxImageBytes"/>.</summary>
    public long? MaxGifBytes { get; set; }

    public long? MaxVideoBytes { get; set; }
    public double? MinVideoSeconds { get; set; }
    public double? MaxVideoSeconds { get; set; }

    public IReadOnlyList<string> ImageMimeTypeList => SplitList(ImageMimeTypes);
    public IReadOnlyList<string> VideoMimeTypeList => SplitList(VideoMimeTypes);

    public IEnumerable<string> Validate(string prefix)
    {
        foreach (var (name, min, max) in new[] { ("Items", MinItems, MaxItems), ("Images", MinImages, MaxImages), ("Videos", MinVideos, MaxVideos) })
        {
            if (min < 0)
                yield return $"{prefix}:Min{name} must not be negative.";
            if (max < 0)
                yield return $"{prefix}:Max{name} must not be negative.";
            if (max is { } m && min > m)
                yield return $"{prefix}:Min{name} ({min}) must not be greater than Max{name} ({m}).";
        }
        foreach (var (name, value) in new[] { ("MaxImageBytes", MaxImageBytes), ("MaxGifBytes", MaxGifBytes), ("MaxVideoBytes", MaxVideoBytes) })
        {
            if (value < 1)
                yield return $"{prefix}:{name} must be at least 1.";
        }
        if (MinVideoSeconds < 0)
            yield return $"{prefix}:MinVideoSeconds must not be negative.";
        if (MaxVideoSeconds <= 0)
            yield return $"{prefix}:MaxVideoSeconds must be greater than 0.";
        if (MinVideoSeconds is { } minSeconds && MaxVideoSeconds is { } maxSeconds && minSeconds > maxSeconds)
            yield return $"{prefix}:MinVideoSeconds must not be greater than MaxVideoSeconds.";
        foreach (var (name, list, kind) in new[] { ("ImageMimeTypes", ImageMimeTypeList, "image"), ("VideoMimeTypes", VideoMimeTypeList, "video") })
        {
            foreach (var mime in list)
            {
                if (!mime.StartsWith(kind + "/", StringComparison.OrdinalIgnoreCase) || mime.Length == kind.Length + 1 || mime.Contains(' '))
                    yield return $"{prefix}:{name} has '{mime}', which is not an {kind}/* MIME type; write e.g. {kind}/{(kind == "image" ? "jpeg" : "mp4")}.";
            }
        }
    }

    internal static IReadOnlyList<string> SplitList(string? list) =>
        string.IsNullOrWhiteSpace(list)
            ? []
            : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
