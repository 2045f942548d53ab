using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Tests.Support;

/// <summary>
/// Stands in for the real fetcher (the fetch guard): serves the bytes registered for a URL, and refuses any other URL with
/// MEDIA_FETCH_FAILED the way the real one reports a failure. Nothing is downloaded.
/// </summary>
public sealed class FakeMediaFetcher : IMediaFetcher
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public List<string> Fetched { get; } = [];

    public FakeMediaFetcher Serve(string url, byte[] bytes)
    {
        _files[url] = bytes;
        return this;
    }

    public Task<IFetchedMedia> FetchAsync(string url, string path, MediaFetchLimits? limits, CancellationToken cancellationToken)
    {
        Fetched.Add(url);
        if (!_files.TryGetValue(url, out var bytes))
        {
            throw new MediaFetchException(MediaFetchRule.Unavailable,
                new Problem(ErrorCodes.MediaFetchFailed, "The URL could not be downloaded.", path));
        }
        return Task.FromResult<IFetchedMedia>(new FetchedFile(bytes, new Uri(url).Host));
    }

    public Task CheckAsync(string url, string path, CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class FetchedFile(byte[] bytes, string host) : IFetchedMedia
    {
        public Stream Content { get; } = new MemoryStream(bytes, writable: false);
        public long Length => bytes.Length;
        public string? ServedContentType => "application/octet-stream";
        public string FinalHost => host;

        public ValueTask DisposeAsync() => Content.DisposeAsync();
    }
}
