using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Validation;
using SocialMcp.Core.Validation.Media;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// The media step of one target, run before the target takes a platform slot (issue 13, "a slow URL holds nothing that
/// others share"). Platforms that take bytes (docs/platforms.md#media-delivery) get every file opened now: library items
/// from the library, URL items fetched through the guarded <see cref="IMediaFetcher"/> into temp files and probed, the
/// content rules re-run on the probed facts. Platforms that pull get library items as signed URLs, made fresh for each
/// platform call so a long rate-limit wait cannot outlive them. A failure fails the target with the media error; no
/// platform is called.
/// </summary>
public sealed class TargetMedia(
    TimeProvider time,
    IOptions<MediaOptions> options,
    PostValidator validator,
    ILogger<TargetMedia> logger,
    IMediaLibrary? library = null,
    IMediaFetcher? fetcher = null,
    IMediaProber? prober = null,
    IMediaUrlSigner? signer = null)
{
    /// <summary>Opens the target's media; dispose the result after the target (temp files go then).</summary>
    public async Task<PreparedMedia> PrepareAsync(Post post, Platform platform, Account account, CancellationToken cancellationToken)
    {
        var prepared = new PreparedMedia(this, platform, post.Content.Media);
        try
        {
            for (var i = 0; i < post.Content.Media.Count; i++)
                await PrepareItemAsync(prepared, post, platform, account, i, cancellationToken);
        }
        catch (SocialMcpException ex)
        {
            logger.LogInformation("Post {PostId} on {Platform}: media item {Index} refused before publishing: {Code}",
                post.Id, platform.ToWireName(), prepared.FailedIndex, ex.Problem.Code);
            prepared.Failure = PublishOutcome.Failed(ex.Problem.Code, ex.Problem.Message);
        }
        catch
        {
            await prepared.DisposeAsync();
            throw;
        }
        return prepared;
    }

    private async Task PrepareItemAsync(PreparedMedia prepared, Post post, Platform platform, Account account, int index, CancellationToken cancellationToken)
    {
        prepared.FailedIndex = index;
        var item = post.Content.Media[index];
        var path = MediaKinds.PathOf(index);
        if (item.MediaId is { } mediaId)
        {
            if (library is null)
                throw new InvalidOperationException("A post names library media but the host has no media library.");
            var asset = await library.GetAsync(post.WorkspaceId, mediaId, path + ".mediaId", cancellationToken);
            prepared.Assets[index] = asset;
            prepared.Items[index] = asset.Probe.ApplyTo(item, asset.SizeBytes);
            if (MediaDelivery.Pulls(platform))
            {
                if (signer is not { IsAvailable: true })
                    throw new DomainValidationException([NotPublic(platform, index)]);
            }
            else
            {
                prepared.Contents[index] = new StreamContent(await library.OpenReadAsync(asset, cancellationToken), asset.SizeBytes, asset.Probe.MimeType);
            }
            return;
        }

        // A URL item on a platform that pulls goes to the platform as it is; one that takes bytes is fetched now, not in the slot.
        if (MediaDelivery.Pulls(platform) || fetcher is null || prober is null || item.Url is null)
            return;
        var fetched = await fetcher.FetchAsync(item.Url, path + ".url", new MediaFetchLimits(Timeout: options.Value.FetchTimeout), cancellationToken);
        prepared.Fetched.Add(fetched);
        var probe = await prober.ProbeAsync(fetched.Content, item.MimeType, path, cancellationToken);
        fetched.Content.Position = 0;
        var probed = probe.ApplyTo(item, fetched.Length);
        prepared.Items[index] = probed;
        prepared.Contents[index] = new StreamContent(fetched.Content, fetched.Length, probe.MimeType, ownsStream: false);

        // The rules ran at validate time on what the post stated; now they run on what the file is.
        var draft = new PostDraft(post.Content with { Media = [.. prepared.Items] }, [platform], null);
        var report = validator.Validate(new RuleContext(draft, new Dictionary<Platform, Account> { [platform] = account }, time.GetUtcNow(), RulePurpose.Save));
        // Only media problems count: the rest of the post passed validation already. Count and mix rules name $.content.media itself.
        var problems = report.AllProblems().Where(p => p.Path is { } at && at.StartsWith("$.content.media", StringComparison.Ordinal)).ToList();
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
    }

    internal Uri SignedUrlFor(MediaAsset asset) =>
        signer!.CreateUrl(asset, time.GetUtcNow() + options.Value.SignedUrlLifetime)
        ?? throw new InvalidOperationException("Media:PublicBaseUrl went away while publishing.");

    /// <summary>MEDIA_NOT_PUBLIC: a library item on a platform that pulls, on a server with no public address for it.</summary>
    public static Problem NotPublic(Platform platform, int index) => new(ErrorCodes.MediaNotPublic,
        $"{platform.ToWireName()} fetches media from a public URL, and this server has none to give it for library media (Media:PublicBaseUrl is not set).",
        MediaKinds.PathOf(index) + ".mediaId", platform,
        "Ask the operator to set Media:PublicBaseUrl to the address where platforms reach this server, or give this item as a public URL, or drop the platform.");

    /// <summary>A stream the step opened; <see cref="OpenRead"/> hands out views that start at 0 and leave it open.</summary>
    private sealed class StreamContent(Stream stream, long length, string contentType, bool ownsStream = true) : IMediaContent, IAsyncDisposable
    {
        public long Length => length;
        public string ContentType => contentType;

        public Stream OpenRead()
        {
            stream.Position = 0;
            return new NonClosingStream(stream);
        }

        public ValueTask DisposeAsync() => ownsStream ? stream.DisposeAsync() : ValueTask.CompletedTask;
    }

    /// <summary>The media of one target as the step left it; <see cref="Failure"/> set means publish nothing.</summary>
    public sealed class PreparedMedia : IPublishMedia, IAsyncDisposable
    {
        private readonly TargetMedia _step;
        private readonly Platform _platform;

        internal PreparedMedia(TargetMedia step, Platform platform, IReadOnlyList<MediaItem> media)
        {
            _step = step;
            _platform = platform;
            Items = [.. media];
            Assets = new MediaAsset?[media.Count];
            Contents = new IMediaContent?[media.Count];
        }

        internal MediaItem[] Items { get; }
        internal MediaAsset?[] Assets { get; }
        internal IMediaContent?[] Contents { get; }
        internal List<IFetchedMedia> Fetched { get; } = [];
        internal int FailedIndex { get; set; }

        public PublishOutcome? Failure { get; internal set; }

        /// <summary>Whether every item's bytes were opened (a platform that pulls, or a host without a fetcher, has none: adapters then read URLs).</summary>
        public bool HasContent => Contents.Length > 0 && Contents.All(c => c is not null);

        /// <summary>The items for one platform call: library items on a platform that pulls carry a freshly signed URL.</summary>
        public IReadOnlyList<MediaItem> ItemsForCall() =>
            [.. Items.Select((item, i) => MediaDelivery.Pulls(_platform) && Assets[i] is { } asset
                ? item with { Url = _step.SignedUrlFor(asset).AbsoluteUri }
                : item)];

        public Task<IMediaContent> OpenAsync(int index, CancellationToken cancellationToken) =>
            Contents[index] is { } content
                ? Task.FromResult(content)
                : throw new InvalidOperationException($"Media item {index + 1} has no bytes opened for {_platform.ToWireName()}.");

        public async ValueTask DisposeAsync()
        {
            foreach (var content in Contents.OfType<IAsyncDisposable>())
                await content.DisposeAsync();
            foreach (var fetched in Fetched)
                await fetched.DisposeAsync();
        }
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
