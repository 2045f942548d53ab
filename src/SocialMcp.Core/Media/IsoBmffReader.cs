using System.Buffers.Binary;
using System.Text;

namespace SocialMcp.Core.Media;

/// <summary>What <see cref="IsoBmffReader"/> found in a video's <c>moov</c> box.</summary>
public sealed record VideoFacts(int Width, int Height, double DurationSeconds, string Codec, double? FrameRate);

/// <summary>
/// Reads the few ISO base media (MP4) and QuickTime boxes a probe needs: <c>mvhd</c> (duration), and in the first video
/// track (<c>hdlr</c> "vide") <c>tkhd</c> (display size and rotation), <c>mdhd</c> (time scale), <c>stsd</c> (codec fourcc)
/// and <c>stts</c> (samples, for the frame rate). Top-level boxes are skipped by their sizes, so a <c>moov</c> after a large
/// <c>mdat</c> is found without reading the media data; only <c>moov</c> itself is read into memory, up to a cap.
/// </summary>
public static class IsoBmffReader
{
    /// <summary>A moov larger than this is refused rather than read (hours of video at a high frame rate stay far below).</summary>
    private const long MaxMoovBytes = 64L * 1024 * 1024;

    private static readonly string[] NonVideoBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis"];

    /// <summary>Whether an <c>ftyp</c> major brand is a video container (not a HEIF/AVIF image).</summary>
    public static bool IsVideoBrand(ReadOnlySpan<byte> brand) => !NonVideoBrands.Contains(Encoding.ASCII.GetString(brand));

    /// <summary>The video facts, or null when the file has no readable moov or no video track.</summary>
    public static VideoFacts? Read(Stream file)
    {
        var moov = FindTopLevel(file, "moov");
        return moov is null ? null : ReadMoov(moov);
    }

    private static byte[]? FindTopLevel(Stream file, string type)
    {
        file.Position = 0;
        Span<byte> header = stackalloc byte[16];
        while (file.Position + 8 <= file.Length)
        {
            var start = file.Position;
            if (file.ReadAtLeast(header[..8], 8, throwOnEndOfStream: false) < 8)
                return null;
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerSize = 8;
            if (size == 1)
            {
                if (file.ReadAtLeast(header[8..16], 8, throwOnEndOfStream: false) < 8)
                    return null;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..16]);
                headerSize = 16;
            }
            else if (size == 0)
            {
                size = file.Length - start;
            }
            if (size < headerSize || start + size > file.Length)
                return null;
            if (Encoding.ASCII.GetString(header[4..8]) == type)
            {
                var bodyLength = size - headerSize;
                if (bodyLength > MaxMoovBytes)
                    return null;
                var body = new byte[bodyLength];
                file.ReadExactly(body);
                return body;
            }
            file.Position = start + size;
        }
        return null;
    }

    private static VideoFacts? ReadMoov(byte[] moov)
    {
        double? movieDuration = null;
        foreach (var (type, body) in Children(moov))
        {
            if (type == "mvhd")
                movieDuration = ReadDuration(body);
        }
        foreach (var (type, trak) in Children(moov))
        {
            if (type != "trak")
                continue;
            var track = ReadVideoTrack(trak);
            if (track is null)
                continue;
            var duration = movieDuration ?? track.Value.MediaSeconds;
            if (duration is not > 0)
                return null;
            return new VideoFacts(track.Value.Width, track.Value.Height, Math.Round(duration.Value, 3), track.Value.Codec, track.Value.FrameRate);
        }
        return null;
    }

    private static (int Width, int Height, string Codec, double? FrameRate, double? MediaSeconds)? ReadVideoTrack(ReadOnlyMemory<byte> trak)
    {
        (int Width, int Height)? display = null;
        ReadOnlyMemory<byte>? mdia = null;
        foreach (var (type, body) in Children(trak))
        {
            if (type == "tkhd")
                display = ReadTrackSize(body.Span);
            else if (type == "mdia")
                mdia = body;
        }
        if (mdia is null || display is null)
            return null;

        string? handler = null;
        uint timescale = 0;
        ulong mediaDuration = 0;
        ReadOnlyMemory<byte>? stbl = null;
        foreach (var (type, body) in Children(mdia.Value))
        {
            switch (type)
            {
                case "hdlr" when body.Length >= 12:
                    handler = Encoding.ASCII.GetString(body.Span[8..12]);
                    break;
                case "mdhd":
                    (timescale, mediaDuration) = ReadTimes(body.Span);
                    break;
                case "minf":
                    stbl = Children(body).Where(c => c.Type == "stbl").Select(c => (ReadOnlyMemory<byte>?)c.Body).FirstOrDefault();
                    break;
            }
        }
        if (handler != "vide" || stbl is null)
            return null;

        string? codec = null;
        double? frameRate = null;
        foreach (var (type, body) in Children(stbl.Value))
        {
            var span = body.Span;
            if (type == "stsd" && span.Length >= 16 && BinaryPrimitives.ReadUInt32BigEndian(span[4..8]) > 0)
                codec = Encoding.ASCII.GetString(span[12..16]).Trim();
            else if (type == "stts" && timescale > 0)
                frameRate = ReadFrameRate(span, timescale);
        }
        if (codec is null || display.Value.Width <= 0 || display.Value.Height <= 0)
            return null;
        double? mediaSeconds = timescale > 0 ? (double)mediaDuration / timescale : null;
        return (display.Value.Width, display.Value.Height, codec, frameRate, mediaSeconds);
    }

    /// <summary>mvhd: duration over time scale, in seconds.</summary>
    private static double? ReadDuration(ReadOnlyMemory<byte> body)
    {
        var (timescale, duration) = ReadTimes(body.Span);
        return timescale == 0 ? null : (double)duration / timescale;
    }

    /// <summary>mvhd and mdhd share their start: version, flags, two dates (32 or 64 bit), time scale, duration.</summary>
    private static (uint Timescale, ulong Duration) ReadTimes(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
            return (0, 0);
        if (body[0] == 1)
        {
            return body.Length < 32 ? (0, 0)
                : (BinaryPrimitives.ReadUInt32BigEndian(body[20..24]), BinaryPrimitives.ReadUInt64BigEndian(body[24..32]));
        }
        return body.Length < 20 ? (0, 0)
            : (BinaryPrimitives.ReadUInt32BigEndian(body[12..16]), BinaryPrimitives.ReadUInt32BigEndian(body[16..20]));
    }

    /// <summary>tkhd: the display size (16.16 fixed point), swapped when the matrix turns the picture by 90 or 270 degrees.</summary>
    private static (int Width, int Height)? ReadTrackSize(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
            return null;
        // version 0: 4+4+4+4+4 (dates, id, reserved, duration); version 1: 8+8+4+4+8. Then 8 reserved, layer, group, volume, 2 reserved.
        var matrixAt = 4 + (body[0] == 1 ? 32 : 20) + 16;
        var sizeAt = matrixAt + 36;
        if (body.Length < sizeAt + 8)
            return null;
        var width = (int)(BinaryPrimitives.ReadUInt32BigEndian(body[sizeAt..]) >> 16);
        var height = (int)(BinaryPrimitives.ReadUInt32BigEndian(body[(sizeAt + 4)..]) >> 16);
        var a = BinaryPrimitives.ReadInt32BigEndian(body[matrixAt..]);
        var d = BinaryPrimitives.ReadInt32BigEndian(body[(matrixAt + 16)..]);
        return a == 0 && d == 0 ? (height, width) : (width, height);
    }

    /// <summary>stts: samples per second of media time, rounded to 3 decimals (29.97 stays 29.97).</summary>
    private static double? ReadFrameRate(ReadOnlySpan<byte> body, uint timescale)
    {
        if (body.Length < 8)
            return null;
        var entries = BinaryPrimitives.ReadUInt32BigEndian(body[4..8]);
        ulong samples = 0, duration = 0;
        for (var i = 0; i < entries && 8 + (i + 1) * 8 <= body.Length; i++)
        {
            var count = BinaryPrimitives.ReadUInt32BigEndian(body[(8 + i * 8)..]);
            var delta = BinaryPrimitives.ReadUInt32BigEndian(body[(12 + i * 8)..]);
            samples += count;
            duration += (ulong)count * delta;
        }
        return samples == 0 || duration == 0 ? null : Math.Round(samples * (double)timescale / duration, 3);
    }

    private static IEnumerable<(string Type, ReadOnlyMemory<byte> Body)> Children(ReadOnlyMemory<byte> parent)
    {
        var offset = 0;
        while (offset + 8 <= parent.Length)
        {
            var span = parent.Span;
            long size = BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);
            var type = Encoding.ASCII.GetString(span[(offset + 4)..(offset + 8)]);
            var headerSize = 8;
            if (size == 1)
            {
                if (offset + 16 > parent.Length)
                    yield break;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(span[(offset + 8)..]);
                headerSize = 16;
            }
            else if (size == 0)
            {
                size = parent.Length - offset;
            }
            if (size < headerSize || offset + size > parent.Length)
                yield break;
            yield return (type, parent.Slice(offset + headerSize, (int)size - headerSize));
            offset += (int)size;
        }
    }
}
