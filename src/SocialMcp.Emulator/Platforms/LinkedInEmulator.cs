using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// LinkedIn's versioned REST API (docs/platforms.md#linkedin): <c>rest/posts</c> (create, get, finder by author, delete),
/// <c>rest/images</c> and <c>rest/videos</c> upload flows with their upload URLs, and the platform's rules — both
/// version headers required, 201 with the URN in <c>x-restli-id</c>, commentary silently truncated at the first
/// unescaped reserved character, 422 DUPLICATE_POST naming the existing URN (also for 24 h after a delete: the
/// "ghost" duplicates), 150 posts per member per UTC day answered with a header-less 429, and idempotent 204 deletes.
/// Test bytes for media URLs are served under <c>test-media/{name}?bytes=N</c>.
/// </summary>
public sealed partial class LinkedInEmulator : IEmulatorModule
{
    /// <summary>Posts per member per day before a 429 (~150, 3p); the window resets at 00:00 UTC (off.).</summary>
    public const int DailyPostsPerMember = 150;

    /// <summary>Size of each part of a video upload (4 MB parts, 3p).</summary>
    public const long VideoPartBytes = 4 * 1024 * 1024;

    /// <summary>The longest comment (1,250 characters, unverified; docs/platforms.md#comments-linkedin).</summary>
    public const int MaxCommentLength = 1250;

    /// <summary>Longest commentary accepted (3,000 characters, 3p).</summary>
    public const int MaxCommentaryLength = 3000;

    /// <summary>How long a deleted post still triggers DUPLICATE_POST (24–48 h reported, 3p).</summary>
    public static readonly TimeSpan GhostDuplicateWindow = TimeSpan.FromHours(24);

    private const string Reserved = "|{}@[]()<>#\\*_~";
    private static readonly HashSet<string> Visibilities = ["PUBLIC", "CONNECTIONS", "LOGGED_IN"];

    public Platform Platform => Platform.LinkedIn;

    public void Map(RouteGroupBuilder routes, EmulatorState state)
    {
        var store = new Store();
        // Handlers taking only HttpContext declare Task<IResult>, so they bind as route handlers (their result is
        // written) rather than as RequestDelegates (whose result would be dropped).
        routes.MapPost("rest/posts", Task<IResult> (HttpContext http) => Guarded(http, state, caller => CreatePostAsync(http, state, store, caller)));
        routes.MapGet("rest/posts", Task<IResult> (HttpContext http) => Guarded(http, state, caller => Task.FromResult(FindPosts(http, state, store, caller))));
        routes.MapGet("rest/posts/{urn}", (HttpContext http, string urn) => Guarded(http, state, caller => Task.FromResult(GetPost(store, caller, urn))));
        routes.MapDelete("rest/posts/{urn}", (HttpContext http, string urn) => Guarded(http, state, caller => Task.FromResult(DeletePost(state, store, caller, urn))));
        routes.MapPost("rest/images", Task<IResult> (HttpContext http) => Guarded(http, state, caller => ImagesActionAsync(http, state, store, caller)));
        routes.MapGet("rest/images/{urn}", (HttpContext http, string urn) => Guarded(http, state, caller => Task.FromResult(GetAsset(store, caller, urn))));
        routes.MapPost("rest/videos", Task<IResult> (HttpContext http) => Guarded(http, state, caller => VideosActionAsync(http, state, store, caller)));
        routes.MapGet("rest/videos/{urn}", (HttpContext http, string urn) => Guarded(http, state, caller => Task.FromResult(GetAsset(store, caller, urn))));
        var comments = new EmulatedComments(Platform.LinkedIn, state, 7_400_000_000_000_000_000);
        routes.MapPost("rest/socialActions/{urn}/comments", (HttpContext http, string urn) =>
            Guarded(http, state, caller => CommentAsync(http, store, comments, caller, urn)));
        routes.MapGet("rest/socialActions/{urn}/comments", (HttpContext http, string urn) =>
            Guarded(http, state, caller => Task.FromResult(ListComments(state, store, comments, caller, urn))));
        routes.MapDelete("rest/socialActions/{urn}/comments/{commentId}", (HttpContext http, string urn, string commentId) =>
            Guarded(http, state, caller => Task.FromResult(DeleteComment(http, state, comments, caller, urn, commentId))));
        routes.MapPut("dms-uploads/{uploadId}", (HttpContext http, string uploadId) => UploadAsync(http, state, store, uploadId));
        routes.MapGet("test-media/{name}", (HttpContext http, string name) => TestMedia(http, name));
        // OpenID Connect userinfo (unversioned): who a token belongs to, used to verify an account before connecting it.
        routes.MapGet("v2/userinfo", IResult (HttpContext http) => state.Authenticate(Platform.LinkedIn, BearerOf(http)) is { } caller
            ? Results.Json(new JsonObject { ["sub"] = caller.AccountId, ["name"] = caller.Username })
            : InvalidToken());
    }

    // ---- posts ---------------------------------------------------------------------------------------------

    private static async Task<IResult> CreatePostAsync(HttpContext http, EmulatorState state, Store store, EmulatorToken caller)
    {
        state.CountCall(Platform.LinkedIn, "posts.create");
        if (await ReadJsonAsync(http) is not JsonObject body)
            return Error(400, "Request body is not valid JSON.", "INVALID_BODY");
        var author = Str(body["author"]);
        if (string.IsNullOrEmpty(author) || !author.StartsWith("urn:li:", StringComparison.Ordinal))
            return InputError("/author", "FIELD_REQUIRED", "author must be a person or organization URN.");
        if (!CanWriteAs(caller, author))
            return AccessDenied("partnerApiPostsExternal.CREATE.NO_VERSION");
        var commentary = body["commentary"] is JsonValue c && c.TryGetValue<string>(out var text) ? text : "";
        if (commentary.Length > MaxCommentaryLength)
            return InputError("/commentary", "MAX_LENGTH_EXCEEDED", $"commentary is longer than {MaxCommentaryLength} characters.");
        var visibility = Str(body["visibility"]);
        if (visibility is null || !Visibilities.Contains(visibility))
            return InputError("/visibility", "INVALID_ENUM_VALUE", "visibility must be PUBLIC, CONNECTIONS or LOGGED_IN.");
        if (body["distribution"] is not JsonObject distribution || Str(distribution["feedDistribution"]) is null)
            return InputError("/distribution/feedDistribution", "FIELD_REQUIRED", "distribution.feedDistribution is required.");
        var lifecycle = Str(body["lifecycleState"]);
        if (lifecycle is not ("PUBLISHED" or "DRAFT"))
            return InputError("/lifecycleState", "INVALID_ENUM_VALUE", "lifecycleState must be PUBLISHED or DRAFT.");
        if (CheckContent(store, author, body["content"] as JsonObject) is { } contentError)
            return contentError;

        var now = state.Time.GetUtcNow();
        var rendered = RenderLittleText(commentary);
        var contentKey = body["content"]?.ToJsonString() ?? "";
        lock (store)
        {
            var duplicate = store.Posts.Values.FirstOrDefault(p => p.Author == author && p.Commentary == rendered && p.ContentKey == contentKey
                && (p.DeletedAt is null || now - p.DeletedAt < GhostDuplicateWindow));
            if (duplicate is not null)
                return Duplicate(duplicate.Urn);
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var postedToday = store.Posts.Values.Count(p => p.Author == author && DateOnly.FromDateTime(p.CreatedAt.UtcDateTime) == today);
            if (postedToday >= DailyPostsPerMember)
                return Error(429, "Resource level throttle limit for calls to this resource is reached.", "TOO_MANY_REQUESTS");

            var kind = body["content"] is JsonObject content && content["media"] is JsonObject media && Str(media["id"])?.StartsWith("urn:li:video:", StringComparison.Ordinal) == true
                ? "ugcPost" : "share";
            var urn = $"urn:li:{kind}:{store.NextId()}";
            var post = new StoredPost(urn, author, rendered, contentKey, body["content"]?.DeepClone() as JsonObject, visibility, lifecycle, now);
            store.Posts[urn] = post;
            if (lifecycle == "PUBLISHED")
                state.CountLivePost(Platform.LinkedIn, urn);
            return new HeaderResult(Results.StatusCode(201), new Dictionary<string, string> { ["x-restli-id"] = urn });
        }
    }

    private static IResult? CheckContent(Store store, string author, JsonObject? content)
    {
        if (content is null)
            return null;
        var kinds = content.Select(p => p.Key).ToList();
        if (kinds.Count != 1)
            return InputError("/content", "INVALID_CONTENT", "A post carries exactly one kind of content.");
        switch (kinds[0])
        {
            case "media":
                return CheckAsset(store, author, Str(content["media"]?["id"]), "/content/media/id");
            case "multiImage":
                var images = content["multiImage"]?["images"] as JsonArray ?? [];
                if (images.Count is < 2 or > 20)
                    return InputError("/content/multiImage/images", "INVALID_IMAGE_COUNT", "A multi-image post has 2 to 20 images.");
                foreach (var image in images)
                {
                    var id = Str(image?["id"]);
                    if (id is null || !id.StartsWith("urn:li:image:", StringComparison.Ordinal))
                        return InputError("/content/multiImage/images", "INVALID_URN", "multiImage takes image URNs only.");
                    if (CheckAsset(store, author, id, "/content/multiImage/images") is { } error)
                        return error;
                }
                return null;
            case "article":
                if (string.IsNullOrEmpty(Str(content["article"]?["source"])))
                    return InputError("/content/article/source", "FIELD_REQUIRED", "article.source is required.");
                if (string.IsNullOrEmpty(Str(content["article"]?["title"])))
                    return InputError("/content/article/title", "FIELD_REQUIRED", "article.title is required.");
                return null;
            default:
                return InputError("/content", "UNSUPPORTED_CONTENT", $"Content kind '{kinds[0]}' is not supported.");
        }
    }

    private static IResult? CheckAsset(Store store, string author, string? urn, string path)
    {
        if (urn is null || !store.Assets.TryGetValue(urn, out var asset))
            return InputError(path, "INVALID_MEDIA", $"Media {urn} does not exist.");
        if (asset.Owner != author)
            return AccessDenied("media owner does not match the post author");
        return asset.Status == "AVAILABLE" ? null : InputError(path, "MEDIA_NOT_READY", $"Media {urn} is {asset.Status}, not AVAILABLE.");
    }

    private static IResult GetPost(Store store, EmulatorToken caller, string urn)
    {
        if (!store.Posts.TryGetValue(urn, out var post) || post.DeletedAt is not null)
            return Error(404, $"Post {urn} does not exist.", "NOT_FOUND");
        if (!CanRead(caller, post.Author))
            return AccessDenied("partnerApiPostsExternal.GET.NO_VERSION");
        return Results.Json(PostJson(post));
    }

    /// <summary>The "find posts by author" finder: <c>GET rest/posts?author={urn}&amp;q=author&amp;count=N</c>, newest first.</summary>
    private static IResult FindPosts(HttpContext http, EmulatorState state, Store store, EmulatorToken caller)
    {
        state.CountCall(Platform.LinkedIn, "posts.findByAuthor");
        var query = http.Request.Query;
        if (query["q"] != "author" || string.IsNullOrEmpty(query["author"]))
            return Error(400, "Finder q=author with an author URN is required.", "INVALID_FINDER");
        var author = query["author"].ToString();
        if (!CanRead(caller, author))
            return AccessDenied("partnerApiPostsExternal.FINDER-author.NO_VERSION");
        var count = int.TryParse(query["count"], CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 100) : 10;
        var start = int.TryParse(query["start"], CultureInfo.InvariantCulture, out var s) ? Math.Max(0, s) : 0;
        List<StoredPost> posts;
        lock (store)
            posts = store.Posts.Values.Where(p => p.Author == author && p.DeletedAt is null).OrderByDescending(p => p.CreatedAt).ToList();
        var page = new JsonArray(posts.Skip(start).Take(count).Select(p => (JsonNode)PostJson(p)).ToArray());
        return Results.Json(new JsonObject
        {
            ["elements"] = page,
            ["paging"] = new JsonObject { ["start"] = start, ["count"] = count, ["total"] = posts.Count },
        });
    }

    private static IResult DeletePost(EmulatorState state, Store store, EmulatorToken caller, string urn)
    {
        state.CountCall(Platform.LinkedIn, "posts.delete");
        lock (store)
        {
            if (!store.Posts.TryGetValue(urn, out var post))
                return Error(404, $"Post {urn} does not exist.", "NOT_FOUND");
            if (!CanWriteAs(caller, post.Author))
                return AccessDenied("partnerApiPostsExternal.DELETE.NO_VERSION");
            // Deletes are idempotent: a second delete of the same post answers 204 too.
            post.DeletedAt ??= state.Time.GetUtcNow();
            return Results.StatusCode(204);
        }
    }

    // ---- comments (issue 15) --------------------------------------------------------------------------------

    /// <summary>
    /// <c>POST rest/socialActions/{post urn}/comments</c> with <c>{actor, object, message: {text}}</c> → 201, the comment id in
    /// <c>x-restli-id</c> and the comment in the body (docs/platforms.md#comments-linkedin).
    /// </summary>
    private static async Task<IResult> CommentAsync(HttpContext http, Store store, EmulatedComments comments, EmulatorToken caller, string urn)
    {
        if (await ReadJsonAsync(http) is not JsonObject body)
            return Error(400, "Request body is not valid JSON.", "INVALID_BODY");
        var actor = Str(body["actor"]);
        if (string.IsNullOrEmpty(actor) || !actor.StartsWith("urn:li:", StringComparison.Ordinal))
            return InputError("/actor", "FIELD_REQUIRED", "actor must be a person or organization URN.");
        if (!CanWriteAs(caller, actor))
            return AccessDenied("partnerApiSocialActions.CREATE.NO_VERSION");
        if (Str(body["object"]) is { } target && target != urn)
            return InputError("/object", "INVALID_VALUE", "object must be the URN the comment is created on.");
        var text = Str(body["message"]?["text"]);
        if (string.IsNullOrWhiteSpace(text))
            return InputError("/message/text", "FIELD_REQUIRED", "message.text is required.");
        if (text.Length > MaxCommentLength)
            return InputError("/message/text", "MAX_LENGTH_EXCEEDED", $"message.text is longer than {MaxCommentLength} characters.");
        if (!store.Posts.TryGetValue(urn, out var post) || post.DeletedAt is not null || post.LifecycleState != "PUBLISHED")
            return Error(404, $"Entity {urn} does not exist.", "NOT_FOUND");
        var comment = comments.Add(urn, actor, caller.Username, text);
        return new HeaderResult(Results.Json(CommentJson(comment), statusCode: 201), new Dictionary<string, string> { ["x-restli-id"] = comment.Id });
    }

    /// <summary><c>GET rest/socialActions/{post urn}/comments</c> → <c>{elements, paging}</c>, newest first; needs read permission for the post's author.</summary>
    private static IResult ListComments(EmulatorState state, Store store, EmulatedComments comments, EmulatorToken caller, string urn)
    {
        state.CountCall(Platform.LinkedIn, "comments.list");
        if (!store.Posts.TryGetValue(urn, out var post) || post.DeletedAt is not null)
            return Error(404, $"Entity {urn} does not exist.", "NOT_FOUND");
        if (!CanRead(caller, post.Author))
            return AccessDenied("partnerApiSocialActions.GET_ALL.NO_VERSION");
        var elements = comments.On(urn).Reverse().Select(c => (JsonNode)CommentJson(c)).ToArray();
        return Results.Json(new JsonObject
        {
            ["elements"] = new JsonArray(elements),
            ["paging"] = new JsonObject { ["start"] = 0, ["count"] = elements.Length, ["total"] = elements.Length },
        });
    }

    /// <summary><c>DELETE rest/socialActions/{post urn}/comments/{comment id}?actor=…</c> → 204; the actor must be the comment's author.</summary>
    private static IResult DeleteComment(HttpContext http, EmulatorState state, EmulatedComments comments, EmulatorToken caller, string urn, string commentId)
    {
        state.CountCall(Platform.LinkedIn, "comments.delete");
        var actor = http.Request.Query["actor"].ToString();
        if (string.IsNullOrEmpty(actor))
            return Error(400, "The actor query parameter is required.", "MISSING_PARAMETER");
        if (comments.Find(commentId) is not { } comment || comment.ParentId != urn)
            return Error(404, $"Comment {commentId} on {urn} does not exist.", "NOT_FOUND");
        if (comment.AuthorId != actor || !CanWriteAs(caller, actor))
            return AccessDenied("partnerApiSocialActions.DELETE.NO_VERSION");
        comments.Remove(commentId);
        return Results.StatusCode(204);
    }

    private static JsonObject CommentJson(EmulatedComment comment) => new()
    {
        ["id"] = comment.Id,
        ["commentUrn"] = $"urn:li:comment:({comment.ParentId},{comment.Id})",
        ["actor"] = comment.AuthorId,
        ["object"] = comment.ParentId,
        ["message"] = new JsonObject { ["text"] = comment.Text },
        ["created"] = new JsonObject { ["actor"] = comment.AuthorId, ["time"] = comment.CreatedAt.ToUnixTimeMilliseconds() },
    };

    private static JsonObject PostJson(StoredPost post)
    {
        var json = new JsonObject
        {
            ["id"] = post.Urn,
            ["author"] = post.Author,
            ["commentary"] = post.Commentary,
            ["visibility"] = post.Visibility,
            ["lifecycleState"] = post.LifecycleState,
            ["distribution"] = new JsonObject { ["feedDistribution"] = "MAIN_FEED", ["targetEntities"] = new JsonArray(), ["thirdPartyDistributionChannels"] = new JsonArray() },
            ["createdAt"] = post.CreatedAt.ToUnixTimeMilliseconds(),
            ["lastModifiedAt"] = post.CreatedAt.ToUnixTimeMilliseconds(),
            ["publishedAt"] = post.CreatedAt.ToUnixTimeMilliseconds(),
        };
        if (post.Content is not null)
            json["content"] = post.Content.DeepClone();
        return json;
    }

    /// <summary>
    /// What LinkedIn shows for a "little" text commentary: escaped reserved characters stay (escaped), hashtags and
    /// mentions are fine, and the first other unescaped reserved character silently ends the text (3p).
    /// </summary>
    public static string RenderLittleText(string commentary)
    {
        var i = 0;
        while (i < commentary.Length)
        {
            var ch = commentary[i];
            if (ch == '\\' && i + 1 < commentary.Length && Reserved.Contains(commentary[i + 1]))
            {
                i += 2;
                continue;
            }
            if (ch == '#' && i + 1 < commentary.Length && char.IsLetterOrDigit(commentary[i + 1]))
            {
                i++;
                continue;
            }
            if (ch == '@' && MentionPattern().Match(commentary, i) is { Success: true, Index: var at } mention && at == i)
            {
                i += mention.Length;
                continue;
            }
            if (Reserved.Contains(ch))
                return commentary[..i];
            i++;
        }
        return commentary;
    }

    [GeneratedRegex(@"@\[[^\]\\]*\]\(urn:li:(person|organization):[^)\s]+\)")]
    private static partial Regex MentionPattern();

    // ---- media ---------------------------------------------------------------------------------------------

    private static async Task<IResult> ImagesActionAsync(HttpContext http, EmulatorState state, Store store, EmulatorToken caller)
    {
        if (http.Request.Query["action"] != "initializeUpload")
            return Error(400, "Unsupported action.", "UNSUPPORTED_ACTION");
        if (Str((await ReadJsonAsync(http))?["initializeUploadRequest"]?["owner"]) is not { } owner)
            return InputError("/initializeUploadRequest/owner", "FIELD_REQUIRED", "initializeUploadRequest.owner is required.");
        if (!CanWriteAs(caller, owner))
            return AccessDenied("images.INITIALIZE_UPLOAD");
        state.CountCall(Platform.LinkedIn, "images.initializeUpload");
        var asset = store.NewAsset("image", owner, totalBytes: null);
        return Results.Json(new JsonObject
        {
            ["value"] = new JsonObject
            {
                ["uploadUrlExpiresAt"] = state.Time.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds(),
                ["uploadUrl"] = UploadUrl(http, asset.Parts[0].UploadId),
                ["image"] = asset.Urn,
            },
        });
    }

    private static async Task<IResult> VideosActionAsync(HttpContext http, EmulatorState state, Store store, EmulatorToken caller)
    {
        var action = http.Request.Query["action"].ToString();
        var body = await ReadJsonAsync(http) as JsonObject;
        if (action == "initializeUpload")
        {
            var request = body?["initializeUploadRequest"];
            var owner = Str(request?["owner"]);
            if (owner is null)
                return InputError("/initializeUploadRequest/owner", "FIELD_REQUIRED", "initializeUploadRequest.owner is required.");
            if (request?["fileSizeBytes"] is not JsonValue sizeValue || !sizeValue.TryGetValue<long>(out var size) || size <= 0)
                return InputError("/initializeUploadRequest/fileSizeBytes", "FIELD_REQUIRED", "fileSizeBytes must be a positive number.");
            if (!CanWriteAs(caller, owner))
                return AccessDenied("videos.INITIALIZE_UPLOAD");
            state.CountCall(Platform.LinkedIn, "videos.initializeUpload");
            var asset = store.NewAsset("video", owner, size);
            return Results.Json(new JsonObject
            {
                ["value"] = new JsonObject
                {
                    ["uploadUrlsExpireAt"] = state.Time.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds(),
                    ["video"] = asset.Urn,
                    ["uploadInstructions"] = new JsonArray(asset.Parts.Select(p => (JsonNode)new JsonObject
                    {
                        ["uploadUrl"] = UploadUrl(http, p.UploadId),
                        ["firstByte"] = p.FirstByte,
                        ["lastByte"] = p.LastByte,
                    }).ToArray()),
                    ["uploadToken"] = asset.UploadToken,
                },
            });
        }
        if (action == "finalizeUpload")
        {
            var request = body?["finalizeUploadRequest"];
            var urn = Str(request?["video"]);
            if (urn is null || !store.Assets.TryGetValue(urn, out var asset) || asset.Kind != "video")
                return InputError("/finalizeUploadRequest/video", "INVALID_URN", "Unknown video.");
            if (!CanWriteAs(caller, asset.Owner))
                return AccessDenied("videos.FINALIZE_UPLOAD");
            if (Str(request?["uploadToken"]) != asset.UploadToken)
                return InputError("/finalizeUploadRequest/uploadToken", "INVALID_UPLOAD_TOKEN", "uploadToken does not match the upload.");
            var etags = (request?["uploadedPartIds"] as JsonArray ?? []).Select(Str).ToList();
            lock (asset)
            {
                if (asset.Status is "PROCESSING" or "AVAILABLE")
                    return Results.Ok();
                if (etags.Count != asset.Parts.Count || asset.Parts.Where((p, i) => p.ETag is null || p.ETag != etags[i]).Any())
                    return InputError("/finalizeUploadRequest/uploadedPartIds", "INVALID_PART_IDS", "uploadedPartIds do not match the uploaded parts.");
                // docs/emulator.md#media: the parts together must be a video, else processing fails as LinkedIn reports it.
                var whole = asset.Parts.SelectMany(p => p.Bytes ?? []).ToArray();
                if (!EmulatedMedia.Fits(whole, "video"))
                {
                    asset.Status = "PROCESSING_FAILED";
                    return Results.Ok();
                }
                EmulatedMedia.Record(state, Platform.LinkedIn, "upload", whole);
                asset.Status = "PROCESSING";
            }
            return Results.Ok();
        }
        return Error(400, "Unsupported action.", "UNSUPPORTED_ACTION");
    }

    /// <summary>An image or video's status. A finalized video is PROCESSING when first asked, AVAILABLE afterwards.</summary>
    private static IResult GetAsset(Store store, EmulatorToken caller, string urn)
    {
        if (!store.Assets.TryGetValue(urn, out var asset))
            return Error(404, $"{urn} does not exist.", "NOT_FOUND");
        if (!CanWriteAs(caller, asset.Owner))
            return AccessDenied("assets.GET");
        string status;
        lock (asset)
        {
            status = asset.Status;
            if (asset.Status == "PROCESSING")
                asset.Status = "AVAILABLE";
        }
        return Results.Json(new JsonObject { ["id"] = urn, ["owner"] = asset.Owner, ["status"] = status });
    }

    private static async Task<IResult> UploadAsync(HttpContext http, EmulatorState state, Store store, string uploadId)
    {
        if (state.Authenticate(Platform.LinkedIn, BearerOf(http)) is null)
            return InvalidToken();
        if (!store.Uploads.TryGetValue(uploadId, out var target))
            return Error(404, "Upload URL is unknown or expired.", "NOT_FOUND");
        var (asset, part) = target;
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var length = buffer.Length;
        lock (asset)
        {
            if (asset.Kind == "image")
            {
                if (length == 0)
                    return Error(400, "The uploaded image is empty.", "INVALID_MEDIA");
                // docs/emulator.md#media: the bytes must be an image.
                if (!EmulatedMedia.Fits(buffer.ToArray(), "image"))
                    return Error(400, "The uploaded file is not a supported image.", "INVALID_MEDIA");
                EmulatedMedia.Record(state, Platform.LinkedIn, "upload", buffer.ToArray());
                asset.Status = "AVAILABLE";
                return Results.StatusCode(201);
            }
            if (length != part.LastByte - part.FirstByte + 1)
                return Error(400, $"Part must be {part.LastByte - part.FirstByte + 1} bytes, got {length}.", "INVALID_PART");
            part.ETag = "\"etag-" + uploadId + "\"";
            part.Bytes = buffer.ToArray();
            return new HeaderResult(Results.Ok(), new Dictionary<string, string> { ["ETag"] = part.ETag });
        }
    }

    private static string UploadUrl(HttpContext http, string uploadId) =>
        $"{http.Request.Scheme}://{http.Request.Host}/{Platform.LinkedIn.ToWireName()}/dms-uploads/{uploadId}";

    /// <summary>Deterministic bytes for media URLs in tests: <c>test-media/clip.mp4?bytes=5000</c>.</summary>
    private static IResult TestMedia(HttpContext http, string name)
    {
        var size = int.TryParse(http.Request.Query["bytes"], CultureInfo.InvariantCulture, out var n) ? n : 1024;
        var bytes = EmulatedMedia.TestBytes(name, size);
        var type = Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".mp4" => "video/mp4",
            ".png" => "image/png",
            ".gif" => "image/gif",
            _ => "image/jpeg",
        };
        return Results.Bytes(bytes, type);
    }

    // ---- auth, headers and error envelopes -----------------------------------------------------------------

    private static async Task<IResult> Guarded(HttpContext http, EmulatorState state, Func<EmulatorToken, Task<IResult>> handle)
    {
        if (state.Authenticate(Platform.LinkedIn, BearerOf(http)) is not { } caller)
            return InvalidToken();
        var version = http.Request.Headers["LinkedIn-Version"].ToString();
        if (string.IsNullOrEmpty(version))
            return Error(400, "A version must be present. Please specify a version by adding the LinkedIn-Version header.", "VERSION_MISSING");
        if (!IsActiveVersion(version, state.Time.GetUtcNow()))
            return Error(426, $"Requested version {version} is not active", "NONEXISTENT_VERSION");
        if (http.Request.Headers["X-Restli-Protocol-Version"] != "2.0.0")
            return Error(400, "X-Restli-Protocol-Version 2.0.0 is required.", "PROTOCOL_VERSION_MISSING");
        return await handle(caller);
    }

    /// <summary>YYYYMM (optionally .RR) not in the future; sunsetting of old versions is not emulated.</summary>
    private static bool IsActiveVersion(string version, DateTimeOffset now)
    {
        if (!VersionPattern().IsMatch(version))
            return false;
        var year = int.Parse(version[..4], CultureInfo.InvariantCulture);
        var month = int.Parse(version[4..6], CultureInfo.InvariantCulture);
        return month is >= 1 and <= 12 && year * 12 + month <= now.Year * 12 + now.Month;
    }

    [GeneratedRegex(@"^\d{6}(\.\d{2})?$")]
    private static partial Regex VersionPattern();

    private static string? Str(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool HasScope(EmulatorToken token, string scope) => token.Scopes.Contains("*") || token.Scopes.Contains(scope);

    private static string MemberUrn(EmulatorToken token) => "urn:li:person:" + token.AccountId;

    /// <summary>A member posts as themself with w_member_social; as an organization with w_organization_social (the page role is assumed).</summary>
    private static bool CanWriteAs(EmulatorToken caller, string author) =>
        author.StartsWith("urn:li:organization:", StringComparison.Ordinal)
            ? HasScope(caller, "w_organization_social")
            : author == MemberUrn(caller) && HasScope(caller, "w_member_social");

    private static bool CanRead(EmulatorToken caller, string author) =>
        author.StartsWith("urn:li:organization:", StringComparison.Ordinal)
            ? HasScope(caller, "r_organization_social")
            : author == MemberUrn(caller) && HasScope(caller, "r_member_social");

    private static string? BearerOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult InvalidToken() => Results.Json(new JsonObject
    {
        ["status"] = 401,
        ["serviceErrorCode"] = 65600,
        ["code"] = "INVALID_ACCESS_TOKEN",
        ["message"] = "Invalid access token",
    }, statusCode: 401);

    private static IResult AccessDenied(string what) => Results.Json(new JsonObject
    {
        ["status"] = 403,
        ["serviceErrorCode"] = 100,
        ["code"] = "ACCESS_DENIED",
        ["message"] = $"Not enough permissions to access: {what}",
    }, statusCode: 403);

    private static IResult Error(int status, string message, string code) => Results.Json(new JsonObject
    {
        ["status"] = status,
        ["code"] = code,
        ["message"] = message,
    }, statusCode: status);

    private static IResult InputError(string field, string code, string description) => Results.Json(new JsonObject
    {
        ["errorDetailType"] = "com.linkedin.common.error.BadRequest",
        ["message"] = $"Field Value validation failed in REQUEST_BODY: Data Processing Exception while processing fields [{field}]",
        ["errorDetails"] = new JsonObject
        {
            ["inputErrors"] = new JsonArray(new JsonObject
            {
                ["description"] = description,
                ["input"] = new JsonObject { ["inputPath"] = new JsonObject { ["fieldPath"] = field } },
                ["code"] = code,
            }),
        },
        ["status"] = 422,
    }, statusCode: 422);

    private static IResult Duplicate(string existingUrn) => Results.Json(new JsonObject
    {
        ["errorDetailType"] = "com.linkedin.common.error.BadRequest",
        ["message"] = $"ERROR :: /commentary :: Content is a duplicate of {existingUrn}",
        ["errorDetails"] = new JsonObject
        {
            ["inputErrors"] = new JsonArray(new JsonObject
            {
                ["description"] = "Duplicate post is detected",
                ["input"] = new JsonObject(),
                ["code"] = "DUPLICATE_POST",
            }),
        },
        ["status"] = 422,
    }, statusCode: 422);

    // ---- state ---------------------------------------------------------------------------------------------

    private sealed class Store
    {
        private long _nextId = 7_300_000_000_000_000_000;

        public ConcurrentDictionary<string, StoredPost> Posts { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, Asset> Assets { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, (Asset Asset, UploadPart Part)> Uploads { get; } = new(StringComparer.Ordinal);

        public long NextId() => Interlocked.Increment(ref _nextId);

        public Asset NewAsset(string kind, string owner, long? totalBytes)
        {
            var id = NextId();
            var urn = $"urn:li:{kind}:D4E{id.ToString(CultureInfo.InvariantCulture)}";
            var parts = new List<UploadPart>();
            if (totalBytes is { } total)
            {
                for (long first = 0; first < total; first += VideoPartBytes)
                    parts.Add(new UploadPart($"{id}-{parts.Count}", first, Math.Min(total, first + VideoPartBytes) - 1));
            }
            else
            {
                parts.Add(new UploadPart(id.ToString(CultureInfo.InvariantCulture), 0, 0));
            }
            var asset = new Asset(urn, kind, owner, parts, "upload-" + id.ToString(CultureInfo.InvariantCulture)) { Status = "WAITING_UPLOAD" };
            Assets[urn] = asset;
            foreach (var part in parts)
                Uploads[part.UploadId] = (asset, part);
            return asset;
        }
    }

    private sealed record StoredPost(string Urn, string Author, string Commentary, string ContentKey, JsonObject? Content, string Visibility, string LifecycleState, DateTimeOffset CreatedAt)
    {
        public DateTimeOffset? DeletedAt { get; set; }
    }

    private sealed record Asset(string Urn, string Kind, string Owner, IReadOnlyList<UploadPart> Parts, string UploadToken)
    {
        public string Status { get; set; } = "WAITING_UPLOAD";
    }

    private sealed record UploadPart(string UploadId, long FirstByte, long LastByte)
    {
        public string? ETag { get; set; }
        public byte[]? Bytes { get; set; }
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
