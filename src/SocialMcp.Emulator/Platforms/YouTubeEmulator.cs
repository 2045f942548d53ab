using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// The YouTube Data API v3 (docs/platforms.md#youtube): resumable <c>videos.insert</c> (session start answering with the
/// session URI in <c>Location</c>, byte uploads answering 308 + <c>Range</c> until complete, status queries with
/// <c>Content-Range: bytes */N</c>), <c>videos.list</c> by id and <c>videos.delete</c>, with the platform's rules:
/// title ≤ 100 characters without &lt; &gt;, description ≤ 5,000 UTF-8 bytes, tags ≤ 500 characters counted with
/// commas and quotes, publishAt only with privacyStatus private, the project's 10,000 units a day reset at midnight
/// Pacific (403 quotaExceeded), and an unaudited project's uploads forced private. Errors use Google's envelope.
/// A token carrying the scope <see cref="UnauditedProjectScope"/> stands for an unaudited API project.
/// Test bytes for media URLs are served under <c>test-media/{name}?bytes=N</c>.
/// </summary>
public sealed class YouTubeEmulator : IEmulatorModule
{
    public const string UploadScope = "https://www.googleapis.com/auth/youtube.upload";
    public const string ManageScope = "https://www.googleapis.com/auth/youtube";
    public const string ForceSslScope = "https://www.googleapis.com/auth/youtube.force-ssl";
    public const string ReadOnlyScope = "https://www.googleapis.com/auth/youtube.readonly";

    /// <summary>An emulator-only scope: the token's API project has not passed YouTube's audit, so uploads stay private (off.).</summary>
    public const string UnauditedProjectScope = "emulator:unaudited-project";

    /// <summary>Default project quota (off.).</summary>
    public const int DailyQuotaUnits = 10_000;

    /// <summary>Cost of a videos.insert in the older, single-bucket cost model (off. older page; 3p).</summary>
    public const int InsertCost = 1_600;

    public const int ListCost = 1;

    public const int DeleteCost = 50;

    /// <summary>commentThreads.insert and comments.delete cost 50 units each, a list 1 (off. quota table).</summary>
    public const int CommentWriteCost = 50;

    /// <summary>The longest comment (10,000 characters, unverified; docs/platforms.md#comments-youtube).</summary>
    public const int MaxCommentLength = 10_000;

    /// <summary>Non-final chunks are multiples of 256 KiB (unverified; emulated so adapters respect it).</summary>
    public const long ChunkGranularity = 256 * 1024;

    /// <summary>How long an unfinished upload session stays usable (unverified, about a week).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(7);

    private const int MaxTitleLength = 100;
    private const int MaxDescriptionBytes = 5_000;
    private const int MaxTagsLength = 500;
    private static readonly HashSet<string> PrivacyStatuses = ["private", "public", "unlisted"];
    private static readonly HashSet<string> CategoryIds = ["1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29"];

    public Platform Platform => Platform.YouTube;

    public void Map(RouteGroupBuilder routes, EmulatorState state)
    {
        var store = new Store();
        // Handlers taking only HttpContext declare Task<IResult>, so they bind as route handlers (their result is
        // written) rather than as RequestDelegates (whose result would be dropped).
        routes.MapPost("upload/youtube/v3/videos", Task<IResult> (HttpContext http) => StartSessionAsync(http, state, store));
        routes.MapPut("upload/youtube/v3/videos", Task<IResult> (HttpContext http) => UploadAsync(http, state, store));
        routes.MapGet("youtube/v3/videos", Task<IResult> (HttpContext http) => Task.FromResult(ListVideos(http, state, store)));
        routes.MapDelete("youtube/v3/videos", Task<IResult> (HttpContext http) => Task.FromResult(DeleteVideo(http, state, store)));
        routes.MapGet("test-media/{name}", (HttpContext http, string name) => TestMedia(http, name));
        var comments = new EmulatedComments(Platform.YouTube, state, 0, (_, number) => "Ugz" + number.PadLeft(8, '0') + "emu");
        routes.MapPost("youtube/v3/commentThreads", Task<IResult> (HttpContext http) => InsertCommentThreadAsync(http, state, store, comments));
        routes.MapGet("youtube/v3/commentThreads", Task<IResult> (HttpContext http) => Task.FromResult(ListCommentThreads(http, state, store, comments)));
        routes.MapDelete("youtube/v3/comments", Task<IResult> (HttpContext http) => Task.FromResult(DeleteComment(http, state, store, comments)));
        // channels.list mine=true: the token's own channel, used to verify an account before connecting it.
        routes.MapGet("youtube/v3/channels", IResult (HttpContext http) => state.Authenticate(Platform.YouTube, BearerOf(http)) is { } caller
            ? Results.Json(new JsonObject
            {
                ["kind"] = "youtube#channelListResponse",
                ["items"] = new JsonArray(new JsonObject { ["id"] = caller.AccountId, ["snippet"] = new JsonObject { ["title"] = caller.Username } }),
            })
            : Unauthenticated());
    }

    // ---- videos.insert (resumable) -------------------------------------------------------------------------

    private static async Task<IResult> StartSessionAsync(HttpContext http, EmulatorState state, Store store)
    {
        if (state.Authenticate(Platform.YouTube, BearerOf(http)) is not { } caller)
            return Unauthenticated();
        if (!HasAnyScope(caller, UploadScope, ManageScope, ForceSslScope))
            return InsufficientPermissions();
        if (Charge(state, store, InsertCost) is { } exhausted)
            return exhausted;
        state.CountCall(Platform.YouTube, "videos.insert");

        var query = http.Request.Query;
        if (query["uploadType"] != "resumable")
            return Error(400, "badRequest", "global", "This emulator only accepts uploadType=resumable.");
        var parts = query["part"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!parts.Contains("snippet"))
            return Error(400, "invalidPart", "youtube.part", "part must include snippet.", "part");

        long? declaredLength = null;
        if (http.Request.Headers.TryGetValue("X-Upload-Content-Length", out var lengthHeader))
        {
            if (!long.TryParse(lengthHeader, CultureInfo.InvariantCulture, out var length) || length <= 0)
                return Error(400, "badRequest", "global", "X-Upload-Content-Length must be a positive number.");
            declaredLength = length;
        }

        JsonObject? video;
        try
        {
            video = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return Error(400, "parseError", "global", "Parse Error");
        }
        if (video is null)
            return Error(400, "invalidVideoMetadata", "youtube.video", "The request metadata is invalid.");
        if (CheckMetadata(video) is { } invalid)
            return invalid;

        var session = new Session(Guid.NewGuid().ToString("N"), caller.AccountId, video, declaredLength, state.Time.GetUtcNow(),
            caller.Scopes.Contains(UnauditedProjectScope));
        store.Sessions[session.Id] = session;
        var location = $"{http.Request.Scheme}://{http.Request.Host}/{Platform.YouTube.ToWireName()}/upload/youtube/v3/videos?uploadType=resumable&upload_id={session.Id}";
        return new HeaderResult(Results.Ok(), new Dictionary<string, string> { ["Location"] = location });
    }

    private static IResult? CheckMetadata(JsonObject video)
    {
        var snippet = video["snippet"] as JsonObject;
        var title = Str(snippet?["title"]);
        if (string.IsNullOrWhiteSpace(title))
            return Error(400, "invalidTitle", "youtube.video", "The request metadata specifies an invalid or empty video title.", "body.snippet.title");
        if (title.Length > MaxTitleLength || title.AsSpan().IndexOfAny('<', '>') >= 0)
            return Error(400, "invalidTitle", "youtube.video", "The request metadata specifies an invalid video title.", "body.snippet.title");
        var description = Str(snippet?["description"]) ?? "";
        if (Encoding.UTF8.GetByteCount(description) > MaxDescriptionBytes || description.AsSpan().IndexOfAny('<', '>') >= 0)
            return Error(400, "invalidDescription", "youtube.video", "The request metadata specifies an invalid video description.", "body.snippet.description");
        if (snippet?["tags"] is JsonArray tags && TagsLength(tags.Select(t => Str(t) ?? "")) > MaxTagsLength)
            return Error(400, "invalidTags", "youtube.video", "The request metadata specifies invalid video keywords.", "body.snippet.tags");
        if (snippet?["categoryId"] is { } category && (Str(category) is not { } categoryId || !CategoryIds.Contains(categoryId)))
            return Error(400, "invalidCategoryId", "youtube.video", "The snippet.categoryId property specifies an invalid category ID.", "body.snippet.categoryId");

        var status = video["status"] as JsonObject;
        var privacy = Str(status?["privacyStatus"]) ?? "public";
        if (!PrivacyStatuses.Contains(privacy))
            return Error(400, "invalidVideoMetadata", "youtube.video", "status.privacyStatus must be private, public or unlisted.", "body.status.privacyStatus");
        if (status?["publishAt"] is { } publishAt)
        {
            if (privacy != "private")
                return Error(400, "invalidPublishAt", "youtube.video", "publishAt can only be set when privacyStatus is private.", "body.status.publishAt");
            if (!DateTimeOffset.TryParse(Str(publishAt), CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return Error(400, "invalidPublishAt", "youtube.video", "The request metadata specifies an invalid scheduled publishing time.", "body.status.publishAt");
        }
        foreach (var flag in new[] { "selfDeclaredMadeForKids", "containsSyntheticMedia" })
        {
            if (status?[flag] is { } value && value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                return Error(400, "invalidVideoMetadata", "youtube.video", $"status.{flag} must be a boolean.", "body.status." + flag);
        }
        return null;
    }

    /// <summary>Tags count with the commas between them, and a tag containing a space as if quoted (off.).</summary>
    public static int TagsLength(IEnumerable<string> tags)
    {
        var list = tags.ToList();
        return list.Sum(t => t.Contains(' ') ? t.Length + 2 : t.Length) + Math.Max(0, list.Count - 1);
    }

    /// <summary>
    /// PUT to the session URI: a chunk (<c>Content-Range: bytes a-b/N</c>), the whole file (no Content-Range), or a
    /// status query (<c>Content-Range: bytes */N</c>, empty body). Incomplete → 308 with <c>Range</c>; complete → 201
    /// with the video, and 200 with the same video for any later PUT to the finished session.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext http, EmulatorState state, Store store)
    {
        if (state.Authenticate(Platform.YouTube, BearerOf(http)) is not { } caller)
            return Unauthenticated();
        var uploadId = http.Request.Query["upload_id"].ToString();
        var now = state.Time.GetUtcNow();
        if (!store.Sessions.TryGetValue(uploadId, out var session) || session.ChannelId != caller.AccountId
            || (session.VideoId is null && now - session.StartedAt > SessionLifetime))
            return Error(404, "notFound", "global", "The upload session does not exist or has expired.");

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var received = buffer.Length;

        ContentRangeHeaderValue? range = null;
        if (http.Request.Headers.TryGetValue("Content-Range", out var rangeHeader) && !ContentRangeHeaderValue.TryParse(rangeHeader, out range))
            return Error(400, "badRequest", "global", "Content-Range is malformed.");

        lock (session)
        {
            if (session.VideoId is not null)
                return Results.Json(store.Videos[session.VideoId].ToJson(), statusCode: 200);

            var total = range?.Length ?? session.DeclaredLength ?? (range is null ? received : null);
            if (total is 0)
                return Error(400, "mediaBodyRequired", "youtube.video", "The request does not include the video content.");
            if (total is null || (session.DeclaredLength is { } declared && declared != total))
                return Error(400, "badRequest", "global", "The upload length does not match X-Upload-Content-Length.");

            if (range is { HasRange: false })
            {
                if (received != 0)
                    return Error(400, "badRequest", "global", "A status query has no body.");
            }
            else
            {
                var from = range?.From ?? 0;
                var to = range?.To ?? received - 1;
                if (to - from + 1 != received || from > session.Received || to >= total)
                    return Error(400, "badRequest", "global", "Content-Range does not match the bytes sent or the bytes received so far.");
                if (to + 1 < total && received % ChunkGranularity != 0)
                    return Error(400, "badRequest", "global", $"Chunks other than the last must be multiples of {ChunkGranularity} bytes.");
                // Keep the bytes (a repeated chunk overwrites its place) so the finished file can be checked.
                session.Content.Position = from;
                buffer.Position = 0;
                buffer.CopyTo(session.Content);
                session.Received = Math.Max(session.Received, to + 1);
            }

            if (session.Received < total)
            {
                var headers = new Dictionary<string, string>();
                if (session.Received > 0)
                    headers["Range"] = $"bytes=0-{session.Received - 1}";
                return new HeaderResult(Results.StatusCode(308), headers);
            }

            // docs/emulator.md#media: the upload must be a video; YouTube answers a file it cannot process with uploadStatus failed,
            // the emulator with its 400 for a body that is no video.
            var file = session.Content.ToArray();
            if (!EmulatedMedia.Fits(file, "video"))
                return Error(400, "invalidVideo", "youtube.video", "The uploaded file is not a video YouTube can process.");
            EmulatedMedia.Record(state, Platform.YouTube, "upload", file);
            var video = Video.From(store.NewVideoId(), session, now);
            store.Videos[video.Id] = video;
            session.VideoId = video.Id;
            state.CountLivePost(Platform.YouTube, video.Id);
            return Results.Json(video.ToJson(), statusCode: 201);
        }
    }

    // ---- videos.list / videos.delete -----------------------------------------------------------------------

    private static IResult ListVideos(HttpContext http, EmulatorState state, Store store)
    {
        if (state.Authenticate(Platform.YouTube, BearerOf(http)) is not { } caller)
            return Unauthenticated();
        if (!HasAnyScope(caller, ReadOnlyScope, ManageScope, ForceSslScope))
            return InsufficientPermissions();
        if (Charge(state, store, ListCost) is { } exhausted)
            return exhausted;
        var ids = http.Request.Query["id"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length == 0)
            return Error(400, "missingRequiredParameter", "youtube.parameter", "No filter selected. Expected one of: id, myRating, chart.", "parameters.");
        var items = ids.Select(id => store.Videos.GetValueOrDefault(id))
            .Where(v => v is not null && v.DeletedAt is null && (v.ChannelId == caller.AccountId || v.PrivacyStatus(state.Time.GetUtcNow()) != "private"))
            .Select(v => (JsonNode)v!.ToJson(state.Time.GetUtcNow()))
            .ToArray();
        return Results.Json(new JsonObject
        {
            ["kind"] = "youtube#videoListResponse",
            ["items"] = new JsonArray(items),
            ["pageInfo"] = new JsonObject { ["totalResults"] = items.Length, ["resultsPerPage"] = items.Length },
        });
    }

    private static IResult DeleteVideo(HttpContext http, EmulatorState state, Store store)
    {
        if (state.Authenticate(Platform.YouTube, BearerOf(http)) is not { } caller)
            return Unauthenticated();
        if (!HasAnyScope(caller, ManageScope, ForceSslScope))
            return InsufficientPermissions();
        if (Charge(state, store, DeleteCost) is { } exhausted)
            return exhausted;
        state.CountCall(Platform.YouTube, "videos.delete");
        var id = http.Request.Query["id"].ToString();
        if (!store.Videos.TryGetValue(id, out var video) || video.DeletedAt is not null)
            return Error(404, "videoNotFound", "youtube.video", "The video identified by the <code>id</code> parameter could not be found.", "id");
        if (video.ChannelId != caller.AccountId)
            return Error(403, "forbidden", "youtube.video", "The video that you are trying to delete cannot be deleted. The request might not be properly authorized.", "id");
        video.DeletedAt = state.Time.GetUtcNow();
        return Results.StatusCode(204);
    }

    // ---- comments (issue 15) --------------------------------------------------------------------------------

    /// <summary>
    /// <c>POST youtube/v3/commentThreads?part=snippet</c> with <c>{snippet: {videoId, topLevelComment: {snippet: {textOriginal}}}}</c>
    /// → the thread, whose top-level comment carries the comment id (docs/platforms.md#comments-youtube).
    /// </summary>
    private static async Task<IResult> InsertCommentThreadAsync(HttpContext http, EmulatorState state, Store store, EmulatedComments comments)
    {
        if (state.Authenticate(Platform.YouTube, BearerOf(http)) is not { } caller)
            return Unauthenticated();
        if (!HasAnyScope(caller, ForceSslScope))
            return InsufficientPermissions();
        if (Charge(state, store, CommentWriteCost) is { } exhausted)
            return exhausted;
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            body = null;
        }
        var videoId = Str(body?["snippet"]?["videoId"]);
        var text = Str(body?["snippet"]?["topLevelComment"]?["snippet"]?["textOriginal"]);
        if (string.IsNullOrEmpty(videoId) || string.IsNullOrEmpty(Str(body?["snippet"]?["channelId"])))
            return Error(400, "channelOrVideoIdMissing", "youtube.commentThread", "Each comment thread must be linked to a channel and a video.", "snippet");
        if (string.IsNullOrWhiteSpace(text))
            return Error(400, "commentTextRequired", "youtube.commentThread", "The comment must contain text.", "snippet.topLevelComment.snippet.textOriginal");
        if (text.Length > MaxCommentLength)
            return Error(400, "commentTextTooLong", "youtube.commentThread", "The comment is too long.", "snippet.topLevelComment.snippet.textOriginal");
        if (VisibleVideo(state, store, caller, videoId) is null)
            return VideoNotFound();
        var comment = comments.Add(videoId, caller.AccountId, caller.Username, text);
        return Results.Json(ThreadJson(comment));
    }

    /// <summary><c>GET youtube/v3/commentThreads?part=snippet&amp;videoId=…</c>: the video's top-level comments, newest first.</summary>
    private static IResult ListCommentThreads(HttpContext http, EmulatorState state, Store store, EmulatedComments comments)
    {
        if (state.Authenticate(Platform.YouTube, BearerOf(http)) is not { } caller)
            return Unauthenticated();
        if (!HasAnyScope(caller, ReadOnlyScope, ManageScope, ForceSslScope))
            return InsufficientPermissions();
        if (Charge(state, store, ListCost) is { } exhausted)
            return exhausted;
        state.CountCall(Platform.YouTube, "comments.list");
        var videoId = http.Request.Query["videoId"].ToString();
        if (VisibleVideo(state, store, caller, videoId) is null)
            return VideoNotFound();
        var items = comments.On(videoId).Reverse().Select(c => (JsonNode)ThreadJson(c)).ToArray();
        return Results.Json(new JsonObject
        {
            ["kind"] = "youtube#commentThreadListResponse",
            ["items"] = new JsonArray(items),
            ["pageInfo"] = new JsonObject { ["totalResults"] = items.Length, ["resultsPerPage"] = items.Length },
        });
    }

    /// <summary><c>DELETE youtube/v3/comments?id=…</c> → 204; the author's own comment only.</summary>
    private static IResult DeleteComment(HttpContext http, EmulatorState state, Store store, EmulatedComments comments)
    {
        if (state.Authenticate(Platform.YouTube, BearerOf(http)) is not { } caller)
            return Unauthenticated();
        if (!HasAnyScope(caller, ForceSslScope))
            return InsufficientPermissions();
        if (Charge(state, store, CommentWriteCost) is { } exhausted)
            return exhausted;
        state.CountCall(Platform.YouTube, "comments.delete");
        var id = http.Request.Query["id"].ToString();
        if (comments.Find(id) is not { } comment)
            return Error(404, "commentNotFound", "youtube.comment", "The comment identified by the <code>id</code> parameter could not be found.", "id");
        if (comment.AuthorId != caller.AccountId)
            return Error(403, "forbidden", "youtube.comment", "The comment could not be deleted: the request is not properly authorized.", "id");
        comments.Remove(id);
        return Results.StatusCode(204);
    }

    private static Video? VisibleVideo(EmulatorState state, Store store, EmulatorToken caller, string videoId) =>
        store.Videos.TryGetValue(videoId, out var video) && video.DeletedAt is null
            && (video.ChannelId == caller.AccountId || video.PrivacyStatus(state.Time.GetUtcNow()) != "private")
            ? video
            : null;

    private static IResult VideoNotFound() =>
        Error(404, "videoNotFound", "youtube.commentThread", "The video identified by the <code>videoId</code> parameter could not be found.", "videoId");

    private static JsonObject ThreadJson(EmulatedComment comment) => new()
    {
        ["kind"] = "youtube#commentThread",
        ["id"] = comment.Id,
        ["snippet"] = new JsonObject
        {
            ["videoId"] = comment.ParentId,
            ["topLevelComment"] = new JsonObject
            {
                ["kind"] = "youtube#comment",
                ["id"] = comment.Id,
                ["snippet"] = new JsonObject
                {
                    ["videoId"] = comment.ParentId,
                    ["textOriginal"] = comment.Text,
                    ["textDisplay"] = comment.Text,
                    ["authorDisplayName"] = comment.AuthorName,
                    ["authorChannelId"] = new JsonObject { ["value"] = comment.AuthorId },
                    ["publishedAt"] = comment.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            },
            ["totalReplyCount"] = 0,
        },
    };

    // ---- quota ---------------------------------------------------------------------------------------------

    /// <summary>Charges the project's daily quota, which resets at midnight Pacific time (off.).</summary>
    private static IResult? Charge(EmulatorState state, Store store, int units)
    {
        var day = PacificDay(state.Time.GetUtcNow());
        lock (store)
        {
            var used = store.QuotaUsed.GetValueOrDefault(day);
            if (used + units > DailyQuotaUnits)
                return Error(403, "quotaExceeded", "youtube.quota",
                    "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                    status: "PERMISSION_DENIED");
            store.QuotaUsed[day] = used + units;
            return null;
        }
    }

    private static readonly TimeZoneInfo Pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    private static DateOnly PacificDay(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Pacific).DateTime);

    // ---- test media, auth, envelopes -----------------------------------------------------------------------

    /// <summary>Deterministic bytes for media URLs in tests: <c>test-media/clip.mp4?bytes=5000</c>.</summary>
    private static IResult TestMedia(HttpContext http, string name)
    {
        var size = int.TryParse(http.Request.Query["bytes"], CultureInfo.InvariantCulture, out var n) ? n : 1024;
        var bytes = EmulatedMedia.TestBytes(name, size);
        return Results.Bytes(bytes, name.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) ? "video/mp4" : "application/octet-stream");
    }

    private static bool HasAnyScope(EmulatorToken token, params string[] scopes) =>
        token.Scopes.Contains("*") || scopes.Any(token.Scopes.Contains);

    private static string? BearerOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static IResult Unauthenticated() => Results.Json(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = 401,
            ["message"] = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
            ["errors"] = new JsonArray(new JsonObject
            {
                ["message"] = "Invalid Credentials",
                ["domain"] = "global",
                ["reason"] = "authError",
                ["location"] = "Authorization",
                ["locationType"] = "header",
            }),
            ["status"] = "UNAUTHENTICATED",
        },
    }, statusCode: 401);

    private static IResult InsufficientPermissions() =>
        Error(403, "insufficientPermissions", "global", "Request had insufficient authentication scopes.", status: "PERMISSION_DENIED");

    private static IResult Error(int code, string reason, string domain, string message, string? location = null, string? status = null)
    {
        var item = new JsonObject { ["message"] = message, ["domain"] = domain, ["reason"] = reason };
        if (location is not null)
        {
            item["location"] = location;
            item["locationType"] = "parameter";
        }
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["errors"] = new JsonArray(item) };
        if (status is not null)
            error["status"] = status;
        return Results.Json(new JsonObject { ["error"] = error }, statusCode: code);
    }

    // ---- state ---------------------------------------------------------------------------------------------

    private sealed class Store
    {
        private long _next;

        public ConcurrentDictionary<string, Session> Sessions { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, Video> Videos { get; } = new(StringComparer.Ordinal);
        public Dictionary<DateOnly, int> QuotaUsed { get; } = [];

        /// <summary>An 11-character id in YouTube's alphabet, unique within this emulator.</summary>
        public string NewVideoId()
        {
            var n = Interlocked.Increment(ref _next);
            return ("emu" + Convert.ToBase64String(BitConverter.GetBytes(n)).Replace('+', '-').Replace('/', '_').TrimEnd('='))[..11];
        }
    }

    private sealed class Session(string id, string channelId, JsonObject metadata, long? declaredLength, DateTimeOffset startedAt, bool unaudited)
    {
        public string Id => id;
        public string ChannelId => channelId;
        public JsonObject Metadata => metadata;
        public long? DeclaredLength => declaredLength;
        public DateTimeOffset StartedAt => startedAt;
        public bool Unaudited => unaudited;
        public long Received { get; set; }
        public string? VideoId { get; set; }
        public MemoryStream Content { get; } = new();
    }

    private sealed class Video(string id, string channelId, JsonObject snippet, string privacy, string? publishAt, JsonObject flags, DateTimeOffset uploadedAt)
    {
        public string Id => id;
        public string ChannelId => channelId;
        public DateTimeOffset? DeletedAt { get; set; }

        public static Video From(string id, Session session, DateTimeOffset now)
        {
            var snippet = session.Metadata["snippet"]?.DeepClone() as JsonObject ?? [];
            var status = session.Metadata["status"] as JsonObject;
            // Unaudited API projects can only upload private videos (off.).
            var privacy = session.Unaudited ? "private" : Str(status?["privacyStatus"]) ?? "public";
            var flags = new JsonObject();
            foreach (var flag in new[] { "selfDeclaredMadeForKids", "containsSyntheticMedia" })
            {
                if (status?[flag] is { } value)
                    flags[flag] = value.DeepClone();
            }
            return new Video(id, session.ChannelId, snippet, privacy, Str(status?["publishAt"]), flags, now);
        }

        /// <summary>A scheduled private video turns public once its publishAt has passed.</summary>
        public string PrivacyStatus(DateTimeOffset now) =>
            privacy == "private" && publishAt is not null && DateTimeOffset.Parse(publishAt, CultureInfo.InvariantCulture) <= now ? "public" : privacy;

        public JsonObject ToJson(DateTimeOffset? now = null)
        {
            var status = new JsonObject
            {
                ["uploadStatus"] = "uploaded",
                ["privacyStatus"] = PrivacyStatus(now ?? uploadedAt),
            };
            if (publishAt is not null && PrivacyStatus(now ?? uploadedAt) == "private")
                status["publishAt"] = publishAt;
            foreach (var (flag, value) in flags)
                status[flag] = value?.DeepClone();
            var snippetJson = (JsonObject)snippet.DeepClone();
            snippetJson["channelId"] = channelId;
            snippetJson["publishedAt"] = uploadedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            return new JsonObject
            {
                ["kind"] = "youtube#video",
                ["id"] = id,
                ["snippet"] = snippetJson,
                ["status"] = status,
            };
        }
    }

    /// <summary>Headers travel inside the result, so they are also set when the emulator runs the result for a lost response.</summary>
    private sealed class HeaderResult(IResult inner, IReadOnlyDictionary<string, string> headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            foreach (var (name, value) in headers)
                httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
