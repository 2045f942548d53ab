using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// The Graph API of Facebook Pages (docs/platforms.md#facebook): <c>{page-id}/feed</c> (message, link, attached_media,
/// published=false + scheduled_publish_time), <c>{page-id}/photos</c> (url, published), <c>{page-id}/videos</c>
/// (file_url), the three reel phases <c>{page-id}/video_reels</c> start → <c>video-upload/{version}/{video-id}</c>
/// (the rupload host, by <c>file_url</c> header or bytes) → finish, <c>GET {id}</c> (permalink_url, status),
/// <c>GET {page-id}/feed</c> and <c>{page-id}/videos</c> listings (with <c>since</c>), and <c>DELETE {id}</c>.
/// Rules: the Meta error envelope, code 190 for a bad token, #200 for a missing permission or another Page,
/// #506 for a message identical to the Page's previous feed post, 30 reels per rolling 24 h per Page (#9),
/// a Page-token call budget answered with #80001 and the <c>X-Business-Use-Case-Usage</c> header.
/// A reel is processing when its status is first read after upload and ready afterwards.
/// Media URLs whose host ends in <c>.invalid</c> cannot be fetched (RFC 2606: such a host never resolves); a photo
/// URL whose path contains <c>too-large</c> is refused as over 4 MB; a video URL whose path contains
/// <c>corrupt</c> fails processing.
/// </summary>
public sealed class FacebookEmulator : IEmulatorModule
{
    /// <summary>Reels a Page may publish through the API per rolling 24 hours (off.).</summary>
    public const int ReelsPerWindow = 30;

    public static readonly TimeSpan ReelsWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// Calls a Page token may make per rolling 24 hours before #80001: the Pages BUC budget of 4,800 × engaged users,
    /// with one engaged user (header and code unverified, docs/platforms.md#facebook-rate-limits).
    /// </summary>
    public const int PageCallsPerWindow = 4800;

    public static readonly TimeSpan PageCallsWindow = TimeSpan.FromHours(24);

    /// <summary>A scheduled post is at least 10 minutes (3p) and at most 6 months (3p, unverified) ahead.</summary>
    public static readonly TimeSpan MinScheduleLead = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan MaxScheduleLead = TimeSpan.FromDays(180);

    /// <summary>The Graph API version the emulated upload URLs name.</summary>
    public const string GraphVersion = "v23.0";

    private const string ManagePosts = "pages_manage_posts";
    private const string ReadEngagement = "pages_read_engagement";
    private const string PublishVideo = "publish_video";
    private const string ManageEngagement = "pages_manage_engagement";

    /// <summary>The longest comment (8,000 characters, unverified; docs/platforms.md#comments-facebook).</summary>
    public const int MaxCommentLength = 8000;

    public Platform Platform => Platform.Facebook;

    public void Map(RouteGroupBuilder routes, EmulatorState state)
    {
        var store = new Store();
        // A comment's id is "{post id's last part}_{number}", as Graph answers it.
        var comments = new EmulatedComments(Platform.Facebook, state, 900_000_000_000,
            (parent, number) => $"{parent[(parent.LastIndexOf('_') + 1)..]}_{number}");
        routes.MapPost("{id}/comments", (HttpContext http, string id) =>
            Guarded(http, state, store, [ManageEngagement], null, call => Task.FromResult(Comment(store, comments, call, id))));
        routes.MapGet("{id}/comments", (HttpContext http, string id) =>
            Guarded(http, state, store, [ReadEngagement], null, call => Task.FromResult(ListComments(state, store, comments, call, id))));
        routes.MapPost("{pageId}/feed", (HttpContext http, string pageId) =>
            Guarded(http, state, store, [ManagePosts], pageId, call => CreateFeedPost(state, store, call, pageId)));
        routes.MapGet("{pageId}/feed", (HttpContext http, string pageId) =>
            Guarded(http, state, store, [ReadEngagement], pageId, call => List(http, store, call, pageId, NodeKind.Post)));
        routes.MapPost("{pageId}/photos", (HttpContext http, string pageId) =>
            Guarded(http, state, store, [ManagePosts], pageId, call => CreatePhoto(state, store, call, pageId)));
        routes.MapPost("{pageId}/videos", (HttpContext http, string pageId) =>
            Guarded(http, state, store, [ManagePosts, PublishVideo], pageId, call => CreateVideo(state, store, call, pageId)));
        routes.MapGet("{pageId}/videos", (HttpContext http, string pageId) =>
            Guarded(http, state, store, [ReadEngagement], pageId, call => List(http, store, call, pageId, NodeKind.Video, NodeKind.Reel)));
        routes.MapPost("{pageId}/video_reels", (HttpContext http, string pageId) =>
            Guarded(http, state, store, [ManagePosts, PublishVideo], pageId, call => ReelPhase(http, state, store, call, pageId)));
        routes.MapPost("video-upload/{version}/{videoId}", (HttpContext http, string version, string videoId) =>
            Guarded(http, state, store, [ManagePosts, PublishVideo], null, call => UploadReelAsync(http, state, store, call, videoId)));
        routes.MapGet("{id}", (HttpContext http, string id) =>
            Guarded(http, state, store, [ReadEngagement], null, call => Task.FromResult(Read(state, store, call, id))));
        // Connecting through Facebook Login (docs/emulator.md#identities): the user's Pages with their Page tokens, and revocation.
        routes.MapGet("{userId}/accounts", (HttpContext http, string userId) =>
            Guarded(http, state, store, ["pages_show_list"], null, call => Task.FromResult(Accounts(state, call, userId))));
        routes.MapDelete("{userId}/permissions", (HttpContext http, string userId) =>
            Guarded(http, state, store, [], null, call => Task.FromResult(RevokePermissions(state, call, userId))));
        routes.MapDelete("{id}", (HttpContext http, string id) =>
            Guarded(http, state, store, [], null, call => Task.FromResult(comments.Find(id) is { } comment
                ? DeleteComment(state, comments, call, comment)
                : Delete(state, store, comments, call, id))));
    }

    // ---- feed, photos, videos ------------------------------------------------------------------------------

    private static Task<IResult> CreateFeedPost(EmulatorState state, Store store, Call call, string pageId)
    {
        state.CountCall(Platform.Facebook, "feed.create");
        var message = call.Param("message");
        var link = call.Param("link");
        var attached = AttachedMedia(call.Parameters);
        if (attached is null)
            return Done(Error(400, "(#100) attached_media must be objects like {\"media_fbid\":\"<photo-id>\"}.", 100));
        if (string.IsNullOrEmpty(message) && link is null && attached.Count == 0)
            return Done(Error(400, "(#100) Missing message or attachment", 100));
        if (link is not null && !Fetchable(link))
            return Done(Error(400, "(#100) The link could not be retrieved.", 100, 1609005, userTitle: "Error Posting Link",
                userMessage: "There was a problem retrieving data from the link you provided."));
        if (CheckSchedule(state, call, out var published, out var scheduledFor) is { } scheduleError)
            return Done(scheduleError);

        var now = state.Time.GetUtcNow();
        lock (store)
        {
            foreach (var photoId in attached)
            {
                if (!store.Nodes.TryGetValue(photoId, out var photo) || photo.Kind != NodeKind.Photo || photo.PageId != pageId
                    || photo.Deleted || photo.Published || photo.AttachedTo is not null)
                    return Done(Error(400, $"(#100) media_fbid {photoId} is not an unpublished photo of this Page.", 100));
            }
            if (published && !string.IsNullOrEmpty(message) && store.LastFeedMessage.GetValueOrDefault(pageId) == message)
                return Done(Error(400, "(#506) Duplicate status message", 506));

            var post = store.Add(new Node($"{pageId}_{store.NextId()}", NodeKind.Post, pageId, now)
            {
                Message = message,
                Link = link,
                Published = published,
                ScheduledFor = scheduledFor,
            });
            foreach (var photoId in attached)
                store.Nodes[photoId].AttachedTo = post.Id;
            if (published)
            {
                store.LastFeedMessage[pageId] = message;
                state.CountLivePost(Platform.Facebook, post.Id);
            }
            return Done(Json(new JsonObject { ["id"] = post.Id }));
        }
    }

    // docs/emulator.md#media: a loopback URL is fetched and checked as Facebook's crawler would; a failed fetch (403 of an
    // expired signed URL included) gets the error Facebook gives for a file it cannot read.
    private static async Task<IResult> CreatePhoto(EmulatorState state, Store store, Call call, string pageId) =>
        call.Param("url") is { } url && await EmulatedMedia.PullAndCheckAsync(state, Platform.Facebook, url, "image", CancellationToken.None) is not null
            ? Error(400, "(#324) Missing or invalid image file", 324)
            : await CreatePhotoAsIsAsync(state, store, call, pageId);

    private static async Task<IResult> CreateVideo(EmulatorState state, Store store, Call call, string pageId) =>
        call.Param("file_url") is { } url && await EmulatedMedia.PullAndCheckAsync(state, Platform.Facebook, url, "video", CancellationToken.None) is not null
            ? Error(400, "(#351) Sorry, there was a problem with your video file", 351)
            : await CreateVideoAsIsAsync(state, store, call, pageId);

    private static Task<IResult> CreatePhotoAsIsAsync(EmulatorState state, Store store, Call call, string pageId)
    {
        state.CountCall(Platform.Facebook, "photos.create");
        var url = call.Param("url");
        if (url is null && !call.HasFile)
            return Done(Error(400, "(#324) Requires upload file", 324));
        if (url is not null && !Fetchable(url))
            return Done(Error(400, "(#324) Missing or invalid image file", 324));
        if (url is not null && url.Contains("too-large", StringComparison.OrdinalIgnoreCase))
            return Done(Error(400, "Your photos couldn't be uploaded. Photos should be less than 4 MB and saved as JPG, PNG, GIF, TIFF, HEIF or WebP files.",
                100, 1366046, userTitle: "Can't Read Files"));
        if (CheckSchedule(state, call, out var published, out var scheduledFor) is { } scheduleError)
            return Done(scheduleError);

        var caption = call.Param("caption") ?? call.Param("message");
        var now = state.Time.GetUtcNow();
        lock (store)
        {
            var photo = store.Add(new Node(store.NextId().ToString(CultureInfo.InvariantCulture), NodeKind.Photo, pageId, now)
            {
                Message = caption,
                MediaUrl = url,
                Published = published,
                ScheduledFor = scheduledFor,
            });
            if (!published)
                return Done(Json(new JsonObject { ["id"] = photo.Id }));
            var post = store.Add(new Node($"{pageId}_{store.NextId()}", NodeKind.Post, pageId, now) { Message = caption, Published = true });
            photo.AttachedTo = post.Id;
            state.CountLivePost(Platform.Facebook, post.Id);
            return Done(Json(new JsonObject { ["id"] = photo.Id, ["post_id"] = post.Id }));
        }
    }

    private static Task<IResult> CreateVideoAsIsAsync(EmulatorState state, Store store, Call call, string pageId)
    {
        state.CountCall(Platform.Facebook, "videos.create");
        var fileUrl = call.Param("file_url");
        if (fileUrl is null && !call.HasFile)
            return Done(Error(400, "(#100) A file_url or an uploaded file is required.", 100));
        if (fileUrl is not null && (!Fetchable(fileUrl) || fileUrl.Contains("corrupt", StringComparison.OrdinalIgnoreCase)))
            return Done(Error(400, "(#351) Sorry, there was a problem with your video file", 351));
        if (CheckSchedule(state, call, out var published, out var scheduledFor) is { } scheduleError)
            return Done(scheduleError);

        var now = state.Time.GetUtcNow();
        lock (store)
        {
            var video = store.Add(new Node(store.NextId().ToString(CultureInfo.InvariantCulture), NodeKind.Video, pageId, now)
            {
                Message = call.Param("description"),
                Title = call.Param("title"),
                MediaUrl = fileUrl,
                Uploaded = true,
                Published = published,
                ScheduledFor = scheduledFor,
            });
            if (published)
                state.CountLivePost(Platform.Facebook, video.Id);
            return Done(Json(new JsonObject { ["id"] = video.Id }));
        }
    }

    // ---- reels ---------------------------------------------------------------------------------------------

    private static Task<IResult> ReelPhase(HttpContext http, EmulatorState state, Store store, Call call, string pageId)
    {
        var phase = call.Param("upload_phase");
        state.CountCall(Platform.Facebook, "video_reels." + (phase ?? "none"));
        var now = state.Time.GetUtcNow();
        if (phase == "start")
        {
            lock (store)
            {
                var reel = store.Add(new Node(store.NextId().ToString(CultureInfo.InvariantCulture), NodeKind.Reel, pageId, now));
                return Done(Json(new JsonObject
                {
                    ["video_id"] = reel.Id,
                    ["upload_url"] = $"{http.Request.Scheme}://{http.Request.Host}/{Platform.Facebook.ToWireName()}/video-upload/{GraphVersion}/{reel.Id}",
                }));
            }
        }
        if (phase != "finish")
            return Done(Error(400, "(#100) upload_phase must be start or finish.", 100));

        var videoId = call.Param("video_id");
        var videoState = call.Param("video_state");
        if (videoState is not ("PUBLISHED" or "DRAFT" or "SCHEDULED"))
            return Done(Error(400, "(#100) video_state must be one of PUBLISHED, DRAFT, SCHEDULED.", 100));
        DateTimeOffset? scheduledFor = null;
        if (videoState == "SCHEDULED")
        {
            if (ParseTime(call.Param("scheduled_publish_time")) is not { } at || at < now + MinScheduleLead || at > now + MaxScheduleLead)
                return Done(Error(400, "(#100) The specified scheduled publish time is invalid.", 100));
            scheduledFor = at;
        }
        lock (store)
        {
            if (videoId is null || !store.Nodes.TryGetValue(videoId, out var reel) || reel.Kind != NodeKind.Reel || reel.PageId != pageId || reel.Deleted)
                return Done(Error(400, $"(#100) video_id {videoId} is not a reel upload of this Page.", 100));
            if (!reel.Uploaded)
                return Done(Error(400, "(#100) The video has not been uploaded yet.", 100));
            // A video is published once: finishing it again changes nothing.
            if (reel.FinishedAs is not null)
                return Done(Json(new JsonObject { ["success"] = true }));
            if (videoState == "PUBLISHED")
            {
                var recent = store.ReelsPublished.GetValueOrDefault(pageId) ?? [];
                recent.RemoveAll(t => t <= now - ReelsWindow);
                if (recent.Count >= ReelsPerWindow)
                    return Done(Error(400, $"(#9) This Page has published the maximum of {ReelsPerWindow} reels allowed through the API in 24 hours.", 9));
                recent.Add(now);
                store.ReelsPublished[pageId] = recent;
                reel.Published = true;
                state.CountLivePost(Platform.Facebook, reel.Id);
            }
            reel.FinishedAs = videoState;
            reel.ScheduledFor = scheduledFor;
            reel.Message = call.Param("description");
            reel.CreatedAt = now;
            return Done(Json(new JsonObject { ["success"] = true }));
        }
    }

    /// <summary>The rupload host: a hosted file by the <c>file_url</c> header, or the bytes themselves with offset/file_size.</summary>
    private static async Task<IResult> UploadReelAsync(HttpContext http, EmulatorState state, Store store, Call call, string videoId)
    {
        Node? reel;
        lock (store)
            reel = store.Nodes.GetValueOrDefault(videoId);
        if (reel is null || reel.Kind != NodeKind.Reel || reel.PageId != call.Token.AccountId)
            return UploadError(400, "NotFoundError", "Video not found for this upload session.");
        var fileUrl = http.Request.Headers["file_url"].ToString();
        if (fileUrl.Length > 0)
        {
            if (!Fetchable(fileUrl) || await EmulatedMedia.PullAndCheckAsync(state, Platform.Facebook, fileUrl, "video", http.RequestAborted) is not null)
                return UploadError(400, "ProcessingFailedError", "Request processing failed: the file could not be fetched.");
        }
        else
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            if (!long.TryParse(http.Request.Headers["file_size"], CultureInfo.InvariantCulture, out var size) || size != buffer.Length || buffer.Length == 0)
                return UploadError(400, "BadRequestError", "file_size does not match the uploaded bytes.");
        }
        lock (store)
        {
            reel.Uploaded = true;
            reel.MediaUrl = fileUrl.Length > 0 ? fileUrl : null;
        }
        return Json(new JsonObject { ["success"] = true });
    }

    /// <summary>
    /// A reel's phases as the reels guide reports them. Processing is in progress the first time the status of an
    /// uploaded reel is read and complete afterwards (failed for a <c>corrupt</c> file).
    /// </summary>
    private static JsonObject ReelStatus(Node reel)
    {
        string processing;
        if (!reel.Uploaded)
        {
            processing = "not_started";
        }
        else
        {
            processing = reel.StatusReads == 0 ? "in_progress"
                : reel.MediaUrl?.Contains("corrupt", StringComparison.OrdinalIgnoreCase) == true ? "error" : "complete";
            reel.StatusReads++;
        }
        var publishing = reel.FinishedAs is null ? "not_started" : processing == "complete" ? "complete" : "in_progress";
        var processingPhase = new JsonObject { ["status"] = processing };
        if (processing == "error")
            processingPhase["errors"] = new JsonArray(new JsonObject { ["code"] = 1363008, ["message"] = "The video file could not be processed." });
        var publishingPhase = new JsonObject { ["status"] = publishing };
        if (reel.FinishedAs is { } finishedAs)
            publishingPhase["publish_status"] = finishedAs.ToLowerInvariant();
        return new JsonObject
        {
            ["video_status"] = processing switch { "error" => "error", "complete" => "ready", "not_started" => "upload_pending", _ => "processing" },
            ["uploading_phase"] = new JsonObject { ["status"] = reel.Uploaded ? "complete" : "not_started" },
            ["processing_phase"] = processingPhase,
            ["publishing_phase"] = publishingPhase,
        };
    }

    // ---- reads and deletes ---------------------------------------------------------------------------------

    private static IResult Read(EmulatorState state, Store store, Call call, string id)
    {
        // "me" is the token's own Page: how an account is verified before it is connected.
        if (id == "me")
            return Json(new JsonObject { ["id"] = call.Token.AccountId, ["name"] = call.Token.Username });
        if (PageOf(state, call.Token, id) is { } page)
        {
            // GET {page-id}?fields=instagram_business_account: the Instagram business account behind a Page.
            var fields = (call.Param("fields") ?? "id,name").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return Json(PageJson(page, fields, pageToken: null));
        }
        lock (store)
        {
            if (!store.Nodes.TryGetValue(id, out var node) || node.Deleted || node.PageId != call.Token.AccountId)
                return Unsupported("get", id);
            var fields = (call.Param("fields") ?? "id").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return Json(NodeJson(node, fields));
        }
    }

    /// <summary>A Page of the demo user a user token (or that Page's own token) belongs to.</summary>
    private static OAuthSubAccount? PageOf(EmulatorState state, EmulatorToken token, string id)
    {
        var user = state.OAuth.DemoUser(Platform.Facebook);
        var page = user.SubAccounts.FirstOrDefault(p => p.Id == id);
        return page is not null && (token.AccountId == id || token.AccountId == user.AccountId) ? page : null;
    }

    private static JsonObject PageJson(OAuthSubAccount page, IReadOnlyCollection<string> fields, string? pageToken)
    {
        var json = new JsonObject();
        foreach (var field in fields)
        {
            switch (field)
            {
                case "id":
                    json["id"] = page.Id;
                    break;
                case "name":
                    json["name"] = page.Name;
                    break;
                case "access_token" when pageToken is not null:
                    json["access_token"] = pageToken;
                    break;
                case "category":
                    json["category"] = "Brand";
                    break;
                case "tasks":
                    json["tasks"] = new JsonArray("ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE");
                    break;
                // Also asked as instagram_business_account{id,username}.
                case not null when field.StartsWith("instagram_business_account", StringComparison.Ordinal) && page.InstagramAccountId is not null:
                    json["instagram_business_account"] = new JsonObject { ["id"] = page.InstagramAccountId };
                    break;
            }
        }
        json["id"] = page.Id;
        return json;
    }

    /// <summary>
    /// <c>GET me/accounts</c> with a user token: the user's Pages, each with a Page token — one that never expires when the
    /// user token is long-lived (docs/platforms.md#facebook-auth-and-tokens). A token the authority did not issue lists none.
    /// </summary>
    private static IResult Accounts(EmulatorState state, Call call, string userId)
    {
        if (userId != "me" && userId != call.Token.AccountId)
            return Unsupported("get", userId);
        var fields = (call.Param("fields") ?? "access_token,category,name,id,tasks").Split(',',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var pages = state.OAuth.PageTokens(Platform.Facebook, call.Token.Token);
        var data = new JsonArray(pages.Select(p => (JsonNode)PageJson(p.Page, fields, p.Token.Token)).ToArray());
        return Json(new JsonObject
        {
            ["data"] = data,
            ["paging"] = new JsonObject { ["cursors"] = new JsonObject { ["before"] = "QVFIUmRlbW8", ["after"] = "QVFIUmRlbW8" } },
        });
    }

    /// <summary><c>DELETE {user-id}/permissions</c>: the person removes the app, and every token of the grant dies.</summary>
    private static IResult RevokePermissions(EmulatorState state, Call call, string userId)
    {
        if (userId != "me" && userId != call.Token.AccountId)
            return Unsupported("delete", userId);
        state.CountCall(Platform.Facebook, "oauth.revoke");
        if (!state.OAuth.RevokeGrantOf(call.Token.Token))
            state.Revoke(call.Token.Token);
        return Json(new JsonObject { ["success"] = true });
    }

    /// <summary>
    /// <c>GET {page-id}/feed</c> or <c>/videos</c>: the Page's published items, newest first, from <c>since</c>, <c>limit</c>
    /// (at most 100) a page. Paged by cursors: <c>paging.cursors.after</c> goes back as <c>after</c>, and <c>paging.next</c>
    /// is there only when more items follow.
    /// </summary>
    private static Task<IResult> List(HttpContext http, Store store, Call call, string pageId, params NodeKind[] kinds)
    {
        var since = ParseTime(call.Param("since"));
        var limit = int.TryParse(call.Param("limit"), CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 100) : 25;
        long? after = null;
        if (call.Param("after") is { } cursor)
        {
            if (DecodeCursor(cursor) is not { } sequence)
                return Done(Error(400, "(#100) The after cursor is not valid.", 100));
            after = sequence;
        }
        var fields = (call.Param("fields") ?? "id,message,created_time").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lock (store)
        {
            var window = store.Nodes.Values
                .Where(x => x.PageId == pageId && kinds.Contains(x.Kind) && x.Published && !x.Deleted && (since is null || x.CreatedAt >= since))
                .OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Sequence)
                .ToList();
            // The cursor names the last item of the previous page (deleted since or not); the page starts after it.
            var start = 0;
            if (after is not null && store.Nodes.Values.FirstOrDefault(x => x.Sequence == after) is { } last)
                start = window.Count(x => x.CreatedAt > last.CreatedAt || (x.CreatedAt == last.CreatedAt && x.Sequence >= last.Sequence));
            var page = window.Skip(start).Take(limit).ToList();
            var paging = new JsonObject();
            if (page.Count > 0)
            {
                paging["cursors"] = new JsonObject { ["before"] = EncodeCursor(page[0].Sequence), ["after"] = EncodeCursor(page[^1].Sequence) };
                if (start + page.Count < window.Count)
                    paging["next"] = NextPageUrl(http, EncodeCursor(page[^1].Sequence));
            }
            var items = page.Select(x => (JsonNode)NodeJson(x, fields, countStatusRead: false)).ToArray();
            return Done(Json(new JsonObject { ["data"] = new JsonArray(items), ["paging"] = paging }));
        }
    }

    private static string EncodeCursor(long sequence) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"seq:{sequence.ToString(CultureInfo.InvariantCulture)}"));

    private static long? DecodeCursor(string cursor)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("seq:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(4), CultureInfo.InvariantCulture, out var sequence)
                ? sequence
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The same request with <c>after</c> set to the cursor (Graph's <c>next</c> link is absolute).</summary>
    private static string NextPageUrl(HttpContext http, string cursor)
    {
        var query = http.Request.Query.Where(q => q.Key is not ("after" or "access_token"))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append($"after={Uri.EscapeDataString(cursor)}");
        return $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}?{string.Join('&', query)}";
    }

    private static IResult Delete(EmulatorState state, Store store, EmulatedComments comments, Call call, string id)
    {
        if (!HasScope(call.Token, ManagePosts))
            return Error(403, $"(#200) This action requires the {ManagePosts} permission.", 200);
        state.CountCall(Platform.Facebook, "delete");
        comments.RemoveAllOn(id);
        lock (store)
        {
            if (!store.Nodes.TryGetValue(id, out var node) || node.Deleted || node.PageId != call.Token.AccountId)
                return Unsupported("delete", id);
            node.Deleted = true;
            foreach (var attached in store.Nodes.Values.Where(x => x.AttachedTo == id))
                attached.Deleted = true;
            return Json(new JsonObject { ["success"] = true });
        }
    }

    // ---- comments (issue 15) --------------------------------------------------------------------------------

    /// <summary><c>POST {object-id}/comments</c> with <c>message</c> → <c>{"id"}</c>: the Page comments on one of its live posts, photos or videos.</summary>
    private static IResult Comment(Store store, EmulatedComments comments, Call call, string id)
    {
        var message = call.Param("message");
        if (string.IsNullOrWhiteSpace(message))
            return Error(400, "(#100) Missing message or attachment", 100);
        if (message.Length > MaxCommentLength)
            return Error(400, $"(#100) The comment is longer than {MaxCommentLength} characters.", 100);
        lock (store)
        {
            if (!store.Nodes.TryGetValue(id, out var node) || node.Deleted || !node.Published || node.PageId != call.Token.AccountId)
                return Unsupported("post", id);
        }
        return Json(new JsonObject { ["id"] = comments.Add(id, call.Token.AccountId, call.Token.Username, message).Id });
    }

    /// <summary><c>GET {object-id}/comments?fields=id,message,created_time,from</c>, oldest first (Graph's chronological order).</summary>
    private static IResult ListComments(EmulatorState state, Store store, EmulatedComments comments, Call call, string id)
    {
        state.CountCall(Platform.Facebook, "comments.list");
        lock (store)
        {
            if (!store.Nodes.TryGetValue(id, out var node) || node.Deleted || node.PageId != call.Token.AccountId)
                return Unsupported("get", id);
        }
        var fields = (call.Param("fields") ?? "id,message,created_time").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = comments.On(id);
        if (call.Param("order") == "reverse_chronological")
            list = list.Reverse().ToList();
        var data = new JsonArray(list.Select(c =>
        {
            var json = new JsonObject { ["id"] = c.Id };
            if (fields.Contains("message"))
                json["message"] = c.Text;
            if (fields.Contains("created_time"))
                json["created_time"] = GraphTime(c.CreatedAt);
            if (fields.Contains("from"))
                json["from"] = new JsonObject { ["name"] = c.AuthorName, ["id"] = c.AuthorId };
            return (JsonNode)json;
        }).ToArray());
        return Json(new JsonObject { ["data"] = data, ["paging"] = new JsonObject() });
    }

    private static IResult DeleteComment(EmulatorState state, EmulatedComments comments, Call call, EmulatedComment comment)
    {
        if (!HasScope(call.Token, ManageEngagement))
            return Error(403, $"(#200) This action requires the {ManageEngagement} permission.", 200);
        state.CountCall(Platform.Facebook, "comments.delete");
        if (comment.AuthorId != call.Token.AccountId)
            return Unsupported("delete", comment.Id);
        comments.Remove(comment.Id);
        return Json(new JsonObject { ["success"] = true });
    }

    private static bool HasScope(EmulatorToken token, string scope) => token.Scopes.Contains("*") || token.Scopes.Contains(scope);

    private static JsonObject NodeJson(Node node, IEnumerable<string> fields, bool countStatusRead = true)
    {
        var json = new JsonObject { ["id"] = node.Id };
        foreach (var field in fields)
        {
            switch (field)
            {
                case "message" when node.Kind is NodeKind.Post or NodeKind.Photo:
                    if (node.Message is not null)
                        json["message"] = node.Message;
                    break;
                case "description" when node.Kind is NodeKind.Video or NodeKind.Reel:
                    if (node.Message is not null)
                        json["description"] = node.Message;
                    break;
                case "title" when node.Title is not null:
                    json["title"] = node.Title;
                    break;
                case "created_time":
                    json["created_time"] = GraphTime(node.CreatedAt);
                    break;
                case "is_published":
                    json["is_published"] = node.Published;
                    break;
                case "permalink_url":
                    json["permalink_url"] = Permalink(node);
                    break;
                case "status" when node.Kind is NodeKind.Reel:
                    json["status"] = countStatusRead ? ReelStatus(node) : new JsonObject { ["video_status"] = node.Published ? "ready" : "processing" };
                    break;
                case "status" when node.Kind is NodeKind.Video:
                    json["status"] = new JsonObject { ["video_status"] = "ready" };
                    break;
            }
        }
        return json;
    }

    /// <summary>Absolute for posts and photos; relative for videos and reels, as the Graph API answers them.</summary>
    private static string Permalink(Node node) => node.Kind switch
    {
        NodeKind.Post => $"https://www.facebook.com/{node.PageId}/posts/{node.Id[(node.Id.IndexOf('_') + 1)..]}",
        NodeKind.Photo => $"https://www.facebook.com/photo.php?fbid={node.Id}",
        NodeKind.Video => $"/{node.PageId}/videos/{node.Id}/",
        _ => $"/reel/{node.Id}/",
    };

    // ---- requests ------------------------------------------------------------------------------------------

    private static async Task<IResult> Guarded(HttpContext http, EmulatorState state, Store store, string[] scopes, string? pageId,
        Func<Call, Task<IResult>> handle)
    {
        var parameters = await ReadParametersAsync(http);
        if (state.Authenticate(Platform.Facebook, PresentedToken(http, parameters)) is not { } token)
            return Error(400, "Error validating access token: The session is invalid or has expired.", 190);
        foreach (var scope in scopes)
        {
            if (!token.Scopes.Contains("*") && !token.Scopes.Contains(scope))
                return Error(403, $"(#200) This action requires the {scope} permission.", 200);
        }
        if (pageId is not null && pageId != token.AccountId)
            return Error(403, "(#200) The user hasn't authorized the application to perform this action on this Page.", 200);

        var now = state.Time.GetUtcNow();
        int used;
        TimeSpan regain;
        lock (store)
        {
            var calls = store.PageCalls.TryGetValue(token.AccountId, out var list) ? list : store.PageCalls[token.AccountId] = [];
            calls.RemoveAll(t => t <= now - PageCallsWindow);
            calls.Add(now);
            used = calls.Count;
            regain = used > PageCallsPerWindow ? calls[used - PageCallsPerWindow - 1] + PageCallsWindow - now : TimeSpan.Zero;
        }
        var usage = BusinessUseCaseUsage(token.AccountId, used, regain);
        if (used > PageCallsPerWindow)
        {
            return new HeaderResult(Error(400, "(#80001) There have been too many calls to this Page account. Wait a bit and try again.", 80001, isTransient: true),
                usage);
        }
        var files = http.Request.HasFormContentType && (await http.Request.ReadFormAsync(http.RequestAborted)).Files.Count > 0;
        return new HeaderResult(await handle(new Call(token, parameters, files)), usage);
    }

    private static Dictionary<string, string> BusinessUseCaseUsage(string pageId, int used, TimeSpan regain)
    {
        var percent = (int)Math.Min(100, used * 100L / PageCallsPerWindow);
        var usage = new JsonObject
        {
            [pageId] = new JsonArray(new JsonObject
            {
                ["type"] = "pages",
                ["call_count"] = percent,
                ["total_cputime"] = Math.Max(1, percent / 2),
                ["total_time"] = Math.Max(1, percent / 2),
                ["estimated_time_to_regain_access"] = (int)Math.Ceiling(regain.TotalMinutes),
            }),
        };
        return new Dictionary<string, string> { ["X-Business-Use-Case-Usage"] = usage.ToJsonString() };
    }

    /// <summary>Graph parameters come from the query string and, for POSTs, the form body.</summary>
    private static async Task<Dictionary<string, string>> ReadParametersAsync(HttpContext http)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in http.Request.Query)
            parameters[key] = value.ToString();
        if (http.Request.HasFormContentType)
        {
            foreach (var (key, value) in await http.Request.ReadFormAsync(http.RequestAborted))
                parameters[key] = value.ToString();
        }
        return parameters;
    }

    private static string? PresentedToken(HttpContext http, Dictionary<string, string> parameters)
    {
        var header = http.Request.Headers.Authorization.ToString();
        foreach (var scheme in new[] { "Bearer ", "OAuth " })
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
                return header[scheme.Length..].Trim();
        }
        return parameters.GetValueOrDefault("access_token");
    }

    /// <summary><c>attached_media[0]={"media_fbid":"…"}</c>, … in order; null when one is malformed.</summary>
    private static List<string>? AttachedMedia(Dictionary<string, string> parameters)
    {
        var ids = new List<string>();
        for (var i = 0; parameters.TryGetValue($"attached_media[{i}]", out var value); i++)
        {
            try
            {
                if (JsonNode.Parse(value)?["media_fbid"] is not JsonValue id || !id.TryGetValue<string>(out var text) || text.Length == 0)
                    return null;
                ids.Add(text);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return ids;
    }

    /// <summary>published (default true), or published=false with an optional scheduled_publish_time inside the window.</summary>
    private static IResult? CheckSchedule(EmulatorState state, Call call, out bool published, out DateTimeOffset? scheduledFor)
    {
        published = !string.Equals(call.Param("published"), "false", StringComparison.OrdinalIgnoreCase);
        scheduledFor = null;
        if (call.Param("scheduled_publish_time") is not { } raw)
            return null;
        if (published)
            return Error(400, "(#100) A scheduled post must be created with published=false.", 100);
        var now = state.Time.GetUtcNow();
        if (ParseTime(raw) is not { } at || at < now + MinScheduleLead || at > now + MaxScheduleLead)
            return Error(400, "(#100) The specified scheduled publish time is invalid.", 100);
        scheduledFor = at;
        return null;
    }

    /// <summary>UNIX seconds or an ISO 8601 time.</summary>
    private static DateTimeOffset? ParseTime(string? raw)
    {
        if (raw is null)
            return null;
        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    private static string GraphTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";

    private static bool Fetchable(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !uri.Host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase);

    // ---- envelopes -----------------------------------------------------------------------------------------

    private static Task<IResult> Done(IResult result) => Task.FromResult(result);

    private static IResult Json(JsonObject body, int status = 200) => Results.Json(body, statusCode: status);

    /// <summary>The Meta error envelope (docs/platforms.md#instagram-errors).</summary>
    private static IResult Error(int status, string message, int code, int? subcode = null, string? userTitle = null, string? userMessage = null,
        bool isTransient = false)
    {
        var error = new JsonObject { ["message"] = message, ["type"] = code == 190 ? "OAuthException" : code is 1 or 2 ? "GraphMethodException" : "OAuthException", ["code"] = code };
        if (subcode is not null)
            error["error_subcode"] = subcode;
        if (userTitle is not null)
            error["error_user_title"] = userTitle;
        if (userMessage is not null)
            error["error_user_msg"] = userMessage;
        error["is_transient"] = isTransient;
        error["fbtrace_id"] = "A" + Guid.NewGuid().ToString("N")[..10];
        return Json(new JsonObject { ["error"] = error }, status);
    }

    private static IResult Unsupported(string verb, string id) => Error(400,
        $"Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
        100, 33);

    /// <summary>The rupload host answers failures with a <c>debug_info</c> object rather than the Graph envelope.</summary>
    private static IResult UploadError(int status, string type, string message) => Json(new JsonObject
    {
        ["debug_info"] = new JsonObject { ["retriable"] = false, ["type"] = type, ["message"] = message },
    }, status);

    // ---- state ---------------------------------------------------------------------------------------------

    private sealed record Call(EmulatorToken Token, Dictionary<string, string> Parameters, bool HasFile)
    {
        public string? Param(string name) => Parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
    }

    private enum NodeKind
    {
        Post,
        Photo,
        Video,
        Reel,
    }

    private sealed class Store
    {
        private long _nextId = 122_000_000_000_000;
        private long _sequence;

        public Dictionary<string, Node> Nodes { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string?> LastFeedMessage { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<DateTimeOffset>> ReelsPublished { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<DateTimeOffset>> PageCalls { get; } = new(StringComparer.Ordinal);

        public long NextId() => ++_nextId;

        public Node Add(Node node)
        {
            node.Sequence = ++_sequence;
            Nodes[node.Id] = node;
            return node;
        }
    }

    private sealed class Node(string id, NodeKind kind, string pageId, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;
        public NodeKind Kind { get; } = kind;
        public string PageId { get; } = pageId;
        public DateTimeOffset CreatedAt { get; set; } = createdAt;
        public long Sequence { get; set; }
        public string? Message { get; set; }
        public string? Title { get; set; }
        public string? Link { get; set; }
        public string? MediaUrl { get; set; }
        public bool Published { get; set; }
        public DateTimeOffset? ScheduledFor { get; set; }
        public bool Deleted { get; set; }
        public string? AttachedTo { get; set; }
        public bool Uploaded { get; set; }
        public string? FinishedAs { get; set; }
        public int StatusReads { get; set; }
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
