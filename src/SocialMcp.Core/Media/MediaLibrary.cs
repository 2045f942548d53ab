using Microsoft.Extensions.Options;
using SocialMcp.Core.Access;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Media;

/// <summary>
/// A workspace's media library: every file is staged (hashed on the way to a temporary file), probed, checked against the
/// workspace's quotas, then moved to its content address and recorded in one write transaction; deleting the last row that
/// names a file deletes the file in that same transaction. The store's writer lock is what keeps a file and its rows in step.
/// </summary>
public sealed class MediaLibrary(
    IStore store,
    IMediaFileStore files,
    IMediaProber prober,
    IOptions<MediaOptions> options,
    IOptions<QuotaOptions> quotas,
    TimeProvider time,
    IMediaFetcher? fetcher = null) : IMediaLibrary
{
    public const string SourceUpload = "upload";
    public const string SourceUrl = "url";

    public async Task<MediaAsset> UploadAsync(string workspaceId, MediaUpload upload, CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.MaxUploadBytes;
        IFetchedMedia? fetched = null;
        try
        {
            Stream content;
            string? fileName = upload.FileName;
            if (upload.Content is { } given)
            {
                content = given;
            }
            else if (upload.SourceUrl is { } url)
            {
                if (fetcher is null)
                    throw new InvalidOperationException("No IMediaFetcher is registered: media URLs cannot be fetched.");
                fetched = await fetcher.FetchAsync(url.AbsoluteUri, upload.Path, new MediaFetchLimits(maxBytes), cancellationToken);
                content = fetched.Content;
                fileName ??= LastSegment(url);
            }
            else
            {
                throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                    "Pass the file: its bytes or a sourceUrl.", upload.Path, Hint: "Give data (base64) or sourceUrl.")]);
            }

            await using var staged = await files.StageAsync(content, maxBytes, upload.Path, cancellationToken);
            if (staged.Length == 0)
            {
                throw new DomainValidationException([new Problem(ErrorCodes.UnsupportedMediaType,
                    "The file is empty.", upload.Path, Hint: "Send the whole file.")]);
            }
            MediaProbe probe;
            await using (var bytes = staged.OpenRead())
                probe = await prober.ProbeAsync(bytes, upload.ClaimedMimeType, upload.Path, cancellationToken);

            var now = time.GetUtcNow();
            var asset = new MediaAsset
            {
                Id = "med_" + Guid.CreateVersion7(now).ToString("N"),
                WorkspaceId = workspaceId,
                Sha256 = staged.Sha256,
                SizeBytes = staged.Length,
                Probe = probe,
                FileName = CleanFileName(fileName),
                Source = fetched is null ? SourceUpload : SourceUrl,
                SourceHost = fetched?.FinalHost,
                CreatedAt = now,
            };
            return await store.WriteAsync(async session =>
            {
                await EnsureQuotaAsync(session, workspaceId, asset.SizeBytes, now, upload.Path, cancellationToken);
                await staged.CommitAsync(cancellationToken);
                try
                {
                    await session.Media.InsertAsync(asset, cancellationToken);
                }
                catch
                {
                    if (await session.Media.CountBySha256Async(asset.Sha256, cancellationToken) == 0)
                        files.Delete(asset.Sha256);
                    throw;
                }
                return asset;
            }, cancellationToken);
        }
        finally
        {
            if (fetched is not null)
                await fetched.DisposeAsync();
        }
    }

    public Task<MediaAsset> GetAsync(string workspaceId, string mediaId, string path, CancellationToken cancellationToken) =>
        store.ReadAsync(async session => await session.Media.GetAsync(workspaceId, mediaId, cancellationToken) ?? throw NotFound(mediaId, path),
            cancellationToken);

    public Task<MediaPage> ListAsync(string workspaceId, int limit, int offset, CancellationToken cancellationToken) =>
        store.ReadAsync(async session => new MediaPage(
            await session.Media.ListAsync(workspaceId, limit, offset, cancellationToken),
            await session.Media.CountAsync(workspaceId, cancellationToken), limit, offset), cancellationToken);

    public Task DeleteAsync(string workspaceId, string mediaId, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var asset = await session.Media.GetAsync(workspaceId, mediaId, cancellationToken) ?? throw NotFound(mediaId, "$.mediaId");
            var users = await session.Media.PostsUsingAsync(workspaceId, mediaId, cancellationToken);
            if (users.Count > 0)
            {
                throw new ConflictException(new Problem(ErrorCodes.MediaInUse,
                    $"Media {mediaId} is used by {users.Count} scheduled, publishing, partial or failed post(s): {string.Join(", ", users.Take(10))}.", "$.mediaId",
                    Hint: "Wait until those posts have gone out (a partial or failed post still needs it for retry_post), or cancel_post or update_post them to use other media, then delete again."));
            }
            await session.Media.DeleteAsync(workspaceId, mediaId, cancellationToken);
            // Under the write lock no upload of the same bytes can commit between this count and the delete.
            if (await session.Media.CountBySha256Async(asset.Sha256, cancellationToken) == 0)
                files.Delete(asset.Sha256);
            return 0;
        }, cancellationToken);

    public Task<Stream> OpenReadAsync(MediaAsset asset, CancellationToken cancellationToken) => Task.FromResult(files.OpenRead(asset.Sha256));

    public static NotFoundException NotFound(string mediaId, string path) => new(new Problem(ErrorCodes.MediaNotFound,
        $"No media with id '{mediaId}' exists in this workspace's library.", path,
        Hint: "Check the id (list_media), or upload the file with upload_media first."));

    private async Task EnsureQuotaAsync(IStoreSession session, string workspaceId, long size, DateTimeOffset now, string path, CancellationToken cancellationToken)
    {
        var monthStart = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var uploads = await session.Media.CountUploadsSinceAsync(workspaceId, monthStart, cancellationToken);
        if (uploads >= quotas.Value.MediaUploadsPerMonth)
        {
            throw QuotaExceeded($"This workspace has uploaded {uploads} media files this month; its quota is {quotas.Value.MediaUploadsPerMonth}. " +
                $"The quota resets at {monthStart.AddMonths(1):O}.", path);
        }
        var stored = await session.Media.TotalBytesAsync(workspaceId, cancellationToken);
        if (stored + size > quotas.Value.MediaStorageBytes)
        {
            throw QuotaExceeded($"This workspace's media library holds {stored:N0} bytes; with this {size:N0}-byte file it would pass its quota of " +
                $"{quotas.Value.MediaStorageBytes:N0} bytes.", path, "Delete media you no longer need (delete_media), or ask the person running the server to raise the quota.");
        }
    }

    private static LimitReachedException QuotaExceeded(string message, string path, string? hint = null) => new(new Problem(
        ErrorCodes.QuotaExceeded, message, path, Hint: hint ?? "Wait for the quota to reset, or ask the person running the server to raise it."));

    private static string? LastSegment(Uri url)
    {
        var segment = url.Segments.LastOrDefault()?.Trim('/');
        return string.IsNullOrEmpty(segment) ? null : Uri.UnescapeDataString(segment);
    }

    /// <summary>A name for people only: the last path segment, without control characters, at most 255 characters.</summary>
    private static string? CleanFileName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return null;
        var last = name.Replace('\\', '/').Split('/').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > 255 ? clean[..255] : clean;
    }
}
