using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.TikTok;

/// <summary>
/// TikTok Content Posting API v2, Direct Post (docs/platforms.md#tiktok): creator_info → video init (PULL_FROM_URL) or photo
/// content init → status polling until PUBLISH_COMPLETE with the public post id. TikTok has no idempotency key and no
/// delete, so the publish id is kept as a handle and a retry resumes it; an init whose answer was lost is looked
/// for in the creator's video list (Display API, scope <c>video.list</c>) before anything is created again.
/// </summary>
public sealed class TikTokAdapter : PlatformAdapter
{
    /// <summary>The publish id TikTok returned for our init: a retry polls it instead of initialising again.</summary>
    public const string PublishIdHandle = "publish_id";

    /// <summary>When an init was sent whose answer we have not seen yet (cleared once TikTok answers).</summary>
    public const string InitStartedHandle = "init_started_at";

    public const string PostIdHandle = "post_id";
    public const string PostUrlHandle = "post_url";

    private const string StatusComplete = "PUBLISH_COMPLETE";
    private const string StatusFailed = "FAILED";
    private const string StatusSentToInbox = "SEND_TO_USER_INBOX";

    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new Dictionary<string, string>());

    private readonly IOptionsMonitor<PlatformOptions> _options;

    public TikTokAdapter(IHttpClientFactory clients, ITokenVault tokens, IOptionsMonitor<PlatformOptions> options, TimeProvider time,
        ILogger<TikTokAdapter> logger)
        : base(Platform.TikTok, clients, tokens, options, time, logger)
    {
        _options = options;
    }

    /// <summary>The Content Posting API has no delete endpoint (docs/platforms.md#tiktok-withdraw).</summary>
    public override PublisherCapabilities CapabilitiesFor(Platform target) => new(CanWithdraw: false);

    // creator_info names the account a token posts as (its username); TikTok's error envelope is checked as in publishing.
    protected override HttpRequestMessage WhoAmIRequest() => Post("v2/post/publish/creator_info/query/", new JsonObject());

    protected override SocialMcp.Core.Accounts.VerifiedAccount ParseWhoAmI(JsonElement body)
    {
        var (code, message, logId) = TikTokErrors.Read(body);
        if (code is not null && code != TikTokErrors.Ok)
            throw new PlatformCallException(new PlatformFailure(ErrorCodes.AuthExpired, "TikTok refused the token.", null, code, message ?? logId));
        var username = body.GetProperty("data").GetProperty("creator_username").GetString()!;
        return new(username, username);
    }

    protected override Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken) =>
        Task.FromResult(WithdrawOutcome.Failed(ErrorCodes.WithdrawNotSupported, "TikTok does not allow deleting posts through its API."));

    protected override PlatformFailure MapError(HttpResponseMessage response, JsonElement? body)
    {
        var (code, message, logId) = TikTokErrors.Read(body);
        return TikTokErrors.Map((int)response.StatusCode, code, message, logId, ResetTime(response), Time.GetUtcNow(),
            TikTokSettings.From(_options.Get(Name)));
    }

    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = TikTokSettings.From(call.Options);
        if (MediaProblem(request, settings) is { } refused)
            return refused;
        var kind = request.Media[0].IsVideo ? MediaKind.Video : MediaKind.Photo;
        var handles = request.Handles;

        if (await HandleAsync(handles, PostIdHandle, cancellationToken) is { } knownPostId)
            return PublishOutcome.Published(knownPostId, await HandleAsync(handles, PostUrlHandle, cancellationToken));

        var creator = await QueryCreatorAsync(call, settings, cancellationToken);
        var attempt = new Attempt(call, request, creator, kind, settings);

        if (await HandleAsync(handles, PublishIdHandle, cancellationToken) is { } previousPublishId)
        {
            // Only the publish's status can say whether it went live: if TikTok cannot give it, nothing is started again.
            PublishStatus? status = null;
            if (await LookUpAsync($"the status of publish {previousPublishId}", async () =>
                {
                    status = await FetchStatusAsync(attempt, previousPublishId, tolerateUnknown: true, cancellationToken);
                    return LookupResult.Absent;
                }, cancellationToken) is LookupResult.Unknown unknown)
            {
                return NeedsReconciliation($"TikTok accepted publish {previousPublishId} on an earlier attempt", unknown, Check(creator, null));
            }
            if (status is not null && status.Status != StatusFailed)
            {
                Logger.LogInformation("TikTok: resuming publish {PublishId} of post {PostId} ({Status})", previousPublishId, request.PostId, status.Status);
                return await FollowAsync(attempt, previousPublishId, status, cancellationToken);
            }
            // FAILED or unknown to TikTok: nothing of that attempt went live, so a new init cannot duplicate it.
        }
        else if (await HandleAsync(handles, InitStartedHandle, cancellationToken) is { } started
                 && DateTimeOffset.TryParse(started, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since))
        {
            Logger.LogInformation("TikTok: an earlier init of post {PostId} went unanswered; looking for it first", request.PostId);
            if (await ReconcileLostInitAsync(attempt, since, mayStartOver: true, cancellationToken) is { } reconciled)
                return reconciled;
        }

        if (ChoiceProblem(request, creator, settings, out var privacyLevel) is { } invalid)
            return invalid;

        var startedAt = Time.GetUtcNow();
        await handles.SetAsync(PublishIdHandle, "", cancellationToken);
        await handles.SetAsync(InitStartedHandle, startedAt.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
        string publishId;
        try
        {
            publishId = await InitAsync(attempt, privacyLevel, cancellationToken);
        }
        catch (Exception ex) when (NeverReachedTikTok(ex))
        {
            // TikTok answered with a refusal, or the request never left: nothing was created.
            await handles.SetAsync(InitStartedHandle, "", cancellationToken);
            throw;
        }
        catch (Exception ex) when (IsAmbiguous(ex, cancellationToken))
        {
            Logger.LogWarning("TikTok: the init of post {PostId} went unanswered ({Error}); looking for the post before reporting", request.PostId, ex.GetType().Name);
            return await ReconcileLostInitAsync(attempt, startedAt, mayStartOver: false, cancellationToken)
                   ?? PlatformFailure.Transient(Name).ToPublishOutcome();
        }

        await handles.SetAsync(PublishIdHandle, publishId, cancellationToken);
        return await FollowAsync(attempt, publishId, null, cancellationToken);
    }

    private enum MediaKind
    {
        Video,
        Photo,
    }

    private sealed record Creator(string Username, IReadOnlyList<string> PrivacyLevelOptions, bool CommentDisabled, bool DuetDisabled,
        bool StitchDisabled, double? MaxVideoPostDurationSec);

    private sealed record Attempt(AdapterCall Call, PublishRequest Request, Creator Creator, MediaKind Kind, TikTokSettings Settings);

    private sealed record PublishStatus(string Status, string? FailReason, string? PostId);

    private static PublishOutcome? MediaProblem(PublishRequest request, TikTokSettings settings)
    {
        var media = request.Media;
        if (media.Count == 0)
            return Rejected($"TikTok posts need one video or 1 to {settings.MaxPhotos} photos; TikTok has no text-only posts.");
        if (media.Any(m => m.IsVideo) && media.Count > 1)
            return Rejected("A TikTok post is one video, or photos only; videos and photos cannot be mixed.");
        if (media.Any(m => !m.IsVideo && !m.IsImage))
            return Rejected("TikTok posts take videos and photos only.");
        if (media.Count > settings.MaxPhotos)
            return Rejected($"A TikTok photo post takes at most {settings.MaxPhotos} photos.");
        return null;
    }

    private PublishOutcome? ChoiceProblem(PublishRequest request, Creator creator, TikTokSettings settings, out string privacyLevel)
    {
        var offered = string.Join(", ", creator.PrivacyLevelOptions);
        privacyLevel = JsonProbe.Text(request.Settings, "privacyLevel") ?? settings.DefaultPrivacyLevel ?? "";
        if (privacyLevel.Length == 0)
            return Rejected($"TikTok needs settings.privacyLevel, chosen by the creator; this account offers {offered}.");
        if (!creator.PrivacyLevelOptions.Contains(privacyLevel, StringComparer.Ordinal))
            return Rejected($"This TikTok account does not offer privacyLevel {privacyLevel}; it offers {offered}.");
        if (request.Media[0] is { IsVideo: true, DurationSeconds: { } seconds } && creator.MaxVideoPostDurationSec is { } max && seconds > max)
            return Rejected($"This TikTok account posts videos of at most {max.ToString(CultureInfo.InvariantCulture)} s; this one lasts {seconds.ToString(CultureInfo.InvariantCulture)} s.");
        return null;
    }

    private static PublishOutcome Rejected(string message) => PublishOutcome.Failed(ErrorCodes.ContentRejected, message);

    private async Task<Creator> QueryCreatorAsync(AdapterCall call, TikTokSettings settings, CancellationToken cancellationToken)
    {
        var data = await SendTikTokAsync(call, Post("v2/post/publish/creator_info/query/", []).MarkRetrySafe(), settings, cancellationToken);
        var options = data.TryGetProperty("privacy_level_options", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!).ToList()
            : [];
        return new Creator(
            JsonProbe.Text(data, "creator_username") ?? call.Account.Handle,
            options,
            JsonProbe.IsTrue(data, "comment_disabled"),
            JsonProbe.IsTrue(data, "duet_disabled"),
            JsonProbe.IsTrue(data, "stitch_disabled"),
            data.TryGetProperty("max_video_post_duration_sec", out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetDouble(out var seconds)
                ? seconds
                : null);
    }

    /// <summary>Direct Post init: the call that makes the post; TikTok pulls the media and publishes it by itself.</summary>
    private async Task<string> InitAsync(Attempt attempt, string privacyLevel, CancellationToken cancellationToken)
    {
        var (call, request, creator, kind, settings) = attempt;
        var postInfo = new JsonObject
        {
            ["privacy_level"] = privacyLevel,
            ["disable_comment"] = creator.CommentDisabled || JsonProbe.IsTrue(request.Settings, "disableComment"),
        };
        foreach (var (setting, field) in new[] { ("brandContentToggle", "brand_content_toggle"), ("brandOrganicToggle", "brand_organic_toggle") })
        {
            if (request.Settings is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(setting, out _))
                postInfo[field] = JsonProbe.IsTrue(request.Settings, setting);
        }

        JsonObject body;
        string path;
        if (kind == MediaKind.Video)
        {
            postInfo["title"] = request.Text;
            postInfo["disable_duet"] = creator.DuetDisabled || JsonProbe.IsTrue(request.Settings, "disableDuet");
            postInfo["disable_stitch"] = creator.StitchDisabled || JsonProbe.IsTrue(request.Settings, "disableStitch");
            path = "v2/post/publish/video/init/";
            body = new JsonObject
            {
                ["post_info"] = postInfo,
                ["source_info"] = new JsonObject { ["source"] = "PULL_FROM_URL", ["video_url"] = request.Media[0].ResolvedUrl },
            };
        }
        else
        {
            // On photo posts the text is the description (≤ 4,000); the title (≤ 90) is optional and left out.
            postInfo["description"] = request.Text;
            path = "v2/post/publish/content/init/";
            body = new JsonObject
            {
                ["post_info"] = postInfo,
                ["source_info"] = new JsonObject
                {
                    ["source"] = "PULL_FROM_URL",
                    ["photo_cover_index"] = 0,
                    ["photo_images"] = new JsonArray(request.Media.Select(m => (JsonNode)m.ResolvedUrl).ToArray()),
                },
                ["post_mode"] = "DIRECT_POST",
                ["media_type"] = "PHOTO",
            };
        }

        // Not retry-safe: each init creates a new publish, so the handler never repeats it.
        var data = await SendTikTokAsync(call, Post(path, body), settings, cancellationToken);
        return JsonProbe.Text(data, "publish_id")
               ?? throw new PlatformCallException(PlatformFailure.Transient(Name, "missing_publish_id", "TikTok's init answer had no publish_id."));
    }

    /// <summary>Polls the publish until TikTok has the public post id, it failed, or the poll budget is spent.</summary>
    private async Task<PublishOutcome> FollowAsync(Attempt attempt, string publishId, PublishStatus? status, CancellationToken cancellationToken)
    {
        var options = attempt.Call.Options;
        for (var poll = 1; ; poll++)
        {
            if (status is null)
            {
                try
                {
                    status = await FetchStatusAsync(attempt, publishId, tolerateUnknown: false, cancellationToken)
                             ?? throw new PlatformCallException(PlatformFailure.Transient(Name));
                }
                catch (PlatformCallException ex) when (ex.Failure.Code is ErrorCodes.RateLimited or ErrorCodes.PlatformError)
                {
                    // TikTok accepted the post; only our view of it is late. A later attempt resumes from the publish id.
                    Logger.LogInformation("TikTok: status of publish {PublishId} unavailable ({Code}); reporting it in review", publishId, ex.Failure.Code);
                    return PublishOutcome.InReview(publishId, null);
                }
                catch (Exception ex) when (IsAmbiguous(ex, cancellationToken))
                {
                    return PublishOutcome.InReview(publishId, null);
                }
            }

            switch (status.Status)
            {
                case StatusComplete when status.PostId is { } postId:
                    return await PublishedAsync(attempt, postId, null, cancellationToken);
                case StatusFailed:
                    Logger.LogInformation("TikTok: publish {PublishId} failed: {Reason}", publishId, status.FailReason);
                    return TikTokErrors.FromFailReason(status.FailReason).ToPublishOutcome();
                case StatusSentToInbox:
                    // The creator finishes the post in the TikTok app.
                    return PublishOutcome.InReview(publishId, null);
            }

            // Still downloading, or complete but in moderation: the post id comes after moderation (docs/platforms.md#tiktok-publish-flow).
            if (poll >= Math.Max(1, options.MaxPolls))
                return PublishOutcome.InReview(publishId, null);
            await DelayAsync(options.PollInterval, cancellationToken);
            status = null;
        }
    }

    private async Task<PublishStatus?> FetchStatusAsync(Attempt attempt, string publishId, bool tolerateUnknown, CancellationToken cancellationToken)
    {
        var request = Post("v2/post/publish/status/fetch/", new JsonObject { ["publish_id"] = publishId }).MarkRetrySafe();
        JsonElement data;
        try
        {
            data = await SendTikTokAsync(attempt.Call, request, attempt.Settings, cancellationToken);
        }
        catch (PlatformCallException ex) when (tolerateUnknown && ex.Failure.PlatformCode == "invalid_params")
        {
            return null;
        }
        string? postId = null;
        foreach (var field in new[] { "publicaly_available_post_id", "publicly_available_post_id" })
        {
            if (data.TryGetProperty(field, out var ids) && ids.ValueKind == JsonValueKind.Array && ids.GetArrayLength() > 0)
            {
                var first = ids[0];
                postId = first.ValueKind == JsonValueKind.Number ? first.GetRawText() : first.GetString();
                break;
            }
        }
        return new PublishStatus(JsonProbe.Text(data, "status") ?? "", JsonProbe.Text(data, "fail_reason"), postId);
    }

    /// <summary>
    /// After an init whose answer never came: looks for the post in the creator's recent videos. Found → published.
    /// Not found within <see cref="TikTokSettings.UnconfirmedInitWindow"/> → an error telling when to try again (a new
    /// init now could post twice); after the window, <paramref name="mayStartOver"/> lets the caller initialise again.
    /// When the list cannot be read (or reading it is turned off), the target needs reconciling by a person.
    /// </summary>
    private async Task<PublishOutcome?> ReconcileLostInitAsync(Attempt attempt, DateTimeOffset since, bool mayStartOver, CancellationToken cancellationToken)
    {
        var settings = attempt.Settings;
        var happened = $"TikTok did not answer the init of this post at {Minute(since)}, so it may have created it";
        switch (await FindPostAsync(attempt, since, cancellationToken))
        {
            case LookupResult.Found found:
                return found.Outcome;
            case LookupResult.Unknown unknown:
                return NeedsReconciliation(happened, unknown, Check(attempt.Creator, since));
        }

        var decidedBy = since + settings.UnconfirmedInitWindow;
        if (mayStartOver && Time.GetUtcNow() >= decidedBy)
        {
            await attempt.Request.Handles.SetAsync(InitStartedHandle, "", cancellationToken);
            return null;
        }
        return PublishOutcome.Failed(ErrorCodes.PlatformError,
            "TikTok did not answer whether it created the post, and the post is not in the account's videos yet. Publishing again " +
            "looks for it again; only after the retry time does it create the post anew, so it is never posted twice.",
            decidedBy, "init_unconfirmed");
    }

    /// <summary>
    /// Our post among the creator's recent videos (Display API <c>video/list</c>), polled a few times because a new post
    /// shows up only after TikTok pulled the media. A list that could never be read is <see cref="LookupResult.Unknown"/>.
    /// </summary>
    private async Task<LookupResult> FindPostAsync(Attempt attempt, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var (call, request, creator, _, settings) = attempt;
        if (!settings.ReconcileWithVideoList)
        {
            return new LookupResult.Unknown(
                $"@{creator.Username}'s videos could not be read to check (reading them is turned off: Platforms:tiktok:Settings:ReconcileWithVideoList)");
        }
        var text = request.Text.Trim();
        var notBefore = (since - settings.ReconcileClockSkew).ToUnixTimeSeconds();
        var answered = false;
        return await LookUpAsync($"@{creator.Username}'s videos", async () =>
        {
            for (var poll = 1; ; poll++)
            {
                var list = Post("v2/video/list/?fields=id,title,video_description,create_time,share_url",
                    new JsonObject { ["max_count"] = settings.VideoListPageSize }).MarkRetrySafe();
                JsonElement data;
                try
                {
                    data = await SendTikTokAsync(call, list, settings, cancellationToken);
                }
                catch (Exception ex) when (answered && (ex is PlatformCallException || IsAmbiguous(ex, cancellationToken)))
                {
                    // An earlier read of this lookup answered without our post: that answer stands.
                    Logger.LogInformation("TikTok: a later read of the video list failed ({Error}); keeping the earlier answer", ex.GetType().Name);
                    return LookupResult.Absent;
                }
                if (!data.TryGetProperty("videos", out var videos) || videos.ValueKind != JsonValueKind.Array)
                    throw UnreadableAnswer();
                answered = true;
                foreach (var video in videos.EnumerateArray())
                {
                    var created = video.TryGetProperty("create_time", out var t) && t.TryGetInt64(out var seconds) ? seconds : 0;
                    var matches = (JsonProbe.Text(video, "title") ?? "").Trim() == text || (JsonProbe.Text(video, "video_description") ?? "").Trim() == text;
                    if (matches && created >= notBefore && JsonProbe.Text(video, "id") is { Length: > 0 } id)
                    {
                        Logger.LogInformation("TikTok: found post {PlatformPostId} for post {PostId} after a lost init", id, request.PostId);
                        return new LookupResult.Found(await PublishedAsync(attempt, id, JsonProbe.Text(video, "share_url"), cancellationToken));
                    }
                }

                if (poll >= Math.Max(1, call.Options.MaxPolls))
                    return LookupResult.Absent;
                await DelayAsync(call.Options.PollInterval, cancellationToken);
            }
        }, cancellationToken);
    }

    private static string Check(Creator creator, DateTimeOffset? since) =>
        since is { } at
            ? $"Check @{creator.Username}'s TikTok posts (and drafts in the app) since {Minute(at)}, then resolve the target with resolve_target."
            : $"Check @{creator.Username}'s TikTok posts (and drafts in the app), then resolve the target with resolve_target.";

    private async Task<PublishOutcome> PublishedAsync(Attempt attempt, string postId, string? shareUrl, CancellationToken cancellationToken)
    {
        var template = attempt.Kind == MediaKind.Video ? attempt.Settings.VideoUrlTemplate : attempt.Settings.PhotoUrlTemplate;
        var url = shareUrl ?? template.Replace("{username}", attempt.Creator.Username, StringComparison.Ordinal).Replace("{id}", postId, StringComparison.Ordinal);
        await attempt.Request.Handles.SetAsync(PostIdHandle, postId, cancellationToken);
        await attempt.Request.Handles.SetAsync(PostUrlHandle, url, cancellationToken);
        return PublishOutcome.Published(postId, url);
    }

    /// <summary>Sends a TikTok call and unwraps <c>data</c>; a non-ok <c>error.code</c> fails it even on HTTP 200.</summary>
    private async Task<JsonElement> SendTikTokAsync(AdapterCall call, HttpRequestMessage request, TikTokSettings settings, CancellationToken cancellationToken)
    {
        var body = await SendAsync(call, request, cancellationToken);
        var (code, message, logId) = TikTokErrors.Read(body);
        if (code is not null && code != TikTokErrors.Ok)
            throw new PlatformCallException(TikTokErrors.Map(200, code, message, logId, null, Time.GetUtcNow(), settings));
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            ? data
            : EmptyObject;
    }

    private static HttpRequestMessage Post(string path, JsonObject body)
    {
        var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    private static async Task<string?> HandleAsync(IPublishHandles handles, string kind, CancellationToken cancellationToken) =>
        await handles.GetAsync(kind, cancellationToken) is { Length: > 0 } value ? value : null;

    /// <summary>A refusal TikTok answered, or a request that never reached it (no connection): nothing was created.</summary>
    private static bool NeverReachedTikTok(Exception ex) =>
        (ex is PlatformCallException && !IsGatewayFailure(ex))
        || ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };

    /// <summary>The request may have been handled with its answer lost: a timeout, a dropped connection, a bare 5xx from a gateway.</summary>
    private static bool IsAmbiguous(Exception ex, CancellationToken cancellationToken) =>
        PlatformErrorClassifier.IsNoAnswer(ex, cancellationToken) || IsGatewayFailure(ex);

    /// <summary>A 5xx without TikTok's error envelope (its platform code is then the HTTP status): something in front of TikTok failed, after or before TikTok acted.</summary>
    private static bool IsGatewayFailure(Exception ex) =>
        ex is PlatformCallException { Failure: { Code: ErrorCodes.PlatformError, PlatformCode: { Length: 3 } status } } && status[0] == '5' && status.All(char.IsAsciiDigit);
}
