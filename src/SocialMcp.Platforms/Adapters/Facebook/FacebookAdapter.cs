using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Facebook;

/// <summary>
/// Publishes to a Facebook Page through the Graph API (docs/platforms.md#facebook-publish-flow) with the Page token; the account's
/// <c>PlatformAccountId</c> is the Page id. By media and <c>settings.placement</c>:
/// text/link → <c>{page-id}/feed</c> (message, link); one image → <c>{page-id}/photos</c> (url, caption);
/// several images → unpublished <c>{page-id}/photos</c>, then <c>{page-id}/feed</c> with <c>attached_media</c>;
/// one video → <c>{page-id}/videos</c> (file_url, on the graph-video host); placement <c>reel</c> →
/// <c>{page-id}/video_reels</c> start → upload by <c>file_url</c> to the returned upload URL → finish → status polls.
/// Nothing that makes a post live is repeated blindly: the first attempt's time (single-call posts) or the reel's
/// video id is recorded before the call, and a retry first asks Facebook (the Page's feed or videos since then, or
/// the reel's status) whether the post already exists. When Facebook cannot answer that, nothing is created again:
/// the target needs reconciling by a person.
/// </summary>
public sealed class FacebookAdapter : PlatformAdapter
{
    private readonly IOptionsMonitor<PlatformOptions> _options;

    public FacebookAdapter(IHttpClientFactory clients, ITokenVault tokens, IOptionsMonitor<PlatformOptions> options, TimeProvider time,
        ILogger<FacebookAdapter> logger)
        : base(Platform.Facebook, clients, tokens, options, time, logger)
    {
        _options = options;
    }

    /// <summary>Handle kinds recorded in <see cref="PublishRequest.Handles"/>.</summary>
    public static class HandleKinds
    {
        /// <summary>The live post's id (page-post id, video id or reel id): the post exists.</summary>
        public const string PostId = "post_id";

        /// <summary>When the first attempt of the call that makes the post live started (ISO 8601).</summary>
        public const string Attempt = "attempt";

        public const string ReelVideoId = "reel_video_id";
        public const string ReelUploadUrl = "reel_upload_url";

        /// <summary>When the reel's finish (the call that publishes it) was first sent (ISO 8601).</summary>
        public const string ReelFinishRequested = "reel_finish_at";

        /// <summary>An unpublished photo of a multi-photo post, by the media item's index.</summary>
        public static string Photo(int index) => "photo:" + index.ToString(CultureInfo.InvariantCulture);
    }

    private enum Shape
    {
        Feed,
        Photo,
        MultiPhoto,
        Video,
        Reel,
    }

    private sealed record Job(AdapterCall Call, PublishRequest Request, FacebookSettings Settings, Shape Shape)
    {
        public string PageId => Call.Account.PlatformAccountId;
        public IPublishHandles Handles => Request.Handles;
    }

    public override PublisherCapabilities CapabilitiesFor(Platform target) => new(CanWithdraw: true);

    protected override HttpRequestMessage WhoAmIRequest() => new(HttpMethod.Get, "me?fields=id,name");

    protected override SocialMcp.Core.Accounts.VerifiedAccount ParseWhoAmI(JsonElement body) =>
        new(body.GetProperty("id").GetString()!, body.TryGetProperty("name", out var name) ? name.GetString()! : body.GetProperty("id").GetString()!);

    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var (shape, unsupported) = ShapeOf(request);
        if (shape is null)
            return PublishOutcome.Failed(ErrorCodes.ContentRejected, unsupported!);
        var job = new Job(call, request, FacebookSettings.From(call.Options), shape.Value);

        // An earlier attempt that got as far as a post id: the post is live (unless deleted since).
        if (await job.Handles.GetAsync(HandleKinds.PostId, cancellationToken) is { } knownId
            && await ConfirmAsync(job, knownId, cancellationToken) is { } confirmed)
            return confirmed;

        if (job.Shape == Shape.Reel)
            return await PublishReelAsync(job, cancellationToken);

        // An earlier attempt may have created the post: look for it, and create nothing when Facebook cannot say.
        var firstAttempt = ParseTime(await job.Handles.GetAsync(HandleKinds.Attempt, cancellationToken));
        if (firstAttempt is not null)
        {
            switch (await FindCreatedSinceAsync(job, firstAttempt.Value, cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation($"Facebook may have created this post on an earlier attempt (at {Minute(firstAttempt.Value)})",
                        unknown, Check(job, firstAttempt.Value));
            }
        }

        var photos = job.Shape == Shape.MultiPhoto ? await UploadUnpublishedPhotosAsync(job, cancellationToken) : [];
        var since = firstAttempt ?? Time.GetUtcNow();
        if (firstAttempt is null)
            await job.Handles.SetAsync(HandleKinds.Attempt, since.ToString("O", CultureInfo.InvariantCulture), cancellationToken);

        string postId;
        try
        {
            postId = await CreateAsync(job, photos, cancellationToken);
        }
        catch (Exception ex) when (PlatformErrorClassifier.MayHaveActed(ex, cancellationToken))
        {
            Logger.LogWarning("Facebook did not answer the create call for post {PostId}; checking the Page before reporting", request.PostId);
            switch (await FindCreatedSinceAsync(job, since, cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation("Facebook did not answer the call that creates the post, so it may have created it", unknown, Check(job, since));
            }
            throw;
        }
        catch (PlatformCallException ex) when (ex.Failure.Code == ErrorCodes.DuplicateContent && firstAttempt is not null)
        {
            // #506 right after an attempt whose answer was lost is most likely that attempt's own post.
            switch (await FindCreatedSinceAsync(job, since, cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation("Facebook calls this post a duplicate, so an earlier attempt probably created it", unknown, Check(job, since));
            }
            throw;
        }
        await job.Handles.SetAsync(HandleKinds.PostId, postId, cancellationToken);
        return PublishOutcome.Published(postId, await PermalinkAsync(job, postId, cancellationToken));
    }

    protected override async Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Delete, Escape(request.PlatformPostId)), cancellationToken);
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False
                ? WithdrawOutcome.Failed(ErrorCodes.PlatformError, "Facebook did not delete the post.")
                : WithdrawOutcome.Withdrawn;
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == FacebookErrors.ObjectMissing)
        {
            // Already gone (e.g. our own earlier delete whose answer was lost): the post is not on the Page.
            Logger.LogInformation("Facebook post {PlatformPostId} was already deleted", request.PlatformPostId);
            return WithdrawOutcome.Withdrawn;
        }
    }

    // ---- comments and read-back (issue 15, docs/platforms.md#comments-facebook, #read-back) ------------------------

    protected override bool CanDeleteComments => true;

    protected override Task<string> CreateCommentAsync(AdapterCall call, string parentId, string text, CancellationToken cancellationToken) =>
        GraphComments.CreateAsync(message => SendAsync(call, message, cancellationToken), parentId, text);

    protected override Task<IReadOnlyList<PlatformComment>> ListCommentsAsync(AdapterCall call, string parentId, CancellationToken cancellationToken) =>
        GraphComments.ListAsync(message => SendAsync(call, message, cancellationToken), parentId, "id,message,created_time,from", "message", UnreadableAnswer);

    protected override bool ParentIsGone(PlatformFailure failure, string parentId) => failure.PlatformCode == FacebookErrors.ObjectMissing;

    protected override async Task<WithdrawOutcome> WithdrawCommentCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(call, new HttpRequestMessage(HttpMethod.Delete, Escape(request.PlatformPostId)), cancellationToken);
            return WithdrawOutcome.Withdrawn;
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == FacebookErrors.ObjectMissing)
        {
            // Already gone: deleted by hand, with its post, or by our own earlier delete whose answer was lost.
            return WithdrawOutcome.Withdrawn;
        }
    }

    protected override async Task<PostLookup> LookUpCoreAsync(PostLookupRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, $"{Escape(request.PlatformPostId)}?fields=id,permalink_url"), cancellationToken);
            var url = JsonProbe.Text(body, "permalink_url");
            // Videos and reels answer a relative permalink.
            return PostLookup.Found(url is not null && url.StartsWith('/') ? new Uri(FacebookSettings.From(call.Options).WebRoot, url.TrimStart('/')).AbsoluteUri : url);
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == FacebookErrors.ObjectMissing)
        {
            return PostLookup.NotFound($"Facebook has no post {request.PlatformPostId} this Page can see (deleted, or never there).");
        }
    }

    protected override PlatformFailure MapError(HttpResponseMessage response, JsonElement? body)
    {
        var settings = FacebookSettings.From(_options.Get(Name));
        return FacebookErrors.Map(response, body, Time.GetUtcNow(), ResetTime(response), settings);
    }

    // ---- single-call posts ---------------------------------------------------------------------------------

    private Task<string> CreateAsync(Job job, IReadOnlyList<string> photos, CancellationToken cancellationToken) => job.Shape switch
    {
        Shape.Feed => CreateFeedPostAsync(job, cancellationToken),
        Shape.MultiPhoto => CreateMultiPhotoPostAsync(job, photos, cancellationToken),
        Shape.Photo => CreatePhotoPostAsync(job, cancellationToken),
        Shape.Video => CreateVideoPostAsync(job, cancellationToken),
        _ => throw new InvalidOperationException($"Shape {job.Shape} is not a single-call post."),
    };

    private async Task<string> CreateFeedPostAsync(Job job, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("published", "true") };
        if (job.Request.Text.Length > 0)
            form.Add(new("message", job.Request.Text));
        if (job.Request.LinkUrl is not null)
            form.Add(new("link", job.Request.LinkUrl));
        return Id(await PostFormAsync(job, $"{Escape(job.PageId)}/feed", form, cancellationToken), "id");
    }

    private async Task<string> CreateMultiPhotoPostAsync(Job job, IReadOnlyList<string> photos, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("published", "true") };
        if (TextWithLink(job.Request) is { Length: > 0 } message)
            form.Add(new("message", message));
        for (var i = 0; i < photos.Count; i++)
            form.Add(new($"attached_media[{i}]", JsonSerializer.Serialize(new Dictionary<string, string> { ["media_fbid"] = photos[i] })));
        return Id(await PostFormAsync(job, $"{Escape(job.PageId)}/feed", form, cancellationToken), "id");
    }

    private async Task<string> CreatePhotoPostAsync(Job job, CancellationToken cancellationToken)
    {
        var item = job.Request.Media[0];
        var form = new List<KeyValuePair<string, string>> { new("url", item.ResolvedUrl), new("published", "true") };
        if (TextWithLink(job.Request) is { Length: > 0 } caption)
            form.Add(new("caption", caption));
        if (item.AltText is { Length: > 0 } alt)
            form.Add(new("alt_text_custom", alt));
        var body = await PostFormAsync(job, $"{Escape(job.PageId)}/photos", form, cancellationToken);
        // The photo's feed post is what the Page shows (and what DELETE takes down).
        return JsonProbe.Text(body, "post_id") ?? Id(body, "id");
    }

    private async Task<string> CreateVideoPostAsync(Job job, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("file_url", job.Request.Media[0].ResolvedUrl), new("published", "true") };
        if (TextWithLink(job.Request) is { Length: > 0 } description)
            form.Add(new("description", description));
        if (Setting(job.Request, "title") is { } title)
            form.Add(new("title", title));
        return Id(await PostFormAsync(job, VideoPath(job), form, cancellationToken), "id");
    }

    /// <summary>The photos of a multi-photo post, uploaded unpublished (published=false): invisible until attached.</summary>
    private async Task<IReadOnlyList<string>> UploadUnpublishedPhotosAsync(Job job, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        for (var i = 0; i < job.Request.Media.Count; i++)
        {
            if (await job.Handles.GetAsync(HandleKinds.Photo(i), cancellationToken) is { } uploaded)
            {
                ids.Add(uploaded);
                continue;
            }
            var item = job.Request.Media[i];
            var form = new List<KeyValuePair<string, string>> { new("url", item.ResolvedUrl), new("published", "false") };
            if (item.AltText is { Length: > 0 } alt)
                form.Add(new("alt_text_custom", alt));
            var id = Id(await PostFormAsync(job, $"{Escape(job.PageId)}/photos", form, cancellationToken), "id");
            await job.Handles.SetAsync(HandleKinds.Photo(i), id, cancellationToken);
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>The post as it stands on Facebook, or null when it no longer exists.</summary>
    private async Task<PublishOutcome?> ConfirmAsync(Job job, string postId, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(job.Call, new HttpRequestMessage(HttpMethod.Get, $"{Escape(postId)}?fields=id,permalink_url"), cancellationToken);
            return PublishOutcome.Published(postId, job.Shape == Shape.Reel ? ReelUrl(job, postId) : Absolute(job, JsonProbe.Text(body, "permalink_url")) ?? Fallback(job, postId));
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == FacebookErrors.ObjectMissing)
        {
            Logger.LogWarning("Facebook post {PlatformPostId} of post {PostId} no longer exists; publishing again", postId, job.Request.PostId);
            return null;
        }
    }

    /// <summary>
    /// Looks through the Page's feed (or videos) created since the first attempt, less a clock skew, page by page, for an
    /// item with our text. A failed or unreadable read, or more pages than we read, is <see cref="LookupResult.Unknown"/>,
    /// never "not there".
    /// </summary>
    private Task<LookupResult> FindCreatedSinceAsync(Job job, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var (edge, field, expected) = job.Shape == Shape.Video
            ? ("videos", "description", TextWithLink(job.Request))
            : ("feed", "message", job.Shape == Shape.Feed ? job.Request.Text : TextWithLink(job.Request));
        var listing = $"the Page's {edge}";
        var from = (since - job.Settings.ReconcileClockSkew).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var firstPage = $"{Escape(job.PageId)}/{edge}?fields=id,{field},created_time,permalink_url&since={from}"
            + $"&limit={job.Settings.ReconcilePageSize.ToString(CultureInfo.InvariantCulture)}";
        return LookUpAsync(listing, () => ListingSearch.FindAsync(listing, job.Settings.ReconcileMaxPages,
            async cursor =>
            {
                var path = cursor is null ? firstPage : $"{firstPage}&after={Uri.EscapeDataString(cursor)}";
                var body = await SendAsync(job.Call, new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
                if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var items) || items.ValueKind != JsonValueKind.Array)
                    throw UnreadableAnswer();
                // Graph names the next page only when there is one; its cursor is what we send back as `after`.
                var paging = JsonProbe.Object(body, "paging");
                var next = JsonProbe.Text(paging, "next") is null ? null
                    : JsonProbe.NonEmptyText(JsonProbe.Object(paging, "cursors"), "after") ?? throw UnreadableAnswer();
                return new ListingPage([.. items.EnumerateArray()], next);
            },
            async item =>
            {
                if (!SameText(JsonProbe.Text(item, field), expected) || JsonProbe.Text(item, "id") is not { } id)
                    return null;
                Logger.LogInformation("Post {PostId} was already on the Facebook Page as {PlatformPostId}", job.Request.PostId, id);
                await job.Handles.SetAsync(HandleKinds.PostId, id, cancellationToken);
                return PublishOutcome.Published(id, Absolute(job, JsonProbe.Text(item, "permalink_url")) ?? Fallback(job, id));
            }), cancellationToken);
    }

    private static string Check(Job job, DateTimeOffset since) =>
        $"Check the Page {job.PageId}'s posts and videos since {Minute(since)}, then resolve the target with resolve_target.";

    private async Task<string> PermalinkAsync(Job job, string postId, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(job.Call, new HttpRequestMessage(HttpMethod.Get, $"{Escape(postId)}?fields=permalink_url"), cancellationToken);
            return Absolute(job, JsonProbe.Text(body, "permalink_url")) ?? Fallback(job, postId);
        }
        catch (Exception ex) when (ex is PlatformCallException || PlatformErrorClassifier.IsNoAnswer(ex, cancellationToken))
        {
            // The post is live; only its link is unknown, so the documented pattern stands in.
            return Fallback(job, postId);
        }
    }

    // ---- reels ---------------------------------------------------------------------------------------------

    private sealed record ReelStatus(string VideoStatus, string Uploading, string Processing, string Publishing, string? Error)
    {
        public bool Uploaded => Uploading == "complete";
        public bool PublishRequested => Publishing is "in_progress" or "complete";
        public bool Live => Publishing == "complete";
        public bool Failed => VideoStatus == "error" || Processing == "error" || Uploading == "error";
    }

    /// <summary>
    /// start → upload by file_url → finish (video_state=PUBLISHED) → status polls. The video id is recorded right after
    /// start; a retry reads the reel's status and resumes from the first phase not yet done, so a reel is never
    /// finished twice nor started again while its upload still exists.
    /// </summary>
    private async Task<PublishOutcome> PublishReelAsync(Job job, CancellationToken cancellationToken)
    {
        var videoId = await job.Handles.GetAsync(HandleKinds.ReelVideoId, cancellationToken);
        var uploadUrl = await job.Handles.GetAsync(HandleKinds.ReelUploadUrl, cancellationToken);
        ReelStatus? status = null;
        if (videoId is not null)
        {
            if (ParseTime(await job.Handles.GetAsync(HandleKinds.ReelFinishRequested, cancellationToken)) is { } finishedAt)
            {
                // The publishing call went out before: only the reel's status can say whether it is live.
                var (read, unknown) = await LookUpReelStatusAsync(job, videoId, cancellationToken);
                if (unknown is not null)
                    return NeedsReconciliation($"Facebook may have published reel {videoId} on an earlier attempt (finish sent at {Minute(finishedAt)})",
                        unknown, ReelCheck(job, videoId));
                status = read;
            }
            else
            {
                // Nothing was published yet, so a failure to read is a plain failure: a retry reads again.
                status = await ReadReelStatusAsync(job, videoId, cancellationToken);
            }
            if (status is null || status.VideoStatus == "expired" || (status.Failed && !status.PublishRequested))
            {
                Logger.LogInformation("Reel upload {VideoId} of post {PostId} is gone or failed before publishing; starting a new one", videoId, job.Request.PostId);
                (videoId, status) = (null, null);
            }
        }
        if (videoId is null)
        {
            var start = await PostFormAsync(job, $"{Escape(job.PageId)}/video_reels", [new("upload_phase", "start")], cancellationToken);
            videoId = Id(start, "video_id");
            uploadUrl = JsonProbe.Text(start, "upload_url") ?? job.Settings.UploadUrlPattern.Replace("{id}", videoId, StringComparison.Ordinal);
            await job.Handles.SetAsync(HandleKinds.ReelVideoId, videoId, cancellationToken);
            await job.Handles.SetAsync(HandleKinds.ReelUploadUrl, uploadUrl, cancellationToken);
            await job.Handles.SetAsync(HandleKinds.ReelFinishRequested, "", cancellationToken);
        }
        uploadUrl ??= job.Settings.UploadUrlPattern.Replace("{id}", videoId, StringComparison.Ordinal);

        if (status is null || !status.Uploaded)
            await UploadReelAsync(job, uploadUrl, job.Request.Media[0].ResolvedUrl, cancellationToken);

        if (status is null || !status.PublishRequested)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("upload_phase", "finish"), new("video_id", videoId), new("video_state", "PUBLISHED"),
            };
            if (TextWithLink(job.Request) is { Length: > 0 } description)
                form.Add(new("description", description));
            if (ParseTime(await job.Handles.GetAsync(HandleKinds.ReelFinishRequested, cancellationToken)) is null)
                await job.Handles.SetAsync(HandleKinds.ReelFinishRequested, Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), cancellationToken);
            try
            {
                await PostFormAsync(job, $"{Escape(job.PageId)}/video_reels", form, cancellationToken);
            }
            catch (Exception ex) when (PlatformErrorClassifier.MayHaveActed(ex, cancellationToken))
            {
                // Whether the finish landed is in the reel's status; if it cannot be read, a person has to look.
                var (after, unknown) = await LookUpReelStatusAsync(job, videoId, cancellationToken);
                if (unknown is not null)
                    return NeedsReconciliation($"Facebook did not answer the finish of reel {videoId}, so it may have published it", unknown, ReelCheck(job, videoId));
                if (after is null || !after.PublishRequested)
                    throw;
            }
        }
        return await AwaitReelAsync(job, videoId, cancellationToken);
    }

    private async Task UploadReelAsync(Job job, string uploadUrl, string fileUrl, CancellationToken cancellationToken)
    {
        // The upload service takes "OAuth <token>"; a repeated upload of the same video id replaces the bytes.
        var upload = new HttpRequestMessage(HttpMethod.Post, uploadUrl).MarkRetrySafe();
        upload.Headers.Authorization = new AuthenticationHeaderValue("OAuth", job.Call.AccessToken);
        upload.Headers.TryAddWithoutValidation("file_url", fileUrl);
        await SendAsync(job.Call, upload, cancellationToken);
    }

    private async Task<PublishOutcome> AwaitReelAsync(Job job, string videoId, CancellationToken cancellationToken)
    {
        var options = job.Call.Options;
        for (var poll = 0; poll < Math.Max(1, options.MaxPolls); poll++)
        {
            if (poll > 0)
                await DelayAsync(options.PollInterval, cancellationToken);
            var status = await ReadReelStatusAsync(job, videoId, cancellationToken)
                ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError, "The reel disappeared from Facebook while it was being published."));
            if (status.Failed)
            {
                throw new PlatformCallException(new PlatformFailure(ErrorCodes.MediaUploadFailed,
                    "Facebook could not process the reel's video; check that it is an MP4 of 3–90 seconds in 9:16.", null, status.VideoStatus, status.Error));
            }
            if (status.Live)
            {
                await job.Handles.SetAsync(HandleKinds.PostId, videoId, cancellationToken);
                return PublishOutcome.Published(videoId, ReelUrl(job, videoId));
            }
        }
        return PublishOutcome.Failed(ErrorCodes.PlatformError,
            "The reel is still processing on Facebook; retry_post checks it again without uploading it twice.");
    }

    private async Task<ReelStatus?> ReadReelStatusAsync(Job job, string videoId, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            body = await SendAsync(job.Call, new HttpRequestMessage(HttpMethod.Get, $"{Escape(videoId)}?fields=status"), cancellationToken);
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == FacebookErrors.ObjectMissing)
        {
            return null;
        }
        if (!body.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
            return new ReelStatus("unknown", "unknown", "unknown", "unknown", null);
        string Phase(string name) => status.TryGetProperty(name, out var phase) && phase.ValueKind == JsonValueKind.Object ? JsonProbe.Text(phase, "status") ?? "unknown" : "unknown";
        string? error = null;
        if (status.TryGetProperty("processing_phase", out var processing) && processing.ValueKind == JsonValueKind.Object
            && processing.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            error = string.Join("; ", errors.EnumerateArray().Select(e => JsonProbe.Text(e, "message")).Where(m => m is not null));
        return new ReelStatus(JsonProbe.Text(status, "video_status") ?? "unknown", Phase("uploading_phase"), Phase("processing_phase"), Phase("publishing_phase"), error);
    }

    /// <summary>The reel's status (null: Facebook no longer knows it), or why it could not be read.</summary>
    private async Task<(ReelStatus? Status, LookupResult.Unknown? Unknown)> LookUpReelStatusAsync(Job job, string videoId, CancellationToken cancellationToken)
    {
        ReelStatus? status = null;
        var result = await LookUpAsync($"the status of reel {videoId}", async () =>
        {
            status = await ReadReelStatusAsync(job, videoId, cancellationToken);
            return LookupResult.Of(null);
        }, cancellationToken);
        return (status, result as LookupResult.Unknown);
    }

    private static string ReelCheck(Job job, string videoId) =>
        $"Check the Page {job.PageId}'s reels for video {videoId}, then resolve the target with resolve_target.";

    // ---- helpers -------------------------------------------------------------------------------------------

    private static (Shape? Shape, string? Problem) ShapeOf(PublishRequest request)
    {
        var placement = Setting(request, "placement")?.ToLowerInvariant();
        var media = request.Media;
        if (placement == "story")
            return (null, "Facebook Page stories are not published by this server; use placement feed or reel.");
        if (placement == "reel")
            return media is [{ IsVideo: true }] ? (Shape.Reel, null) : (null, "A Facebook reel is exactly one video.");
        if (media.Count == 0)
            return (Shape.Feed, null);
        if (media.All(m => m.IsImage))
            return (media.Count == 1 ? Shape.Photo : Shape.MultiPhoto, null);
        if (media is [{ IsVideo: true }])
            return (Shape.Video, null);
        return (null, "A Facebook post carries images or one video, not both (nor several videos).");
    }

    private static string? Setting(PublishRequest request, string name) =>
        request.Settings is { ValueKind: JsonValueKind.Object } settings && settings.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Photo captions and video descriptions have no link field: the link goes at the end of the text.</summary>
    private static string TextWithLink(PublishRequest request) =>
        request.LinkUrl is null || request.Text.Contains(request.LinkUrl, StringComparison.Ordinal)
            ? request.Text
            : request.Text.Length == 0 ? request.LinkUrl : request.Text + "\n\n" + request.LinkUrl;

    private Task<JsonElement> PostFormAsync(Job job, string path, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken) =>
        SendAsync(job.Call, new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) }, cancellationToken);

    /// <summary>Video uploads go to graph-video.facebook.com (off.) when the API root is graph.facebook.com; elsewhere (an emulator) to the root.</summary>
    private static string VideoPath(Job job)
    {
        var path = $"{Escape(job.PageId)}/videos";
        var root = job.Call.Client.BaseAddress;
        return root is not null && root.Host.Equals("graph.facebook.com", StringComparison.OrdinalIgnoreCase)
            ? new UriBuilder(new Uri(root, path)) { Host = job.Settings.VideoHost }.Uri.AbsoluteUri
            : path;
    }

    private static string ReelUrl(Job job, string videoId) => job.Settings.ReelUrlPattern.Replace("{id}", videoId, StringComparison.Ordinal);

    private static string Fallback(Job job, string postId) => job.Settings.PostUrlFallbackPattern.Replace("{id}", postId, StringComparison.Ordinal);

    /// <summary>permalink_url is absolute for posts and relative (<c>/page/videos/id/</c>) for videos.</summary>
    private static string? Absolute(Job job, string? permalink) =>
        string.IsNullOrEmpty(permalink) ? null
        : Uri.TryCreate(permalink, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal) ? absolute.AbsoluteUri
        : new Uri(job.Settings.WebRoot, permalink.TrimStart('/')).AbsoluteUri;

    private static bool SameText(string? found, string expected) => Normalize(found) == Normalize(expected);

    private static string Normalize(string? text) => (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static string Id(JsonElement body, string name) =>
        JsonProbe.Text(body, name) ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError, $"Facebook's answer had no {name}."));
}
