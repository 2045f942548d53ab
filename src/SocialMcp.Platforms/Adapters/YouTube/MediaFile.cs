using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.YouTube;

/// <summary>
/// A media file fetched from its public URL into a temporary file (deleted on dispose), so a large video is sent in
/// chunks without being held in memory. Fetching uses a plain HttpClient from the factory: the media host is not
/// the platform, so neither the platform's token nor its resilience pipeline applies.
/// </summary>
internal sealed class MediaFile : IAsyncDisposable
{
    private readonly FileStream _file;

    private MediaFile(FileStream file, string contentType)
    {
        _file = file;
        ContentType = contentType;
    }

    public long Length => _file.Length;

    public string ContentType { get; }

    public static async Task<MediaFile> DownloadAsync(IHttpClientFactory clients, MediaItem item, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(item.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw Failure($"The media URL '{item.Url}' is not an http(s) URL.");

        using var client = clients.CreateClient();
        client.Timeout = timeout;
        var path = Path.Combine(Path.GetTempPath(), "socialmcp-media-" + Guid.NewGuid().ToString("N"));
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw Failure($"The media file {item.Url} could not be fetched (HTTP {(int)response.StatusCode}).");
            await response.Content.CopyToAsync(file, cancellationToken);
            if (file.Length == 0)
                throw Failure($"The media file {item.Url} is empty.");
            var contentType = item.MimeType ?? response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
            return new MediaFile(file, contentType);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await file.DisposeAsync();
            throw Failure($"The media file {item.Url} could not be fetched.");
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>Bytes [offset, offset + count) of the file.</summary>
    public async Task<byte[]> ReadAsync(long offset, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        _file.Position = offset;
        await _file.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    private static PlatformCallException Failure(string message) =>
        new(new PlatformFailure(ErrorCodes.MediaUploadFailed, message + " Check that the URL is public and points at the file itself."));
}
