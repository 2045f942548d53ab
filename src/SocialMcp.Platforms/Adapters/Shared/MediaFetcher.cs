using System.Text;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Shared;

/// <summary>
/// Fetches a post's media file for the adapters that upload bytes themselves (X, LinkedIn, YouTube, Amazon): an
/// http(s) URL is downloaded through the guarded <see cref="IMediaFetcher"/> (the one fetcher: scheme, address, redirect,
/// size and time checks), a <c>data:</c> URL decoded (adapter tests use them; posts refuse them at validate time), into a
/// temporary file that is deleted on dispose, so a large video is sent in chunks without being held in memory. The media
/// host is not the platform, so neither the platform's token nor its resilience pipeline applies. Messages never repeat
/// the URL, which may carry a signature. When the publishing engine opened the media already
/// (<see cref="PublishRequest.MediaContent"/>: library files, or URLs fetched through the guard before the platform slot),
/// those bytes are read instead and nothing is downloaded here.
/// </summary>
internal sealed class MediaFetcher : IAsyncDisposable
{
    private readonly Stream _file;

    private MediaFetcher(Stream file, string contentType)
    {
        _file = file;
        ContentType = contentType;
    }

    public long Length => _file.Length;

    /// <summary>The item's MIME type: as the post states it, else as the server serves it (image/* or video/*), else guessed from the URL.</summary>
    public string ContentType { get; }

    /// <summary>
    /// Item <paramref name="index"/> of the request: the bytes the engine opened when it did, else fetched from its URL.
    /// </summary>
    public static async Task<MediaFetcher> FetchAsync(IMediaFetcher fetcher, PublishRequest request, int index, string subject, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        if (request.MediaContent is not { } opened)
            return await FetchAsync(fetcher, request.Media[index], subject, timeout, cancellationToken);
        var content = await opened.OpenAsync(index, cancellationToken);
        var stream = content.OpenRead();
        if (stream.Length == 0)
        {
            await stream.DisposeAsync();
            throw Failure(subject, "is empty");
        }
        return new MediaFetcher(stream, content.ContentType);
    }

    /// <summary>
    /// Fetches <paramref name="item"/>; <paramref name="subject"/> names it in failure messages ("The video", "Media
    /// item 2"). <paramref name="timeout"/> bounds the whole download (null: <c>Media:FetchTimeout</c>).
    /// </summary>
    public static async Task<MediaFetcher> FetchAsync(IMediaFetcher fetcher, MediaItem item, string subject, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.Combine(Path.GetTempPath(), "socialmcp-media-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var contentType = item.ResolvedUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                ? await DecodeDataUrlAsync(item, subject, file, cancellationToken)
                : await DownloadAsync(fetcher, item, subject, timeout, file, cancellationToken);
            if (file.Length == 0)
                throw Failure(subject, "is empty");
            file.Position = 0;
            return new MediaFetcher(file, contentType);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>Bytes [offset, offset + count) of the file (fewer at its end).</summary>
    public async Task<byte[]> ReadAsync(long offset, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Max(0, Math.Min(count, Length - offset))];
        _file.Position = offset;
        await _file.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    /// <summary>The whole file.</summary>
    public Task<byte[]> ReadAllAsync(CancellationToken cancellationToken) => ReadAsync(0, checked((int)Length), cancellationToken);

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    private static async Task<string> DownloadAsync(IMediaFetcher fetcher, MediaItem item, string subject, TimeSpan? timeout, FileStream file,
        CancellationToken cancellationToken)
    {
        try
        {
            // The guarded fetcher checks scheme, address and every redirect, and caps size and time (docs/fetch-guard.md).
            await using var fetched = await fetcher.FetchAsync(item.ResolvedUrl, subject, timeout is { } t ? new MediaFetchLimits(Timeout: t) : null,
                cancellationToken);
            await fetched.Content.CopyToAsync(file, cancellationToken);
            var served = fetched.ServedContentType;
            return item.MimeType
                ?? (served is not null && (served.StartsWith("image/", StringComparison.Ordinal) || served.StartsWith("video/", StringComparison.Ordinal)) ? served : null)
                ?? GuessContentType(Uri.TryCreate(item.ResolvedUrl, UriKind.Absolute, out var url) ? url.AbsolutePath : "", item);
        }
        catch (MediaFetchException ex)
        {
            throw new PlatformCallException(new PlatformFailure(ex.Problem.Code, $"{subject}: {ex.Problem.Message}"));
        }
    }

    private static async Task<string> DecodeDataUrlAsync(MediaItem item, string subject, FileStream file, CancellationToken cancellationToken)
    {
        var comma = item.ResolvedUrl.IndexOf(',');
        if (comma < 0)
            throw Failure(subject, "has a data: URL without data");
        var meta = item.ResolvedUrl[5..comma];
        var payload = item.ResolvedUrl[(comma + 1)..];
        byte[] bytes;
        try
        {
            bytes = meta.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(payload)
                : Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
        }
        catch (FormatException)
        {
            throw Failure(subject, "has a data: URL that is not valid base64");
        }
        await file.WriteAsync(bytes, cancellationToken);
        var declared = meta.Split(';')[0];
        return item.MimeType ?? (declared.Length > 0 ? declared : GuessContentType("", item));
    }

    private static string GuessContentType(string path, MediaItem item) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        ".mp4" or ".m4v" => "video/mp4",
        ".mov" => "video/quicktime",
        _ => item.IsVideo ? "video/mp4" : "image/jpeg",
    };

    private static PlatformCallException Failure(string subject, string what) =>
        new(new PlatformFailure(ErrorCodes.MediaUploadFailed, $"{subject} {what}; check that its URL is public and points at the file itself."));
}
