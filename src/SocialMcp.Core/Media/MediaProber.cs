using MetadataExtractor;
using MetadataExtractor.Formats.Gif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.WebP;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Media;

/// <summary>
/// Tells what a file is from its bytes: the type from its magic numbers (PNG, JPEG, GIF, WebP, and MP4/QuickTime by their
/// <c>ftyp</c> brand), image dimensions through MetadataExtractor, and a video's duration, dimensions, codec and frame
/// rate from its <c>moov</c> boxes (<see cref="IsoBmffReader"/>; MetadataExtractor 2.4 reads neither the sample description
/// nor the time-to-sample table, see docs/decisions.md). A caller's claimed MIME type is only compared, never used.
/// </summary>
public sealed class MediaProber : IMediaProber
{
    public const string Png = "image/png", Jpeg = "image/jpeg", Gif = "image/gif", WebP = "image/webp";
    public const string Mp4 = "video/mp4", QuickTime = "video/quicktime";

    public async Task<MediaProbe> ProbeAsync(Stream file, string? claimedMimeType, string path, CancellationToken cancellationToken)
    {
        var header = new byte[16];
        var read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        file.Position = 0;
        var mime = Sniff(header.AsSpan(0, read)) ?? throw Unsupported(path);
        if (claimedMimeType is { } claimed && !SameType(claimed, mime))
        {
            throw new DomainValidationException([new Problem(ErrorCodes.MediaTypeMismatch,
                $"The file is {mime}, not {claimed} as stated: the type is read from the bytes.", path,
                Hint: $"Leave the MIME type out (it is probed), or state {mime}.")]);
        }

        var probe = mime is Mp4 or QuickTime ? ProbeVideo(file, mime, path) : ProbeImage(file, mime, path);
        file.Position = 0;
        return probe;
    }

    /// <summary>The MIME type the first bytes show, or null when they are none we take.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return Png;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return WebP;
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = head[8..12];
            // QuickTime files say "qt  "; every other ISO base media brand we take is an MP4 (isom, mp41, mp42, avc1, M4V …).
            // HEIF/AVIF images (heic, mif1, avif …) share the container but are not video.
            if (brand.SequenceEqual("qt  "u8))
                return QuickTime;
            return IsoBmffReader.IsVideoBrand(brand) ? Mp4 : null;
        }
        return null;
    }

    private static bool SameType(string claimed, string probed)
    {
        var normalized = claimed.Trim().ToLowerInvariant();
        normalized = normalized switch
        {
            "image/jpg" or "image/pjpeg" => Jpeg,
            "video/x-m4v" or "video/m4v" => Mp4,
            _ => normalized,
        };
        return normalized == probed;
    }

    private static MediaProbe ProbeImage(Stream file, string mime, string path)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = ImageMetadataReader.ReadMetadata(file);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException)
        {
            throw Unreadable(mime, path);
        }
        var (widthTag, heightTag, directoryType) = mime switch
        {
            Png => (PngDirectory.TagImageWidth, PngDirectory.TagImageHeight, typeof(PngDirectory)),
            Jpeg => (JpegDirectory.TagImageWidth, JpegDirectory.TagImageHeight, typeof(JpegDirectory)),
            Gif => (GifHeaderDirectory.TagImageWidth, GifHeaderDirectory.TagImageHeight, typeof(GifHeaderDirectory)),
            _ => (WebPDirectory.TagImageWidth, WebPDirectory.TagImageHeight, typeof(WebPDirectory)),
        };
        foreach (var directory in directories.Where(d => d.GetType() == directoryType))
        {
            if (directory.TryGetInt32(widthTag, out var width) && directory.TryGetInt32(heightTag, out var height) && width > 0 && height > 0)
                return new MediaProbe(mime, MediaTypes.Image, width, height);
        }
        throw Unreadable(mime, path);
    }

    private static MediaProbe ProbeVideo(Stream file, string mime, string path)
    {
        var facts = IsoBmffReader.Read(file) ?? throw Unreadable(mime, path);
        return new MediaProbe(mime, MediaTypes.Video, facts.Width, facts.Height, facts.DurationSeconds, facts.Codec, facts.FrameRate);
    }

    private static DomainValidationException Unsupported(string path) => new([new Problem(ErrorCodes.UnsupportedMediaType,
        "The file is not an image or video we take: PNG, JPEG, GIF, WebP, MP4 or QuickTime (MOV), recognised by its bytes.", path,
        Hint: "Convert the file to one of those formats.")]);

    private static DomainValidationException Unreadable(string mime, string path) => new([new Problem(ErrorCodes.UnsupportedMediaType,
        $"The file starts like {mime} but its dimensions{(mime is Mp4 or QuickTime ? ", duration or video track" : "")} cannot be read: it is damaged or incomplete.", path,
        Hint: "Export the file again and upload the complete file.")]);
}
