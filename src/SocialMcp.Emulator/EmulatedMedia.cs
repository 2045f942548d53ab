using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator;

/// <summary>One media file an emulated platform received: uploaded to it, or pulled by it from a URL.</summary>
public sealed record ReceivedMedia(Platform Platform, string How, string Sha256, string? MimeType, long Length);

/// <summary>
/// What the emulated platforms check in the media they receive (docs/emulator.md#media): the bytes must be an image or a
/// video of the declared kind, recognised by their leading bytes. Every accepted file is recorded with its SHA-256, so a
/// test compares it with the library's. Platforms that pull fetch the URL themselves, but only on loopback: the
/// emulator never reaches outside this machine, and a non-loopback URL is taken on trust as before.
/// </summary>
public static class EmulatedMedia
{
    private static readonly HttpClient Puller = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The MIME type the leading bytes show, or null for anything else.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return "image/jpeg";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return "image/png";
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
            return "image/gif";
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
            return "image/webp";
        // ISO base media (MP4, MOV): a box whose type is "ftyp" first; QuickTime brands say "qt  ".
        if (bytes.Length >= 12 && bytes[4..8].SequenceEqual("ftyp"u8))
            return bytes[8..12].SequenceEqual("qt  "u8) ? "video/quicktime" : "video/mp4";
        if (bytes.Length >= 8 && (bytes[4..8].SequenceEqual("moov"u8) || bytes[4..8].SequenceEqual("mdat"u8) || bytes[4..8].SequenceEqual("wide"u8)))
            return "video/quicktime";
        return null;
    }

    /// <summary>Whether the bytes are media of the declared kind: <paramref name="declared"/> is a MIME type or "image"/"video".</summary>
    public static bool Fits(ReadOnlySpan<byte> bytes, string? declared)
    {
        if (Sniff(bytes) is not { } found)
            return false;
        var kind = declared is null ? null : declared.Split('/')[0].ToLowerInvariant();
        return kind is null or not ("image" or "video") || found.StartsWith(kind + "/", StringComparison.Ordinal);
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Records an accepted file on the emulator's state.</summary>
    public static void Record(EmulatorState state, Platform platform, string how, ReadOnlySpan<byte> bytes) =>
        state.ReceivedMedia.Enqueue(new ReceivedMedia(platform, how, Sha256(bytes), Sniff(bytes), bytes.Length));

    /// <summary>
    /// Deterministic test bytes for <c>test-media/{name}?bytes=N</c> that start like a real file of the name's type, so
    /// an upload of them passes the checks above (a name containing "corrupt" keeps a JPEG/MP4 start and fails later).
    /// </summary>
    public static byte[] TestBytes(string name, int size)
    {
        var bytes = new byte[Math.Max(0, size)];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(i % 251);
        ReadOnlySpan<byte> head = Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".mp4" or ".m4v" => [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'m', (byte)'p', (byte)'4', (byte)'2'],
            ".mov" => [0, 0, 0, 0x14, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'q', (byte)'t', (byte)' ', (byte)' '],
            ".png" => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A],
            ".gif" => "GIF89a"u8,
            ".webp" => [(byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P'],
            _ => [0xFF, 0xD8, 0xFF, 0xE0],
        };
        head[..Math.Min(head.Length, bytes.Length)].CopyTo(bytes);
        return bytes;
    }

    /// <summary>What a pull found: the bytes, or the HTTP status (0: no answer) when it failed.</summary>
    public sealed record Pulled(byte[]? Bytes, int Status, string? ContentType)
    {
        public bool Succeeded => Bytes is not null;
    }

    /// <summary>Whether the emulator fetches this URL itself (loopback only) or takes it on trust.</summary>
    public static bool WillPull(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)));

    /// <summary>Fetches a loopback URL as a platform's media crawler would (no redirects followed).</summary>
    public static async Task<Pulled> PullAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Puller.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return new Pulled(null, (int)response.StatusCode, null);
            return new Pulled(await response.Content.ReadAsByteArrayAsync(cancellationToken), (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new Pulled(null, 0, null);
        }
    }

    /// <summary>
    /// Pulls <paramref name="url"/> when the emulator pulls it and checks the kind; returns null when all is well (or the
    /// URL is taken on trust), else a short reason in the platform-neutral words the emulators put in their own errors.
    /// </summary>
    public static async Task<string?> PullAndCheckAsync(EmulatorState state, Platform platform, string? url, string declaredKind,
        CancellationToken cancellationToken)
    {
        if (!WillPull(url))
            return null;
        var pulled = await PullAsync(url!, cancellationToken);
        if (!pulled.Succeeded)
            return pulled.Status == 0 ? "the media URL could not be reached" : $"fetching the media URL answered HTTP {pulled.Status}";
        if (!Fits(pulled.Bytes!, declaredKind))
            return $"the media at the URL is not a supported {declaredKind}";
        Record(state, platform, "pull", pulled.Bytes!);
        return null;
    }
}
