using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SocialMcp.Testing;

/// <summary>
/// A real PNG of about the size asked for, made in memory: 8-bit grey noise stored without compression, so its size is
/// known in advance and base64 of it does not shrink. For tests of large uploads; the same seed gives the same bytes.
/// </summary>
public static class NoisePng
{
    public const int Width = 1024;

    /// <summary>A PNG of <see cref="Width"/> columns and as many rows as make it at least <paramref name="minBytes"/> long.</summary>
    public static byte[] Make(long minBytes, int seed = 13)
    {
        var rowBytes = Width + 1; // filter byte, then one byte a pixel
        var height = (int)Math.Max(1, (minBytes + rowBytes - 1) / rowBytes);
        var pixels = new byte[(long)rowBytes * height];
        new Random(seed).NextBytes(pixels);
        for (var row = 0; row < height; row++)
            pixels[(long)row * rowBytes] = 0; // filter: none

        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.NoCompression, leaveOpen: true))
            zlib.Write(pixels);

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // colour type: greyscale; compression, filter and interlace stay 0
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", idat.GetBuffer().AsSpan(0, (int)idat.Length));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>The PNG's height for <paramref name="minBytes"/>, as <see cref="Make"/> chooses it.</summary>
    public static int HeightFor(long minBytes) => (int)Math.Max(1, (minBytes + Width) / (Width + 1));

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        var crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        png.Write(word);
    }

    private static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            var c = (uint)n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}
