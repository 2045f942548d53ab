namespace SocialMcp.Core.Options;

/// <summary>
/// One platform's media rules (configuration <c>ContentRules:Media:{platform}</c>). Null limits are not checked.
/// MIME types, sizes and durations are checked only for media items that state them.
/// </summary>
public sealed class MediaRulesOptions
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

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

    /// <summary>The documented rules (docs/platforms.md: each platform's "limits" section, e.g. #x-limits, and #summary).</summary>
    public static Dictionary<string, MediaRulesOptions> Defaults() => new()
    {
        // Carousels mix images and videos (3p); JPEG is what Meta's docs name (PNG/GIF only per aggregators);
        // reels 3 s – 15 min and up to 1 GB (newer 3p docs; older ones said 300 MB). The count without a
        // placement is a carousel's: 1 item publishes as feed image or reel, 2–10 as a carousel.
        ["instagram"] = new()
        {
            AllowMixed = true,
            MinItems = 1,
            MaxItems = 10,
            ImageMimeTypes = "image/jpeg",
            VideoMimeTypes = "video/mp4,video/quicktime",
            MaxImageBytes = 8 * MiB,
            MaxVideoBytes = 1 * GiB,
            MinVideoSeconds = 3,
            MaxVideoSeconds = 15 * 60,
        },
        // Photos JPG/PNG under 4 MB (3p); mixing photos and a video is unverified, assumed unsupported.
        ["facebook"] = new()
        {
            MaxVideos = 1,
            ImageMimeTypes = "image/jpeg,image/png",
            VideoMimeTypes = "video/mp4",
            MaxImageBytes = 4 * MiB,
        },
        // Up to 4 photos, or 1 animated GIF, or 1 video; images ≤ 5 MB, GIF ≤ 15 MB, video 0.5 s – 20 min
        // and ≤ 8 GB for default accounts (off.).
        ["x"] = new()
        {
            GifAlone = true,
            MaxImages = 4,
            MaxVideos = 1,
            ImageMimeTypes = "image/jpeg,image/png,image/gif,image/webp",
            VideoMimeTypes = "video/mp4,video/quicktime",
            MaxImageBytes = 5 * MiB,
            MaxGifBytes = 15 * MiB,
            MaxVideoBytes = 8 * GiB,
            MinVideoSeconds = 0.5,
            MaxVideoSeconds = 20 * 60,
        },
        // One content kind: one image, 2–20 images (multiImage, off.), or one video (≤ 500 MB, 3 s – 30 min, 3p).
        ["linkedin"] = new()
        {
            MaxImages = 20,
            MaxVideos = 1,
            ImageMimeTypes = "image/jpeg,image/png,image/gif",
            VideoMimeTypes = "video/mp4",
            MaxImageBytes = 5 * MiB,
            MaxVideoBytes = 500 * MiB,
            MinVideoSeconds = 3,
            MaxVideoSeconds = 30 * 60,
        },
        // One video or 1–35 photos, no text-only posts (3p). PNG is disputed between aggregators: left out.
        // Video length is held to the creator's max_video_post_duration_sec when the account metadata has it
        // (TikTok:DefaultMaxVideoSeconds otherwise), so it is not set here.
        ["tiktok"] = new()
        {
            MinItems = 1,
            MaxImages = 35,
            MaxVideos = 1,
            ImageMimeTypes = "image/jpeg,image/webp",
            VideoMimeTypes = "video/mp4,video/quicktime,video/webm",
            MaxImageBytes = 20 * MiB,
            MaxVideoBytes = 4 * GiB,
            MinVideoSeconds = 3,
        },
        // Exactly one video per insert (off.); ≤ 256 GB or 12 h (3p).
        ["youtube"] = new()
        {
            MinVideos = 1,
            MaxVideos = 1,
            MaxImages = 0,
            VideoMimeTypes = "video/mp4,video/quicktime,video/x-msvideo,video/x-ms-wmv,video/x-flv,video/webm,video/3gpp,video/mpeg",
            MaxVideoBytes = 256 * GiB,
            MaxVideoSeconds = 12 * 60 * 60,
        },
        // Text, one image (JPEG/PNG ≤ 8 MB), one video (≤ 5 min, ≤ 1 GB) or a mixed carousel of up to 20 (3p).
        ["threads"] = new()
        {
            AllowMixed = true,
            MaxItems = 20,
            ImageMimeTypes = "image/jpeg,image/png",
            VideoMimeTypes = "video/mp4,video/quicktime",
            MaxImageBytes = 8 * MiB,
            MaxVideoBytes = 1 * GiB,
            MaxVideoSeconds = 5 * 60,
        },
        // One image asset (off.); image formats and sizes are unverified, so not restricted.
        ["amazon"] = new() { MinImages = 1, MaxImages = 1, MaxVideos = 0 },
    };

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
