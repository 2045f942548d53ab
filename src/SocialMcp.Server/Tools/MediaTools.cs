using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Validation.Media;
using SocialMcp.Server.Access;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>The media library tools (issue 13): upload a file once, then name it in posts as {"mediaId": …}.</summary>
[McpServerToolType]
public sealed class MediaTools(IMediaLibrary library, IWorkspaceContext workspace, IOptions<MediaOptions> options)
{
    [McpServerTool(Name = "upload_media", Title = "Upload a file to the media library", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = true)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Adds an image or video to this workspace's media library and returns its mediaId; name it in a post's content.media as
        {"mediaId": "med_…", "altText": "…"}. Pass exactly one of data (the file as base64, up to the server's
        Media:MaxInlineBytes, 20 MB by default) or sourceUrl (an http(s) URL the server downloads; private and
        internal addresses are refused). Larger files: POST /media over HTTP (multipart, field "file", same API key).
        The type, size, dimensions, duration, codec and frame rate are read from the file itself (PNG, JPEG, GIF, WebP, MP4, MOV);
        mimeType is optional and only checked against the file. The same bytes uploaded twice are stored once.
        Errors: MEDIA_TOO_LARGE (use POST /media or a smaller file), VALIDATION_FAILED (data is not valid base64, or both or
        neither of data and sourceUrl), UNSUPPORTED_MEDIA_TYPE (not a supported image or video), MEDIA_TYPE_MISMATCH (mimeType
        contradicts the file), MEDIA_URL_FORBIDDEN (the URL's scheme or address is refused), MEDIA_FETCH_FAILED (the URL could not
        be downloaded), QUOTA_EXCEEDED (the library's storage or monthly upload quota).
        """)]
    public async Task<CallToolResult> UploadMedia(
        string? data = null, string? sourceUrl = null, string? fileName = null, string? mimeType = null, CancellationToken cancellationToken = default)
    {
        if ((data is null) == (sourceUrl is null))
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                "Pass exactly one of data (base64) and sourceUrl.", data is null ? "$.data" : "$.sourceUrl",
                Hint: "Send the file's bytes as base64 in data, or a URL the server can download in sourceUrl.")]);
        }
        MediaUpload upload;
        if (data is not null)
        {
            upload = new MediaUpload { Content = new MemoryStream(DecodeInline(data, options.Value.MaxInlineBytes), writable: false), FileName = fileName, ClaimedMimeType = mimeType, Path = "$.data" };
        }
        else
        {
            if (!Uri.TryCreate(sourceUrl, UriKind.Absolute, out var url))
            {
                throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                    "sourceUrl is not an absolute URL.", "$.sourceUrl", Hint: "Pass an http(s) URL, e.g. https://example.com/photo.jpg.")]);
            }
            upload = new MediaUpload { SourceUrl = url, FileName = fileName, ClaimedMimeType = mimeType, Path = "$.sourceUrl" };
        }
        var asset = await library.UploadAsync(workspace.WorkspaceId, upload, cancellationToken);
        return ToolResults.Success(MediaResult.From(asset, $"Stored {MediaResult.Describe(asset)} as {asset.Id}; name it in a post as {{\"mediaId\": \"{asset.Id}\"}}."));
    }

    [McpServerTool(Name = "get_media", Title = "Get a media file's facts", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Reads one file of the media library: its type, size, dimensions, duration, codec and frame rate as read from the file,
        its SHA-256 and name. Errors: MEDIA_NOT_FOUND (check the id, or list_media).
        """)]
    public async Task<CallToolResult> GetMedia(string mediaId, CancellationToken cancellationToken = default)
    {
        var asset = await library.GetAsync(workspace.WorkspaceId, mediaId, "$.mediaId", cancellationToken);
        return ToolResults.Success(MediaResult.From(asset, $"{asset.Id}: {MediaResult.Describe(asset)}."));
    }

    [McpServerTool(Name = "list_media", Title = "List the media library", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Lists this workspace's media library, newest first. Pages with limit (1-100, default 20) and offset; the result has total
        and nextOffset (absent on the last page).
        """)]
    public async Task<CallToolResult> ListMedia(int limit = 20, int offset = 0, CancellationToken cancellationToken = default)
    {
        var page = await library.ListAsync(workspace.WorkspaceId, limit, offset, cancellationToken);
        var next = offset + page.Items.Count < page.Total ? offset + page.Items.Count : (int?)null;
        var summary = $"{page.Items.Count} of {page.Total} media file{(page.Total == 1 ? "" : "s")}" + (next is null ? "." : $"; next page at offset {next}.");
        return ToolResults.Success(new MediaListResult(summary, page.Items.Select(a => MediaResult.From(a, null)).ToList(), page.Total, limit, offset, next));
    }

    [McpServerTool(Name = "delete_media", Title = "Delete a media file", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Deletes a file from the media library. Posts already published keep what the platforms received; drafts that name it
        can no longer be scheduled or published until their media is changed.
        Errors: MEDIA_IN_USE (a scheduled, publishing, partial or failed post uses it — the last two still need it for retry_post: the message names
        the posts; wait, or change or cancel them),
        MEDIA_NOT_FOUND.
        """)]
    public async Task<CallToolResult> DeleteMedia(string mediaId, CancellationToken cancellationToken = default)
    {
        await library.DeleteAsync(workspace.WorkspaceId, mediaId, cancellationToken);
        return ToolResults.Success(new MediaDeleteResult($"Deleted {mediaId} from the media library.", mediaId, Deleted: true));
    }

    /// <summary>MEDIA_TOO_LARGE at $.data; the transports answer it too for a message too large to read (InlineUploadMessage).</summary>
    internal static Problem InlineTooLarge(long maxBytes) => new(ErrorCodes.MediaTooLarge,
        $"The file is larger than the {maxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes upload_media takes inline.", "$.data",
        Hint: "Upload it with POST /media (multipart, over HTTP), or give a sourceUrl, or use a smaller file.");

    /// <summary>
    /// Decodes base64 after checking its length: the largest decoded size is known from the encoded length, so a too-large
    /// file is refused before anything is allocated for it.
    /// </summary>
    internal static byte[] DecodeInline(string data, long maxBytes)
    {
        var encoded = data.AsSpan().Trim();
        var maxEncoded = (maxBytes + 2) / 3 * 4;
        if (encoded.Length > maxEncoded)
            throw new DomainValidationException([InlineTooLarge(maxBytes)]);
        var buffer = new byte[encoded.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written) || written == 0)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                "data is not valid base64 (standard alphabet, with padding).", "$.data",
                Hint: "Encode the file's bytes with standard base64, without a data: URL prefix.")]);
        }
        return buffer[..written];
    }
}

/// <summary>One file of the media library, as the media tools and POST /media return it.</summary>
public sealed record MediaResult
{
    public string? Summary { get; init; }
    public required string Id { get; init; }
    public required string MimeType { get; init; }
    public required string Kind { get; init; }
    public required long SizeBytes { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? DurationSeconds { get; init; }
    public string? VideoCodec { get; init; }
    public double? FrameRate { get; init; }
    public required string Sha256 { get; init; }
    public string? FileName { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public static MediaResult From(MediaAsset asset, string? summary) => new()
    {
        Summary = summary,
        Id = asset.Id,
        MimeType = asset.Probe.MimeType,
        Kind = asset.Probe.Kind,
        SizeBytes = asset.SizeBytes,
        Width = asset.Probe.Width,
        Height = asset.Probe.Height,
        DurationSeconds = asset.Probe.DurationSeconds,
        VideoCodec = asset.Probe.VideoCodec,
        FrameRate = asset.Probe.FrameRate,
        Sha256 = asset.Sha256,
        FileName = asset.FileName,
        CreatedAt = asset.CreatedAt,
    };

    /// <summary>"a 1080×1920 video/mp4 video, 12.5 s, avc1 at 30 fps, 4,200,000 bytes".</summary>
    public static string Describe(MediaAsset asset)
    {
        var probe = asset.Probe;
        var text = $"a {probe.Width}×{probe.Height} {probe.MimeType} {probe.Kind}";
        if (probe.DurationSeconds is { } seconds)
            text += $", {MediaKinds.Seconds(seconds)}";
        if (probe.VideoCodec is { } codec)
            text += probe.FrameRate is { } rate ? $", {codec} at {rate.ToString("0.###", CultureInfo.InvariantCulture)} fps" : $", {codec}";
        return text + $", {MediaKinds.Bytes(asset.SizeBytes)}";
    }
}

public sealed record MediaListResult(string Summary, IReadOnlyList<MediaResult> Media, int Total, int Limit, int Offset, int? NextOffset);

public sealed record MediaDeleteResult(string Summary, string MediaId, bool Deleted);
