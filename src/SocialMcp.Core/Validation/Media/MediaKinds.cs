using System.Globalization;
using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Validation.Media;

/// <summary>How media items are told apart and described in messages.</summary>
public static class MediaKinds
{
    /// <summary>An animated-GIF candidate: an image whose mimeType is image/gif, or, without a mimeType, whose URL path ends in .gif.</summary>
    public static bool IsGif(MediaItem item)
    {
        if (!item.IsImage)
            return false;
        if (item.MimeType is { } mime)
            return mime.Equals("image/gif", StringComparison.OrdinalIgnoreCase);
        if (item.Url is null)
            return false;
        var path = Uri.TryCreate(item.Url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : item.Url;
        return path.EndsWith(".gif", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The JSON path of one media item, e.g. <c>$.content.media[2]</c>.</summary>
    public static string PathOf(int index) => $"$.content.media[{index}]";

    public static string Count(int count, string noun) => count switch
    {
        0 => $"no {noun}s",
        1 => $"1 {noun}",
        _ => $"{count} {noun}s",
    };

    public static string Bytes(long bytes)
    {
        const long MiB = 1024 * 1024, GiB = 1024 * MiB;
        if (bytes >= GiB && bytes % GiB == 0) return $"{bytes / GiB} GiB";
        if (bytes >= MiB && bytes % MiB == 0) return $"{bytes / MiB} MiB";
        return string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");
    }

    public static string Seconds(double seconds)
    {
        if (seconds >= 3600 && seconds % 3600 == 0) return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0} h");
        if (seconds >= 60 && seconds % 60 == 0) return string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min");
        return string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###} s");
    }
}
