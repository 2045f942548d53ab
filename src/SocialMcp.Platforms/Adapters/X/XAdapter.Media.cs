using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.X;

/// <summary>
/// Media upload (docs/platforms.md#x-media-upload): <see cref="MediaFetcher"/> fetches each item's bytes — over http(s)
/// with a plain HttpClient (no platform pipeline), or from a <c>data:</c> URL — and the adapter sends them to X in chunks:
/// <c>POST 2/media/upload/initialize</c> (media_type, total_bytes, media_category) → <c>2/media/upload/{id}/append</c>
/// (segment_index, media; retry-safe, a segment is replaceable) → <c>2/media/upload/{id}/finalize</c> (retry-safe) →
/// while <c>processing_info.state</c> is pending or in_progress, wait <c>check_after_secs</c> and ask
/// <c>GET 2/media/upload?command=STATUS&amp;media_id=…</c>. A processed media id is recorded with its expiry and
/// reused by a retry while it is still valid; an unfinished upload is simply started again (it posts nothing).
/// </summary>
public sealed partial class XAdapter
{
    private sealed record UploadedMedia(string Id, DateTimeOffset ExpiresAt)
    {
        public override string ToString() => $"{Id}|{ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

        public static UploadedMedia? Parse(string? handle)
        {
            var parts = handle?.Split('|');
            return parts is [var id, var expiry] && long.TryParse(expiry, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                ? new UploadedMedia(id, DateTimeOffset.FromUnixTimeSeconds(seconds))
                : null;
        }
    }

    private async Task<IReadOnlyList<string>> UploadMediaAsync(AdapterCall call, XSettings settings, PublishRequest request, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        for (var i = 0; i < request.Media.Count; i++)
        {
            if (UploadedMedia.Parse(await request.Handles.GetAsync(HandleKinds.Media(i), cancellationToken)) is { } known
                && known.ExpiresAt - Time.GetUtcNow() > settings.MediaExpiryMargin)
            {
                ids.Add(known.Id);
                continue;
            }
            UploadedMedia uploaded;
            try
            {
                uploaded = await UploadOneAsync(call, settings, request, i, cancellationToken);
            }
            catch (PlatformCallException ex) when (ex.Failure.Code == ErrorCodes.ContentRejected)
            {
                // Whatever X refuses during an upload is about the file.
                throw new PlatformCallException(ex.Failure with
                {
                    Code = ErrorCodes.MediaUploadFailed,
                    Message = $"X refused media item {i + 1}: check its type and size against X's limits.",
                });
            }
            await request.Handles.SetAsync(HandleKinds.Media(i), uploaded.ToString(), cancellationToken);
            ids.Add(uploaded.Id);
        }
        return ids;
    }

    /// <summary>The media ids an earlier attempt recorded for every item, or null when any is missing.</summary>
    private static async Task<IReadOnlyList<string>?> KnownMediaIdsAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        for (var i = 0; i < request.Media.Count; i++)
        {
            if (UploadedMedia.Parse(await request.Handles.GetAsync(HandleKinds.Media(i), cancellationToken)) is not { } known)
                return null;
            ids.Add(known.Id);
        }
        return ids;
    }

    private async Task<UploadedMedia> UploadOneAsync(AdapterCall call, XSettings settings, PublishRequest request, int index, CancellationToken cancellationToken)
    {
        var item = request.Media[index];
        await using var source = await MediaFetcher.FetchAsync(_media, request, index, $"Media item {index + 1}", timeout: null, cancellationToken);
        var category = source.ContentType == "image/gif" ? settings.GifCategory
            : item.IsVideo || source.ContentType.StartsWith("video/", StringComparison.Ordinal) ? settings.VideoCategory
            : settings.ImageCategory;
        var init = new HttpRequestMessage(HttpMethod.Post, "2/media/upload/initialize")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["media_type"] = source.ContentType,
                ["total_bytes"] = source.Length,
                ["media_category"] = category,
            }), Encoding.UTF8, "application/json"),
        };
        var started = JsonProbe.Object(await SendAsync(call, init, cancellationToken), "data");
        var mediaId = JsonProbe.Text(started, "id") ?? throw Unexpected("media initialize had no id");
        var expiresAfter = JsonProbe.Number(started, "expires_after_secs");

        long sent = 0;
        for (var segment = 0; sent < source.Length; segment++)
        {
            var bytes = await source.ReadAsync(sent, (int)Math.Min(settings.ChunkSizeBytes, source.Length - sent), cancellationToken);
            var chunk = new ByteArrayContent(bytes);
            chunk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var append = new HttpRequestMessage(HttpMethod.Post, $"2/media/upload/{Uri.EscapeDataString(mediaId)}/append")
            {
                Content = new MultipartFormDataContent
                {
                    { new StringContent(segment.ToString(CultureInfo.InvariantCulture)), "segment_index" },
                    { chunk, "media", "media" },
                },
            };
            await SendAsync(call, append.MarkRetrySafe(), cancellationToken);
            sent += bytes.Length;
        }

        using var finalize = new HttpRequestMessage(HttpMethod.Post, $"2/media/upload/{Uri.EscapeDataString(mediaId)}/finalize");
        var finalized = JsonProbe.Object(await SendAsync(call, finalize.MarkRetrySafe(), cancellationToken), "data");
        await AwaitProcessingAsync(call, settings, mediaId, index, finalized, cancellationToken);
        var lifetime = JsonProbe.Number(finalized, "expires_after_secs") ?? expiresAfter ?? 0;
        return new UploadedMedia(mediaId, Time.GetUtcNow().AddSeconds(lifetime));
    }

    /// <summary>Video and GIF processing: poll STATUS as <c>check_after_secs</c> asks until succeeded or failed.</summary>
    private async Task AwaitProcessingAsync(AdapterCall call, XSettings settings, string mediaId, int index, JsonElement? answer, CancellationToken cancellationToken)
    {
        var options = call.Options;
        for (var polls = 0; ; polls++)
        {
            var info = answer is { } a && a.TryGetProperty("processing_info", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
            var state = JsonProbe.Text(info, "state");
            if (info is null || state == "succeeded")
                return;
            if (state == "failed")
            {
                var error = info.Value.TryGetProperty("error", out var e) ? e : default;
                throw new PlatformCallException(new PlatformFailure(ErrorCodes.MediaUploadFailed,
                    $"X could not process media item {index + 1}; check its format against X's limits.", null,
                    JsonProbe.Text(error, "name") ?? "failed", JsonProbe.Text(error, "message")));
            }
            if (polls >= options.MaxPolls)
            {
                throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError,
                    $"X is still processing media item {index + 1}; try again later."));
            }
            var asked = JsonProbe.Number(info, "check_after_secs") is { } seconds ? TimeSpan.FromSeconds(seconds) : options.PollInterval;
            var wait = asked > settings.MaxStatusWait ? settings.MaxStatusWait : asked;
            await DelayAsync(wait, cancellationToken);
            answer = JsonProbe.Object(await SendAsync(call, new HttpRequestMessage(HttpMethod.Get,
                $"2/media/upload?command=STATUS&media_id={Uri.EscapeDataString(mediaId)}"), cancellationToken), "data");
        }
    }
}
