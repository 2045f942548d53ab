using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Media;

// The media library (issue 13): files a workspace uploaded or had the server fetch, stored once by content hash, with
// facts probed from the bytes themselves. Posts name them as {"mediaId": …}; the publishing engine hands each platform
// either a signed URL the server serves (platforms that pull) or the stored bytes (platforms that take bytes).

/// <summary>One file in a workspace's media library. Every fact below was read from the bytes, never taken from a caller.</summary>
public sealed record MediaAsset
{
    /// <summary><c>med_</c> followed by a UUIDv7: unique across workspaces, so another workspace's id is simply not found.</summary>
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file: where it lives under <c>Media:Root</c> (one copy however often it is uploaded).</summary>
    public required string Sha256 { get; init; }
    public required long SizeBytes { get; init; }
    public required MediaProbe Probe { get; init; }

    /// <summary>The caller's name for the file (upload file name or the URL's last segment), for people; never a path on disk.</summary>
    public string? FileName { get; init; }

    /// <summary><c>upload</c> (inline base64 or multipart) or <c>url</c> (fetched from <see cref="SourceHost"/>).</summary>
    public required string Source { get; init; }

    /// <summary>The host a <c>url</c> asset was fetched from (not the full URL, which may carry a signature).</summary>
    public string? SourceHost { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// What the bytes say they are. <see cref="Kind"/> is <see cref="MediaTypes.Image"/> or <see cref="MediaTypes.Video"/>;
/// video fields are null for images. <see cref="VideoCodec"/> is the codec's short name as the container states it
/// (e.g. <c>avc1</c>, <c>hvc1</c>).
/// </summary>
public sealed record MediaProbe(
    string MimeType,
    string Kind,
    int? Width,
    int? Height,
    double? DurationSeconds = null,
    string? VideoCodec = null,
    double? FrameRate = null)
{
    /// <summary><paramref name="item"/> with every fact the file decides taken from this probe (the caller's claims replaced).</summary>
    public MediaItem ApplyTo(MediaItem item, long sizeBytes) => item with
    {
        Type = Kind,
        MimeType = MimeType,
        SizeBytes = sizeBytes,
        Width = Width,
        Height = Height,
        DurationSeconds = DurationSeconds,
        VideoCodec = VideoCodec,
        FrameRate = FrameRate,
    };
}

/// <summary>Reads a file's real type and dimensions (MetadataExtractor where it fits). A file it cannot recognise as a supported image or video is refused.</summary>
public interface IMediaProber
{
    /// <summary>
    /// Probes <paramref name="file"/> (seekable, positioned at 0). Throws <see cref="Errors.DomainValidationException"/>
    /// with UNSUPPORTED_MEDIA_TYPE when the bytes are no supported image or video, and with MEDIA_TYPE_MISMATCH when
    /// <paramref name="claimedMimeType"/> contradicts them; <paramref name="path"/> is the JSON path the problem names.
    /// </summary>
    Task<MediaProbe> ProbeAsync(Stream file, string? claimedMimeType, string path, CancellationToken cancellationToken);
}

/// <summary>How the bytes of an upload arrive: inline (already decoded), a stream (multipart), or a URL the server fetches through <see cref="IMediaFetcher"/>.</summary>
public sealed record MediaUpload
{
    public Stream? Content { get; init; }
    public Uri? SourceUrl { get; init; }
    public string? FileName { get; init; }
    public string? ClaimedMimeType { get; init; }

    /// <summary>The JSON path bad input is reported at (<c>$.data</c>, <c>$.sourceUrl</c>, <c>$.file</c>).</summary>
    public required string Path { get; init; }
}

public sealed record MediaPage(IReadOnlyList<MediaAsset> Items, int Total, int Limit, int Offset);

/// <summary>The library's operations, per workspace. Ids of another workspace answer MEDIA_NOT_FOUND.</summary>
public interface IMediaLibrary
{
    /// <summary>Stores, probes and records a file; quota MEDIA_QUOTA… codes; the same bytes twice are stored once (a new asset row, one file).</summary>
    Task<MediaAsset> UploadAsync(string workspaceId, MediaUpload upload, CancellationToken cancellationToken);

    Task<MediaAsset> GetAsync(string workspaceId, string mediaId, string path, CancellationToken cancellationToken);

    Task<MediaPage> ListAsync(string workspaceId, int limit, int offset, CancellationToken cancellationToken);

    /// <summary>Refuses with MEDIA_IN_USE while a scheduled, publishing, partial or failed post (a retry needs it) uses the asset; the file goes when no asset row names it.</summary>
    Task DeleteAsync(string workspaceId, string mediaId, CancellationToken cancellationToken);

    /// <summary>The stored bytes of an asset (a seekable read-only stream).</summary>
    Task<Stream> OpenReadAsync(MediaAsset asset, CancellationToken cancellationToken);
}

/// <summary>Why a URL is refused or could not be fetched. The message names the rule, never anything learned about the internal network.</summary>
public enum MediaFetchRule
{
    /// <summary>Not http or https (data:, file:, ftp: …), including a redirect to such a URL.</summary>
    Scheme,

    /// <summary>The host resolves to (or is) a loopback, private, link-local, CGNAT, multicast, unspecified, IPv4-mapped or metadata address, and is not in <c>Media:AllowedHosts</c>.</summary>
    Address,

    /// <summary>More than <c>Media:MaxRedirects</c> redirects.</summary>
    Redirects,

    /// <summary>Larger than the cap.</summary>
    Size,

    /// <summary>No complete answer within the timeout.</summary>
    Timeout,

    /// <summary>Anything else: no answer, an error status, not a media file. One message for all of them.</summary>
    Unavailable,
}

/// <summary>
/// A refused or failed fetch: <see cref="Rule"/> says which; the problem's code is MEDIA_URL_FORBIDDEN for
/// <see cref="MediaFetchRule.Scheme"/> and <see cref="MediaFetchRule.Address"/>, else MEDIA_FETCH_FAILED.
/// </summary>
public sealed class MediaFetchException(MediaFetchRule rule, Errors.Problem problem) : Errors.SocialMcpException(problem)
{
    public MediaFetchRule Rule { get; } = rule;
}

/// <summary>A fetched file in a temporary file that is deleted on dispose.</summary>
public interface IFetchedMedia : IAsyncDisposable
{
    /// <summary>Seekable, read-only, positioned at 0.</summary>
    Stream Content { get; }
    long Length { get; }

    /// <summary>The Content-Type the server answered with (a hint only: the probe decides).</summary>
    string? ServedContentType { get; }

    /// <summary>The host the bytes finally came from (after redirects).</summary>
    string FinalHost { get; }
}

/// <summary>Limits of one fetch; null members take <see cref="MediaOptions"/>' defaults.</summary>
public sealed record MediaFetchLimits(long? MaxBytes = null, TimeSpan? Timeout = null);

/// <summary>
/// The one way the server downloads anything a caller named (media URLs; webhook endpoints use <see cref="CheckAsync"/>):
/// http(s) only, DNS resolved and every address checked, the connection made to the checked address (no rebinding),
/// each redirect checked again, a size cap and a timeout.
/// </summary>
public interface IMediaFetcher
{
    /// <summary>Downloads <paramref name="url"/>; throws <see cref="MediaFetchException"/> with the JSON path <paramref name="path"/>.</summary>
    Task<IFetchedMedia> FetchAsync(string url, string path, MediaFetchLimits? limits, CancellationToken cancellationToken);

    /// <summary>
    /// The guard's decision without downloading (validate time): throws <see cref="MediaFetchException"/> for a refused
    /// scheme or address. A host that does not resolve is not refused here (it fails when fetched).
    /// </summary>
    Task CheckAsync(string url, string path, CancellationToken cancellationToken);
}

/// <summary>
/// Signed, expiring URLs under <c>Media:PublicBaseUrl</c> through which platforms that pull media fetch library files
/// from this server. Null when no public base URL is configured (validate_post says so for those platforms).
/// </summary>
public interface IMediaUrlSigner
{
    bool IsAvailable { get; }

    /// <summary>A URL for <paramref name="asset"/> valid until <paramref name="expiresAt"/>; null when <see cref="IsAvailable"/> is false.</summary>
    Uri? CreateUrl(MediaAsset asset, DateTimeOffset expiresAt);

    /// <summary>The (workspace, media id) a token names, or null when the signature is wrong or it expired before <paramref name="now"/>.</summary>
    (string WorkspaceId, string MediaId)? Verify(string token, DateTimeOffset now);
}

/// <summary>The bytes of one media item of a target, opened by the publishing engine before the target takes a platform slot.</summary>
public interface IMediaContent
{
    long Length { get; }
    string ContentType { get; }

    /// <summary>A fresh read-only, seekable stream over the bytes; the caller disposes it.</summary>
    Stream OpenRead();
}

/// <summary>
/// The media of one publish, ready before any platform call: library items and URL items on platforms that take bytes
/// were fetched and probed already. Adapters that upload bytes call <see cref="OpenAsync"/>; adapters of platforms that
/// pull read <see cref="MediaItem.Url"/>, which the engine set to a public (possibly signed) URL.
/// </summary>
public interface IPublishMedia
{
    Task<IMediaContent> OpenAsync(int index, CancellationToken cancellationToken);
}

/// <summary>Rows of the media library. One SQL statement per method; a missing row is null.</summary>
public interface IMediaRepository
{
    Task InsertAsync(MediaAsset asset, CancellationToken cancellationToken);
    Task<MediaAsset?> GetAsync(string workspaceId, string mediaId, CancellationToken cancellationToken);
    Task<IReadOnlyList<MediaAsset>> ListAsync(string workspaceId, int limit, int offset, CancellationToken cancellationToken);
    Task<int> CountAsync(string workspaceId, CancellationToken cancellationToken);
    Task<long> TotalBytesAsync(string workspaceId, CancellationToken cancellationToken);
    Task<int> CountUploadsSinceAsync(string workspaceId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Ids of posts in status scheduled, publishing, partial or failed whose content names <paramref name="mediaId"/>.</summary>
    Task<IReadOnlyList<string>> PostsUsingAsync(string workspaceId, string mediaId, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(string workspaceId, string mediaId, CancellationToken cancellationToken);

    /// <summary>How many asset rows (any workspace) name this file; zero means its file may go.</summary>
    Task<int> CountBySha256Async(string sha256, CancellationToken cancellationToken);
}
