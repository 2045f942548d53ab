using System.Collections.Concurrent;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;

namespace SocialMcp.Tests.Media;

/// <summary>
/// A stand-in for the guarded fetcher: URLs whose host starts with "hang" never answer (until cancelled), "fail" answers
/// MEDIA_FETCH_FAILED, anything else answers a tiny PNG. Counts the fetches under way.
/// </summary>
public sealed class ScriptedMediaFetcher : IMediaFetcher
{
    public static readonly byte[] Png =
        Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private int _hanging;

    public int Hanging => Volatile.Read(ref _hanging);
    public ConcurrentQueue<string> Fetched { get; } = new();

    /// <summary>Completes when <paramref name="count"/> fetches are hanging.</summary>
    public TaskCompletionSource AllHanging { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int ExpectedHanging { get; set; } = int.MaxValue;

    public async Task<IFetchedMedia> FetchAsync(string url, string path, MediaFetchLimits? limits, CancellationToken cancellationToken)
    {
        Fetched.Enqueue(url);
        var host = new Uri(url).Host;
        if (host.StartsWith("hang", StringComparison.Ordinal))
        {
            if (Interlocked.Increment(ref _hanging) >= ExpectedHanging)
                AllHanging.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _hanging);
            }
        }
        if (host.StartsWith("fail", StringComparison.Ordinal))
            throw new MediaFetchException(MediaFetchRule.Unavailable,
                new Problem(ErrorCodes.MediaFetchFailed, "The media file could not be fetched.", path));
        return new FetchedFile(new MemoryStream(Png, writable: false), host);
    }

    public Task CheckAsync(string url, string path, CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class FetchedFile(MemoryStream content, string host) : IFetchedMedia
    {
        public Stream Content => content;
        public long Length => content.Length;
        public string? ServedContentType => "image/png";
        public string FinalHost => host;
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return content.DisposeAsync();
        }
    }
}
