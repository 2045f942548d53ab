using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Media;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.YouTube;

/// <summary>
/// YouTube Data API v3 resumable <c>videos.insert</c> (docs/platforms.md#youtube-publish-flow): start a session
/// (<c>POST upload/youtube/v3/videos?uploadType=resumable&amp;part=snippet,status</c> → session URI in
/// <c>Location</c>), then PUT the bytes in chunks, each answered 308 with the bytes received in <c>Range</c> until the
/// last, answered with the video. The session URI is kept as a handle before any byte is sent: a retry asks the
/// session how far it got (<c>Content-Range: bytes */N</c>) and resumes or adopts the finished video, so a lost
/// answer never uploads the video twice; once the last bytes went out, a session that cannot be asked (or has expired)
/// leaves the target to a person instead of a new upload. Title, description, tags, category, privacy, publishAt, made-for-kids,
/// synthetic-media and notify-subscribers come from the post's settings.
/// </summary>
public sealed class YouTubeAdapter : PlatformAdapter
{
    /// <summary>The resumable session URI: the retry handle for the bytes.</summary>
    public const string SessionHandle = "upload_session";

    /// <summary>The byte length the session was opened for.</summary>
    public const string LengthHandle = "upload_length";

    /// <summary>When the chunk that completes the file was first sent (ISO 8601): from then on the session may have made the video.</summary>
    public const string FinalChunkHandle = "upload_final_at";

    /// <summary>The video id once YouTube answered with the finished video.</summary>
    public const string VideoIdHandle = "video_id";

    private const string InsertPath = "upload/youtube/v3/videos?uploadType=resumable&part=snippet,status";

    private static readonly HashSet<string> QuotaReasons = new(StringComparer.Ordinal) { "quotaExceeded", "dailyLimitExceeded" };
    private static readonly HashSet<string> RateReasons = new(StringComparer.Ordinal) { "rateLimitExceeded", "userRateLimitExceeded" };
    private static readonly HashSet<string> MediaReasons = new(StringComparer.Ordinal)
        { "mediaBodyRequired", "invalidFileSize", "uploadFailed", "unsupportedMediaType", "badContent" };

    private readonly IHttpClientFactory _clients;
    private readonly IMediaFetcher _media;
    private readonly IOptionsMonitor<PlatformOptions> _options;

    public YouTubeAdapter(IHttpClientFactory clients, IMediaFetcher media, ITokenVault tokens, IOptionsMonitor<PlatformOptions> options, TimeProvider time,
        ILogger<YouTubeAdapter> logger)
        : base(Platform.YouTube, clients, tokens, options, time, logger)
    {
        _clients = clients;
        _media = media;
        _options = options;
    }

    /// <summary>Videos can be deleted: <c>videos.delete</c> (docs/platforms.md#youtube-withdraw).</summary>
    public override PublisherCapabilities CapabilitiesFor(Platform target) => new(CanWithdraw: true);

    protected override HttpRequestMessage WhoAmIRequest() => new(HttpMethod.Get, "youtube/v3/channels?part=id,snippet&mine=true");

    protected override SocialMcp.Core.Accounts.VerifiedAccount ParseWhoAmI(JsonElement body) =>
        body.GetProperty("items") is { ValueKind: JsonValueKind.Array } items && items.GetArrayLength() > 0
            ? new(items[0].GetProperty("id").GetString()!, items[0].GetProperty("snippet").GetProperty("title").GetString()!)
            : throw new PlatformCallException(new PlatformFailure(ErrorCodes.PermissionMissing, "The token has no YouTube channel."));

    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = YouTubeSettings.From(call.Options);
        var handles = request.Handles;

        if (await handles.GetAsync(VideoIdHandle, cancellationToken) is { } known)
        {
            // An earlier attempt finished the upload and we missed recording the outcome: confirm it, never upload again.
            if (await VideoExistsAsync(call, known, cancellationToken) == false)
                return PublishOutcome.Failed(ErrorCodes.PlatformError,
                    $"This video was uploaded to YouTube as {known} but no longer exists there; it was not uploaded again.");
            return Published(settings, known);
        }
        if (request.Media is not [{ IsVideo: true } item])
            return PublishOutcome.Failed(ErrorCodes.ContentRejected, "A YouTube post is exactly one video.");

        var session = await handles.GetAsync(SessionHandle, cancellationToken);
        var length = long.TryParse(await handles.GetAsync(LengthHandle, cancellationToken), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
        long received = 0;
        if (session is not null && length is { } total)
        {
            Progress progress;
            if (ParseTime(await handles.GetAsync(FinalChunkHandle, cancellationToken)) is { } finalAt)
            {
                // The last bytes went out before: only the session can say whether it made the video.
                Progress? read = null;
                if (await LookUpAsync("the upload session's status", async () =>
                    {
                        read = await QueryAsync(call, session, total, cancellationToken);
                        return LookupResult.Absent;
                    }, cancellationToken) is LookupResult.Unknown unknown)
                {
                    return NeedsReconciliation($"YouTube may have made this video on an earlier attempt (its last bytes were sent at {Minute(finalAt)})",
                        unknown, Check(call, finalAt));
                }
                progress = read!;
                if (progress.Gone)
                {
                    return PublishOutcome.NeedsReconciliation(
                        $"YouTube may have made this video on an earlier attempt (its last bytes were sent at {Minute(finalAt)}), and its upload session has expired, so it cannot say which video it made. {Check(call, finalAt)}");
                }
            }
            else
            {
                // No upload finished yet, so no video can exist: a failure to ask is a plain failure.
                progress = await QueryAsync(call, session, total, cancellationToken);
            }
            if (progress.Video is { } finished)
                return await FinishAsync(request, settings, finished, cancellationToken);
            if (progress.Gone)
            {
                Logger.LogInformation("YouTube: the upload session of post {PostId} expired before it finished; starting a new one", request.PostId);
                session = null;
            }
            received = progress.Received;
        }

        await using var file = await MediaFetcher.FetchAsync(_media, request, 0, "The video", settings.MediaDownloadTimeout, cancellationToken);
        if (session is not null && file.Length != length)
        {
            Logger.LogWarning("YouTube: the video of post {PostId} changed size since its upload began; starting a new upload", request.PostId);
            session = null;
        }
        if (session is null)
        {
            session = await StartSessionAsync(call, BuildMetadata(request, settings), JsonProbe.Bool(request.Settings, "notifySubscribers"), file, cancellationToken);
            // Recorded before the first byte: from here on a retry resumes this session instead of creating a video.
            await handles.SetAsync(LengthHandle, file.Length.ToString(CultureInfo.InvariantCulture), cancellationToken);
            await handles.SetAsync(SessionHandle, session, cancellationToken);
            await handles.SetAsync(FinalChunkHandle, "", cancellationToken);
            received = 0;
        }
        var video = await UploadAsync(call, settings, request, session, file, received, cancellationToken);
        return await FinishAsync(request, settings, video, cancellationToken);
    }

    protected override async Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        // A video that is already gone (videoNotFound) is as withdrawn as one we delete now.
        await CallAsync(call, new HttpRequestMessage(HttpMethod.Delete, "youtube/v3/videos?id=" + Uri.EscapeDataString(request.PlatformPostId)),
            cancellationToken, HttpStatusCode.NotFound);
        return WithdrawOutcome.Withdrawn;
    }

    // ---- first comments and read-back (issue 15, docs/platforms.md#comments-youtube, #read-back) -------------------

    protected override bool CanDeleteComments => true;

    /// <summary><c>POST youtube/v3/commentThreads?part=snippet</c>: a top-level comment; its id is the top-level comment's (what comments.delete takes).</summary>
    protected override async Task<string> CreateCommentAsync(AdapterCall call, string parentId, string text, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["snippet"] = new JsonObject
            {
                // The channel the thread belongs to (the video's: ours, for a first comment) is required with the video.
                ["channelId"] = call.Account.PlatformAccountId,
                ["videoId"] = parentId,
                ["topLevelComment"] = new JsonObject { ["snippet"] = new JsonObject { ["textOriginal"] = text } },
            },
        };
        var reply = await CallAsync(call, new HttpRequestMessage(HttpMethod.Post, "youtube/v3/commentThreads?part=snippet") { Content = JsonContent.Create(body) },
            cancellationToken);
        return JsonProbe.NonEmptyText(JsonProbe.Object(JsonProbe.Object(reply.Body, "snippet"), "topLevelComment"), "id")
            ?? JsonProbe.NonEmptyText(reply.Body, "id")
            ?? throw new PlatformCallException(PlatformFailure.Transient(Name, null, "The comment thread was answered without an id."));
    }

    protected override async Task<IReadOnlyList<PlatformComment>> ListCommentsAsync(AdapterCall call, string parentId, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(call, new HttpRequestMessage(HttpMethod.Get,
            $"youtube/v3/commentThreads?part=snippet&videoId={Uri.EscapeDataString(parentId)}&order=time&maxResults=100"), cancellationToken);
        if (reply.Body is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            throw UnreadableAnswer();
        return items.EnumerateArray()
            .Select(thread => JsonProbe.Object(JsonProbe.Object(thread, "snippet"), "topLevelComment"))
            .Where(comment => JsonProbe.NonEmptyText(comment, "id") is not null)
            .Select(comment =>
            {
                var snippet = JsonProbe.Object(comment, "snippet");
                return new PlatformComment(JsonProbe.NonEmptyText(comment, "id")!, JsonProbe.Text(snippet, "textOriginal") ?? JsonProbe.Text(snippet, "textDisplay") ?? "",
                    JsonProbe.Text(JsonProbe.Object(snippet, "authorChannelId"), "value"),
                    DateTimeOffset.TryParse(JsonProbe.Text(snippet, "publishedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null);
            })
            .ToList();
    }

    protected override bool ParentIsGone(PlatformFailure failure, string parentId) => failure.PlatformCode == "videoNotFound";

    protected override async Task<WithdrawOutcome> WithdrawCommentCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        // A comment that is already gone (commentNotFound) is as withdrawn as one we delete now.
        await CallAsync(call, new HttpRequestMessage(HttpMethod.Delete, "youtube/v3/comments?id=" + Uri.EscapeDataString(request.PlatformPostId)),
            cancellationToken, HttpStatusCode.NotFound);
        return WithdrawOutcome.Withdrawn;
    }

    /// <summary>
    /// <c>GET youtube/v3/videos?part=status&amp;id=</c>: no item is NotFound (deleted, or private to another channel); a private
    /// video is NotFound "private" (a scheduled one until its publishAt), anything else Found.
    /// </summary>
    protected override async Task<PostLookup> LookUpCoreAsync(PostLookupRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(call, new HttpRequestMessage(HttpMethod.Get, "youtube/v3/videos?part=status&id=" + Uri.EscapeDataString(request.PlatformPostId)),
            cancellationToken);
        if (reply.Body is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            return PostLookup.Unknown($"YouTube's answer about video {request.PlatformPostId} could not be read.");
        var video = items.EnumerateArray().FirstOrDefault(v => JsonProbe.NonEmptyText(v, "id") == request.PlatformPostId);
        if (video.ValueKind != JsonValueKind.Object)
            return PostLookup.NotFound($"YouTube has no video {request.PlatformPostId} this channel can see (deleted, private to another channel, or never there).");
        var status = JsonProbe.Object(video, "status");
        if (JsonProbe.Text(status, "privacyStatus") == "private")
        {
            return PostLookup.NotFound(JsonProbe.Text(status, "publishAt") is { } publishAt
                ? $"YouTube video {request.PlatformPostId} is private until its scheduled publishAt {publishAt}."
                : $"YouTube video {request.PlatformPostId} is private.");
        }
        return PostLookup.Found(string.Format(CultureInfo.InvariantCulture, YouTubeSettings.From(call.Options).VideoUrlFormat, request.PlatformPostId));
    }

    // ---- the video resource --------------------------------------------------------------------------------

    private static JsonObject BuildMetadata(PublishRequest request, YouTubeSettings settings)
    {
        var options = request.Settings;
        var description = JsonProbe.NonEmptyText(options, "description") ?? request.Text;
        if (request.LinkUrl is { } link && !description.Contains(link, StringComparison.Ordinal))
            description = string.IsNullOrEmpty(description) ? link : description + "\n\n" + link;

        var snippet = new JsonObject
        {
            ["title"] = JsonProbe.NonEmptyText(options, "title") ?? TitleFrom(request.Text, settings.MaxTitleLength),
            ["description"] = description,
        };
        if (Strings(options, "tags") is { Count: > 0 } tags)
            snippet["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray());
        if ((JsonProbe.Scalar(options, "categoryId") ?? settings.DefaultCategoryId) is { } category)
            snippet["categoryId"] = category;

        var publishAt = JsonProbe.Scalar(options, "publishAt");
        // publishAt only works on a private video (off.), so asking for a time without a privacy means private until then.
        var status = new JsonObject { ["privacyStatus"] = JsonProbe.NonEmptyText(options, "privacyStatus") ?? (publishAt is null ? settings.DefaultPrivacyStatus : "private") };
        if (publishAt is not null)
            status["publishAt"] = publishAt;
        foreach (var flag in new[] { "selfDeclaredMadeForKids", "containsSyntheticMedia" })
        {
            if (JsonProbe.Bool(options, flag) is { } value)
                status[flag] = value;
        }
        return new JsonObject { ["snippet"] = snippet, ["status"] = status };
    }

    /// <summary>A title from the post's first non-empty line, cut to the title limit: used when settings.title is missing.</summary>
    private static string TitleFrom(string text, int maxLength)
    {
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        if (line.Length <= maxLength)
            return line;
        var cut = char.IsHighSurrogate(line[maxLength - 1]) ? maxLength - 1 : maxLength;
        return line[..cut];
    }

    private async Task<PublishOutcome> FinishAsync(PublishRequest request, YouTubeSettings settings, JsonElement video, CancellationToken cancellationToken)
    {
        var id = JsonProbe.NonEmptyText(video, "id") ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError,
            "YouTube finished the upload but did not say the video's id; check the channel before retrying."));
        await request.Handles.SetAsync(VideoIdHandle, id, cancellationToken);

        var asked = JsonProbe.NonEmptyText(request.Settings, "privacyStatus") ?? (JsonProbe.Scalar(request.Settings, "publishAt") is null ? settings.DefaultPrivacyStatus : "private");
        if (video.TryGetProperty("status", out var status) && JsonProbe.NonEmptyText(status, "privacyStatus") is { } got && got != asked)
        {
            // Unaudited API projects can only upload private videos (off.): worth telling the operator.
            Logger.LogWarning("YouTube made video {VideoId} {Privacy} although {Asked} was asked; the API project may not be audited yet", id, got, asked);
        }
        return Published(settings, id);
    }

    private static PublishOutcome Published(YouTubeSettings settings, string id) =>
        PublishOutcome.Published(id, string.Format(CultureInfo.InvariantCulture, settings.VideoUrlFormat, id));

    /// <summary>True/false when YouTube says whether the video exists; null when the token may not list videos (upload scope only).</summary>
    private async Task<bool?> VideoExistsAsync(AdapterCall call, string id, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await CallAsync(call, new HttpRequestMessage(HttpMethod.Get, "youtube/v3/videos?part=id,status&id=" + Uri.EscapeDataString(id)),
                cancellationToken);
            return reply.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("items", out var items)
                && items.ValueKind == JsonValueKind.Array && items.EnumerateArray().Any(v => JsonProbe.NonEmptyText(v, "id") == id);
        }
        catch (PlatformCallException ex) when (ex.Failure.Code == ErrorCodes.PermissionMissing)
        {
            return null;
        }
    }

    // ---- resumable upload ----------------------------------------------------------------------------------

    /// <summary>Where an upload stands: finished (the video), bytes received so far, or the session is gone.</summary>
    private sealed record Progress(JsonElement? Video, long Received, bool Gone);

    private async Task<string> StartSessionAsync(AdapterCall call, JsonObject metadata, bool? notifySubscribers, MediaFetcher file,
        CancellationToken cancellationToken)
    {
        // notifySubscribers is a videos.insert parameter (YouTube's default: true), not part of the resource.
        var path = notifySubscribers is { } notify ? $"{InsertPath}&notifySubscribers={(notify ? "true" : "false")}" : InsertPath;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(metadata) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=UTF-8");
        request.Headers.Add("X-Upload-Content-Length", file.Length.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Upload-Content-Type", file.ContentType);
        // A session holds no video until its last byte arrives, so repeating this call cannot publish twice.
        request.MarkRetrySafe();
        var reply = await CallAsync(call, request, cancellationToken);
        return reply.Location?.AbsoluteUri ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError,
            "YouTube did not return an upload session (no Location header)."));
    }

    /// <summary>
    /// Sends the bytes from <paramref name="offset"/> on, chunk by chunk. An interrupted chunk (lost answer, timeout,
    /// 5xx) is followed by a status query, and the upload continues from what the session says it has. The time the
    /// last chunk first goes out is recorded: after it, a session that cannot be asked (or has expired) may hold a video.
    /// </summary>
    private async Task<JsonElement> UploadAsync(AdapterCall call, YouTubeSettings settings, PublishRequest request, string session, MediaFetcher file,
        long offset, CancellationToken cancellationToken)
    {
        var interruptions = 0;
        DateTimeOffset? finalAt = null;
        while (true)
        {
            var count = (int)Math.Min(settings.UploadChunkBytes, file.Length - offset);
            var bytes = await file.ReadAsync(offset, count, cancellationToken);
            if (offset + count >= file.Length && finalAt is null)
            {
                finalAt = ParseTime(await request.Handles.GetAsync(FinalChunkHandle, cancellationToken)) ?? Time.GetUtcNow();
                await request.Handles.SetAsync(FinalChunkHandle, finalAt.Value.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
            }
            Progress progress;
            try
            {
                progress = await PutChunkAsync(call, session, file, bytes, offset, cancellationToken);
            }
            catch (Exception ex) when (IsInterrupted(ex, cancellationToken) && interruptions < Math.Max(1, call.Options.MaxRetries))
            {
                interruptions++;
                Logger.LogWarning("YouTube: upload interrupted at byte {Offset} of {Length}; asking the session how far it got", offset, file.Length);
                if (finalAt is null)
                {
                    progress = await QueryAsync(call, session, file.Length, cancellationToken);
                }
                else
                {
                    Progress? read = null;
                    if (await LookUpAsync("the upload session's status", async () =>
                        {
                            read = await QueryAsync(call, session, file.Length, cancellationToken);
                            return LookupResult.Absent;
                        }, cancellationToken) is LookupResult.Unknown unknown)
                    {
                        throw Unresolved("YouTube did not answer the last bytes of this video, so it may have made it", unknown, Check(call, finalAt.Value));
                    }
                    progress = read!;
                }
            }
            if (progress.Video is { } video)
                return video;
            if (progress.Gone && finalAt is not null)
            {
                throw new ReconciliationNeededException(
                    $"YouTube's upload session ended after the last bytes of this video were sent, so it may have made the video without saying which. {Check(call, finalAt.Value)}");
            }
            if (progress.Gone)
                throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError,
                    "YouTube's upload session expired before the upload finished; retry to start a new one."));
            offset = progress.Received;
        }
    }

    private static string Check(AdapterCall call, DateTimeOffset since) =>
        $"Check the YouTube channel {call.Account.Handle}'s uploads since {Minute(since)}, then resolve the target with resolve_target.";

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private async Task<Progress> PutChunkAsync(AdapterCall call, string session, MediaFetcher file, byte[] bytes, long offset, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + bytes.Length - 1, file.Length);
        return ProgressOf(await CallAsync(call, new HttpRequestMessage(HttpMethod.Put, session) { Content = content }, cancellationToken,
            HttpStatusCode.PermanentRedirect, HttpStatusCode.NotFound, HttpStatusCode.Gone));
    }

    /// <summary>The resumable protocol's status query: an empty PUT with <c>Content-Range: bytes */N</c>.</summary>
    private async Task<Progress> QueryAsync(AdapterCall call, string session, long total, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentRange = new ContentRangeHeaderValue(total);
        return ProgressOf(await CallAsync(call, new HttpRequestMessage(HttpMethod.Put, session) { Content = content }, cancellationToken,
            HttpStatusCode.PermanentRedirect, HttpStatusCode.NotFound, HttpStatusCode.Gone));
    }

    /// <summary>200/201 → the video; 308 → bytes received per <c>Range: bytes=0-N</c> (none without the header); 404/410 → gone.</summary>
    private static Progress ProgressOf(Reply reply)
    {
        if (reply.Status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            return new Progress(null, 0, Gone: true);
        if (reply.Status != HttpStatusCode.PermanentRedirect)
            return new Progress(reply.Body ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError,
                "YouTube finished the upload without describing the video.")), 0, Gone: false);
        var received = 0L;
        if (reply.Range is { } range && range.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(range[(range.IndexOf('-') + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var last))
            received = last + 1;
        return new Progress(null, received, Gone: false);
    }

    private static bool IsInterrupted(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        || (ex is PlatformCallException p && p.Failure.Code == ErrorCodes.PlatformError);

    // ---- errors --------------------------------------------------------------------------------------------

    protected override PlatformFailure MapError(HttpResponseMessage response, JsonElement? body)
    {
        var status = (int)response.StatusCode;
        var settings = YouTubeSettings.From(_options.Get(Name));
        var (reason, message) = GoogleError(body);
        var platformCode = reason ?? status.ToString(CultureInfo.InvariantCulture);
        var now = Time.GetUtcNow();
        var upload = response.RequestMessage?.RequestUri?.Query.Contains("upload_id=", StringComparison.Ordinal) == true;

        PlatformFailure Failure(string ours, string text, DateTimeOffset? retryAfter = null) => new(ours, text, retryAfter, platformCode, message);

        if (reason is not null && QuotaReasons.Contains(reason))
            return Failure(ErrorCodes.QuotaExhausted, "The YouTube API project's daily quota is used up; it resets at midnight Pacific time.",
                settings.NextQuotaReset(now));
        if (reason == "uploadLimitExceeded")
            return Failure(ErrorCodes.QuotaExhausted, "The YouTube channel reached its daily upload limit; try again in 24 hours.",
                now + settings.UploadLimitRetryAfter);
        if (status == 429 || (reason is not null && RateReasons.Contains(reason)))
            return Failure(ErrorCodes.RateLimited, "YouTube is limiting this app's request rate.", ResetTime(response) ?? now + settings.RateLimitBackoff);
        return status switch
        {
            401 => Failure(ErrorCodes.AuthExpired, "YouTube no longer accepts this account's token (expired or revoked); reconnect the account."),
            400 when reason == "invalid_grant" => Failure(ErrorCodes.AuthExpired, "YouTube refused to refresh this account's token; reconnect the account."),
            403 => Failure(ErrorCodes.PermissionMissing,
                "The YouTube account or token lacks a permission for this (youtube.upload to upload; youtube or youtube.force-ssl to delete)."),
            400 or 413 or 415 when upload || (reason is not null && MediaReasons.Contains(reason)) =>
                Failure(ErrorCodes.MediaUploadFailed, "YouTube refused the video file; check its format and size."),
            400 => Failure(ErrorCodes.ContentRejected, "YouTube refused the video's details (title, description, tags, category, privacy or publishAt)."),
            _ => PlatformErrorClassifier.ByStatus("YouTube", status, platformCode, message),
        };
    }

    /// <summary>The first <c>error.errors[].reason</c> and <c>error.message</c> of Google's envelope (or an OAuth <c>error</c> string).</summary>
    private static (string? Reason, string? Message) GoogleError(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } b || !b.TryGetProperty("error", out var error))
            return (null, null);
        if (error.ValueKind == JsonValueKind.String)
            return (error.GetString(), JsonProbe.NonEmptyText(b, "error_description"));
        string? reason = null;
        if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            reason = errors.EnumerateArray().Select(e => JsonProbe.NonEmptyText(e, "reason")).FirstOrDefault(r => r is not null);
        return (reason ?? JsonProbe.NonEmptyText(error, "status"), JsonProbe.NonEmptyText(error, "message"));
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------

    /// <summary>A platform answer whose headers outlive the response.</summary>
    private sealed record Reply(HttpStatusCode Status, JsonElement? Body, Uri? Location, string? Range);

    /// <summary>Sends with the bearer token; an unsuccessful status other than <paramref name="tolerated"/> throws via <see cref="MapError"/>.</summary>
    private async Task<Reply> CallAsync(AdapterCall call, HttpRequestMessage request, CancellationToken cancellationToken, params HttpStatusCode[] tolerated)
    {
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", call.AccessToken);
            using var response = await call.Client.SendAsync(request, cancellationToken);
            var body = await ReadJsonAsync(response, cancellationToken);
            if (!response.IsSuccessStatusCode && !tolerated.Contains(response.StatusCode))
                throw new PlatformCallException(MapError(response, body) with { HttpStatus = (int)response.StatusCode });
            var location = response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l : new Uri(response.RequestMessage?.RequestUri ?? call.Client.BaseAddress!, l)) : null;
            var range = response.Headers.TryGetValues("Range", out var values) ? values.FirstOrDefault() : null;
            return new Reply(response.StatusCode, body, location, range);
        }
    }

    /// <summary>A list of strings, given as an array or as one comma-separated string.</summary>
    private static List<string>? Strings(JsonElement? element, string property)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e || !e.TryGetProperty(property, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
                .Where(t => t.Length > 0).ToList(),
            JsonValueKind.String => value.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList(),
            _ => null,
        };
    }
}
