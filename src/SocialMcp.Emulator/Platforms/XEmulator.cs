using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// X API v2 (docs/platforms.md#x): <c>2/users/me</c>, <c>2/tweets</c> (create, look up, delete), the user timeline
/// <c>2/users/{id}/tweets</c>, replies (<c>reply.in_reply_to_tweet_id</c>: the parent must exist and not be deleted, else
/// a 403; each reply's parent is recorded in <see cref="EmulatorState.RecordReply"/>), and media upload — <c>2/media/upload/initialize</c>, <c>2/media/upload/{id}/append</c>,
/// <c>2/media/upload/{id}/finalize</c>, STATUS by <c>GET 2/media/upload?command=STATUS&amp;media_id=…</c>, and the
/// older command form (<c>POST 2/media/upload</c> with command=INIT/APPEND/FINALIZE).
/// Rules: problem-details errors; 401 for a bad token; 403 for a missing scope; the twitter-text v3 weighted limit
/// of 280; at most 4 images or 1 GIF or 1 video, processed media only, tweet_* categories only; 403 for a text
/// identical to one of the user's posts of the last 24 hours; per-user 15-minute windows and the app's 24-hour cap
/// with x-rate-limit-* and x-app-limit-24hour-* headers (429 without Retry-After). Texts come back as X shows them:
/// URLs wrapped in t.co links and &amp;, &lt;, &gt; escaped.
/// Video and GIF uploads are pending after FINALIZE, in progress at the first STATUS and succeeded at the second
/// (failed when the file starts with <c>CORRUPT</c>). Test bytes are served under <c>test-media/{name}?bytes=N</c>
/// (a name containing <c>corrupt</c> starts with those bytes).
/// </summary>
public sealed class XEmulator : IEmulatorModule
{
    /// <summary>X's detail for a reply whose parent is deleted or not visible to the caller (HTTP 403, type about:blank).</summary>
    public const string ReplyParentGone = "You attempted to reply to a Tweet that is deleted or not visible to you.";

    /// <summary>The weighted length limit (twitter-text v3, off.).</summary>
    public const int MaxWeightedLength = 280;

    /// <summary>How far back an identical text counts as a duplicate (X does not document it; assumed).</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromHours(24);

    /// <summary>How long an uploaded media id can be attached (expires_after_secs; 24 h assumed).</summary>
    public static readonly TimeSpan MediaLifetime = TimeSpan.FromHours(24);

    /// <summary>The app's posts per 24 hours (Basic tier, 3p), reported in x-app-limit-24hour-* headers.</summary>
    public const int AppPostsPer24Hours = 1667;

    public static readonly TimeSpan FifteenMinutes = TimeSpan.FromMinutes(15);

    /// <summary>Per-user request windows: POST 2/tweets 200 and DELETE 50 per 15 min (off.); the reads are unverified.</summary>
    public static readonly IReadOnlyDictionary<string, int> UserLimits = new Dictionary<string, int>
    {
        ["POST 2/tweets"] = 200,
        ["DELETE 2/tweets/:id"] = 50,
        ["GET 2/users/me"] = 75,
        ["GET 2/tweets/:id"] = 900,
        ["GET 2/users/:id/tweets"] = 900,
    };

    private const long MaxImageBytes = 5 * 1024 * 1024;
    private const long MaxGifBytes = 15 * 1024 * 1024;
    private const long MaxVideoBytes = 512L * 1024 * 1024;
    private const long MaxSegmentBytes = 5 * 1024 * 1024;
    private static readonly byte[] CorruptMarker = "CORRUPT"u8.ToArray();
    private static readonly HashSet<string> MediaTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime"];
    private static readonly HashSet<string> Categories = ["tweet_image", "tweet_gif", "tweet_video", "amplify_video", "dm_image", "dm_gif", "dm_video", "subtitles"];

    public Platform Platform => Platform.X;

    public void Map(RouteGroupBuilder routes, EmulatorState state)
    {
        var store = new Store();
        routes.MapGet("2/users/me", Handler(http =>
            Guarded(http, state, store, ["users.read"], "GET 2/users/me", caller => Task.FromResult(Me(caller)))));
        routes.MapPost("2/tweets", Handler(http =>
            Guarded(http, state, store, ["tweet.write"], "POST 2/tweets", caller => CreateTweetAsync(http, state, store, caller))));
        routes.MapGet("2/tweets/{id}", (HttpContext http, string id) =>
            Guarded(http, state, store, ["tweet.read"], "GET 2/tweets/:id", caller => Task.FromResult(GetTweet(http, state, store, id))));
        routes.MapDelete("2/tweets/{id}", (HttpContext http, string id) =>
            Guarded(http, state, store, ["tweet.write"], "DELETE 2/tweets/:id", caller => Task.FromResult(DeleteTweet(state, store, caller, id))));
        routes.MapGet("2/users/{id}/tweets", (HttpContext http, string id) =>
            Guarded(http, state, store, ["tweet.read", "users.read"], "GET 2/users/:id/tweets", caller => Task.FromResult(Timeline(http, store, id))));
        routes.MapPost("2/media/upload/initialize", Handler(http =>
            Guarded(http, state, store, ["media.write"], null, async caller => Initialize(state, store, caller, await ReadFieldsAsync(http)))));
        routes.MapPost("2/media/upload/{id}/append", (HttpContext http, string id) =>
            Guarded(http, state, store, ["media.write"], null, caller => AppendAsync(http, state, store, caller, id, null)));
        routes.MapPost("2/media/upload/{id}/finalize", (HttpContext http, string id) =>
            Guarded(http, state, store, ["media.write"], null, caller => Task.FromResult(Finalize(state, store, caller, id))));
        routes.MapGet("2/media/upload", Handler(http =>
            Guarded(http, state, store, ["media.write"], null, caller => Task.FromResult(Status(http, state, store, caller)))));
        routes.MapPost("2/media/upload", Handler(http =>
            Guarded(http, state, store, ["media.write"], null, caller => CommandAsync(http, state, store, caller))));
        routes.MapGet("test-media/{name}", (HttpContext http, string name) => TestMedia(http, name));
    }

    /// <summary>Typed as a route handler (not a RequestDelegate) so the returned IResult is written to the response.</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handle) => handle;

    // ---- users and posts -----------------------------------------------------------------------------------

    private static IResult Me(EmulatorToken caller) => Results.Json(new JsonObject
    {
        ["data"] = new JsonObject { ["id"] = caller.AccountId, ["name"] = caller.Username, ["username"] = caller.Username },
    });

    private static async Task<IResult> CreateTweetAsync(HttpContext http, EmulatorState state, Store store, EmulatorToken caller)
    {
        state.CountCall(Platform.X, "tweets.create");
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
            return Problem(400, "Invalid Request", "The request body is not valid JSON.", "https://api.twitter.com/2/problems/invalid-request");
        var text = Str(body["text"]) ?? "";
        var mediaIds = (body["media"]?["media_ids"] as JsonArray ?? []).Select(Str).ToList();
        if (text.Length == 0 && mediaIds.Count == 0)
            return InvalidRequest("text", "Post text is required unless media is attached.");
        if (store.Counter.Count(text) > MaxWeightedLength)
            return InvalidRequest("text", $"Post text is too long: its weighted length is over {MaxWeightedLength}.");
        string? replyTo = null;
        if (body["reply"] is { } reply)
        {
            replyTo = Str(reply["in_reply_to_tweet_id"]);
            if (replyTo is null || replyTo.Length == 0 || !replyTo.All(char.IsAsciiDigit))
                return InvalidRequest("reply.in_reply_to_tweet_id", "The `reply.in_reply_to_tweet_id` field value is not a valid Tweet id.", replyTo);
        }

        var now = state.Time.GetUtcNow();
        lock (store)
        {
            var uploads = new List<Upload>();
            foreach (var id in mediaIds)
            {
                if (id is null || !store.Uploads.TryGetValue(id, out var upload) || upload.Owner != caller.AccountId || upload.ExpiresAt <= now
                    || upload.State != "succeeded" || !upload.Category.StartsWith("tweet_", StringComparison.Ordinal) && upload.Category != "amplify_video")
                    return InvalidRequest("media.media_ids", "Your media IDs are invalid.", id);
                uploads.Add(upload);
            }
            var images = uploads.Count(u => u.Kind == "image");
            if (uploads.Count > 1 && (images != uploads.Count || images > 4))
                return InvalidRequest("media.media_ids", "A post carries up to 4 images, or 1 GIF, or 1 video.");

            if (text.Length > 0 && store.Tweets.Values.Any(t => t.AuthorId == caller.AccountId && !t.Deleted && t.Text == text && now - t.CreatedAt < DuplicateWindow))
                return Problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");

            Tweet? parent = null;
            // X refuses a reply to a post that is gone or hidden from the caller with a plain 403 (docs/platforms.md#replies-x).
            if (replyTo is not null && (!store.Tweets.TryGetValue(replyTo, out parent) || parent.Deleted))
                return Problem(403, "Forbidden", ReplyParentGone);

            var tweet = new Tweet(store.NextId(), caller.AccountId, text, now, uploads.Select(u => u.Key).ToList())
            {
                InReplyTo = parent,
                AuthorUsername = caller.Username,
            };
            store.Tweets[tweet.Id] = tweet;
            state.CountLivePost(Platform.X, tweet.Id);
            if (parent is not null)
                state.RecordReply(Platform.X, tweet.Id, parent.Id);
            return Results.Json(new JsonObject { ["data"] = TweetJson(store, tweet, []) }, statusCode: 201);
        }
    }

    private static IResult GetTweet(HttpContext http, EmulatorState state, Store store, string id)
    {
        lock (store)
        {
            if (!store.Tweets.TryGetValue(id, out var tweet) || tweet.Deleted || state.TakenDownReason(Platform.X, id) is not null)
            {
                // A missing post is a 200 with an errors array, not a 404.
                return Results.Json(new JsonObject
                {
                    ["errors"] = new JsonArray(new JsonObject
                    {
                        ["value"] = id,
                        ["detail"] = $"Could not find tweet with id: [{id}].",
                        ["title"] = "Not Found Error",
                        ["resource_type"] = "tweet",
                        ["parameter"] = "id",
                        ["resource_id"] = id,
                        ["type"] = "https://api.twitter.com/2/problems/resource-not-found",
                    }),
                });
            }
            var fields = http.Request.Query["tweet.fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var answer = new JsonObject { ["data"] = TweetJson(store, tweet, ["created_at", "attachments", .. fields]) };
            // expansions=author_id adds data.author_id and the author under includes.users.
            if (http.Request.Query["expansions"].ToString().Split(',').Contains("author_id"))
            {
                answer["data"]!["author_id"] = tweet.AuthorId;
                answer["includes"] = new JsonObject
                {
                    ["users"] = new JsonArray(new JsonObject { ["id"] = tweet.AuthorId, ["name"] = tweet.AuthorUsername, ["username"] = tweet.AuthorUsername }),
                };
            }
            return Results.Json(answer);
        }
    }

    private static IResult DeleteTweet(EmulatorState state, Store store, EmulatorToken caller, string id)
    {
        state.CountCall(Platform.X, "tweets.delete");
        lock (store)
        {
            if (!store.Tweets.TryGetValue(id, out var tweet) || tweet.Deleted)
                return Problem(404, "Not Found Error", $"Could not find tweet with id: [{id}].", "https://api.twitter.com/2/problems/resource-not-found");
            if (tweet.AuthorId != caller.AccountId)
                return Problem(403, "Forbidden", "You are not allowed to delete this Tweet.");
            tweet.Deleted = true;
            return Results.Json(new JsonObject { ["data"] = new JsonObject { ["deleted"] = true } });
        }
    }

    /// <summary>
    /// <c>GET 2/users/{id}/tweets?max_results=5..100&amp;start_time=…&amp;tweet.fields=…&amp;pagination_token=…</c>, newest
    /// first. <c>meta.next_token</c> is there only when older posts follow; it goes back as <c>pagination_token</c>.
    /// </summary>
    private static IResult Timeline(HttpContext http, Store store, string userId)
    {
        var query = http.Request.Query;
        var max = 10;
        if (query.ContainsKey("max_results") && (!int.TryParse(query["max_results"], CultureInfo.InvariantCulture, out max) || max is < 5 or > 100))
            return InvalidRequest("max_results", "The `max_results` query parameter value is not between 5 and 100.");
        DateTimeOffset? start = null;
        if (query.ContainsKey("start_time"))
        {
            if (!DateTimeOffset.TryParse(query["start_time"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return InvalidRequest("start_time", "The `start_time` query parameter value is not a valid RFC 3339 time.");
            start = parsed;
        }
        long? olderThan = null;
        if (query.ContainsKey("pagination_token"))
        {
            if (DecodeToken(query["pagination_token"].ToString()) is not { } id)
                return InvalidRequest("pagination_token", "The `pagination_token` query parameter value is not valid.");
            olderThan = id;
        }
        var fields = query["tweet.fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lock (store)
        {
            var window = store.Tweets.Values
                .Where(t => t.AuthorId == userId && !t.Deleted && (start is null || t.CreatedAt >= start))
                .Select(t => (Tweet: t, Id: long.Parse(t.Id, CultureInfo.InvariantCulture)))
                .Where(t => olderThan is null || t.Id < olderThan)
                .OrderByDescending(t => t.Id)
                .ToList();
            var tweets = window.Take(max).Select(t => t.Tweet).ToList();
            var meta = new JsonObject { ["result_count"] = tweets.Count };
            if (tweets.Count == 0)
                return Results.Json(new JsonObject { ["meta"] = meta });
            meta["newest_id"] = tweets[0].Id;
            meta["oldest_id"] = tweets[^1].Id;
            if (window.Count > tweets.Count)
                meta["next_token"] = EncodeToken(window[tweets.Count - 1].Id);
            return Results.Json(new JsonObject
            {
                ["data"] = new JsonArray(tweets.Select(t => (JsonNode)TweetJson(store, t, fields)).ToArray()),
                ["meta"] = meta,
            });
        }
    }

    /// <summary>An opaque page token: the oldest id of the page before, in base 36.</summary>
    private static string EncodeToken(long oldestId)
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = new System.Text.StringBuilder();
        for (var rest = oldestId; rest > 0; rest /= 36)
            text.Insert(0, Digits[(int)(rest % 36)]);
        return "7140" + text;
    }

    private static long? DecodeToken(string token)
    {
        if (!token.StartsWith("7140", StringComparison.Ordinal) || token.Length == 4)
            return null;
        long id = 0;
        foreach (var c in token.AsSpan(4))
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
            if (digit < 0 || id > (long.MaxValue - digit) / 36)
                return null;
            id = id * 36 + digit;
        }
        return id;
    }

    private static JsonObject TweetJson(Store store, Tweet tweet, IReadOnlyCollection<string> fields)
    {
        var json = new JsonObject
        {
            ["id"] = tweet.Id,
            ["text"] = Rendered(store, tweet.Text),
            ["edit_history_tweet_ids"] = new JsonArray(tweet.Id),
        };
        if (fields.Contains("created_at"))
            json["created_at"] = tweet.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        if (tweet.InReplyTo is { } parent)
        {
            // A reply names its parent in referenced_tweets and the root of its conversation in conversation_id.
            if (fields.Contains("referenced_tweets"))
                json["referenced_tweets"] = new JsonArray(new JsonObject { ["type"] = "replied_to", ["id"] = parent.Id });
            if (fields.Contains("in_reply_to_user_id"))
                json["in_reply_to_user_id"] = parent.AuthorId;
        }
        if (fields.Contains("conversation_id"))
            json["conversation_id"] = tweet.ConversationId;
        if (fields.Contains("attachments") && tweet.MediaKeys.Count > 0)
            json["attachments"] = new JsonObject { ["media_keys"] = new JsonArray(tweet.MediaKeys.Select(k => (JsonNode)k).ToArray()) };
        return json;
    }

    /// <summary>The text as X shows it: every URL wrapped as a t.co link, and &amp;, &lt;, &gt; escaped.</summary>
    private static string Rendered(Store store, string text)
    {
        var builder = new StringBuilder();
        var position = 0;
        foreach (var url in store.Urls.Find(text))
        {
            builder.Append(Escape(text[position..url.Start]));
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.Substring(url.Start, url.Length))))[..10].ToLowerInvariant();
            builder.Append("https://t.co/").Append(hash);
            position = url.Start + url.Length;
        }
        builder.Append(Escape(text[position..]));
        return builder.ToString();

        static string Escape(string part) => part.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }

    // ---- media ---------------------------------------------------------------------------------------------

    private static IResult Initialize(EmulatorState state, Store store, EmulatorToken caller, Dictionary<string, string> fields)
    {
        state.CountCall(Platform.X, "media.initialize");
        var mediaType = fields.GetValueOrDefault("media_type");
        if (mediaType is null || !MediaTypes.Contains(mediaType))
            return InvalidRequest("media_type", $"media_type '{mediaType}' is not supported.");
        if (!long.TryParse(fields.GetValueOrDefault("total_bytes"), CultureInfo.InvariantCulture, out var total) || total <= 0)
            return InvalidRequest("total_bytes", "total_bytes must be a positive number.");
        var category = fields.GetValueOrDefault("media_category") ?? (mediaType.StartsWith("video/", StringComparison.Ordinal) ? "tweet_video" : mediaType == "image/gif" ? "tweet_gif" : "tweet_image");
        if (!Categories.Contains(category))
            return InvalidRequest("media_category", $"media_category '{category}' is not supported.");
        var kind = mediaType.StartsWith("video/", StringComparison.Ordinal) ? "video" : mediaType == "image/gif" && category.EndsWith("gif", StringComparison.Ordinal) ? "gif" : "image";
        var limit = kind switch { "video" => MaxVideoBytes, "gif" => MaxGifBytes, _ => MaxImageBytes };
        if (total > limit)
            return InvalidRequest("total_bytes", $"File size exceeds {limit} bytes.");

        var now = state.Time.GetUtcNow();
        lock (store)
        {
            var id = store.NextId();
            var prefix = kind switch { "video" => category == "amplify_video" ? "13_" : "7_", "gif" => "16_", _ => "3_" };
            var upload = new Upload(id, prefix + id, caller.AccountId, mediaType, category, kind, total, now + MediaLifetime);
            store.Uploads[id] = upload;
            return Results.Json(new JsonObject { ["data"] = UploadJson(upload, now, withProcessing: false) });
        }
    }

    private static async Task<IResult> AppendAsync(HttpContext http, EmulatorState state, Store store, EmulatorToken caller, string id, IFormCollection? form)
    {
        state.CountCall(Platform.X, "media.append");
        form ??= http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        if (form is null)
            return InvalidRequest("media", "APPEND takes multipart/form-data with segment_index and media.");
        if (!int.TryParse(form["segment_index"], CultureInfo.InvariantCulture, out var segment) || segment is < 0 or > 999)
            return InvalidRequest("segment_index", "segment_index must be between 0 and 999.");
        byte[] bytes;
        if (form.Files.GetFile("media") is { } file)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, http.RequestAborted);
            bytes = buffer.ToArray();
        }
        else if (form["media_data"].ToString() is { Length: > 0 } base64)
        {
            try
            {
                bytes = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                return InvalidRequest("media_data", "media_data is not valid base64.");
            }
        }
        else
        {
            return InvalidRequest("media", "A media part is required.");
        }
        if (bytes.Length == 0 || bytes.Length > MaxSegmentBytes)
            return InvalidRequest("media", $"A segment holds 1 to {MaxSegmentBytes} bytes.");

        lock (store)
        {
            if (Owned(store, caller, id, state.Time.GetUtcNow()) is not { } upload)
                return InvalidRequest("media_id", "Your media ID is invalid or expired.", id);
            if (upload.Finalized)
                return InvalidRequest("media_id", "The upload has already been finalized.", id);
            // Segments are replaceable, so a repeated APPEND of the same segment is harmless.
            upload.Segments[segment] = bytes;
        }
        return Results.NoContent();
    }

    private static IResult Finalize(EmulatorState state, Store store, EmulatorToken caller, string id)
    {
        state.CountCall(Platform.X, "media.finalize");
        var now = state.Time.GetUtcNow();
        lock (store)
        {
            if (Owned(store, caller, id, now) is not { } upload)
                return InvalidRequest("media_id", "Your media ID is invalid or expired.", id);
            if (!upload.Finalized)
            {
                var received = upload.Segments.Values.Sum(s => (long)s.Length);
                if (received != upload.TotalBytes)
                    return InvalidRequest("media_id", $"Segments do not add up to provided total file size ({received} of {upload.TotalBytes} bytes).", id);
                var first = upload.Segments.OrderBy(s => s.Key).First().Value;
                // The file must be what media_type says (docs/emulator.md#media); one that is not fails like an undecodable one.
                var whole = upload.Segments.OrderBy(s => s.Key).SelectMany(s => s.Value).ToArray();
                upload.Corrupt = first.AsSpan().StartsWith(CorruptMarker) || !EmulatedMedia.Fits(whole, upload.MediaType);
                if (!upload.Corrupt)
                    EmulatedMedia.Record(state, Platform.X, "upload", whole);
                upload.Finalized = true;
                var processed = upload.Kind is "video" or "gif";
                upload.State = processed ? "pending" : upload.Corrupt ? "failed" : "succeeded";
            }
            if (upload.State == "failed" && upload.Kind == "image")
                return InvalidRequest("media", "The image could not be decoded.", id);
            return Results.Json(new JsonObject { ["data"] = UploadJson(upload, now, withProcessing: upload.Kind is "video" or "gif") });
        }
    }

    /// <summary>STATUS: pending → in_progress at the first query → succeeded (or failed) at the second.</summary>
    private static IResult Status(HttpContext http, EmulatorState state, Store store, EmulatorToken caller)
    {
        state.CountCall(Platform.X, "media.status");
        if (http.Request.Query["command"] != "STATUS")
            return InvalidRequest("command", "command must be STATUS.");
        var id = http.Request.Query["media_id"].ToString();
        var now = state.Time.GetUtcNow();
        lock (store)
        {
            if (Owned(store, caller, id, now) is not { } upload || !upload.Finalized)
                return InvalidRequest("media_id", "Your media ID is invalid or expired.", id);
            upload.State = upload.State switch
            {
                "pending" => "in_progress",
                "in_progress" => upload.Corrupt ? "failed" : "succeeded",
                var same => same,
            };
            return Results.Json(new JsonObject { ["data"] = UploadJson(upload, now, withProcessing: upload.Kind is "video" or "gif") });
        }
    }

    /// <summary>The command form: <c>POST 2/media/upload</c> with command=INIT, APPEND or FINALIZE.</summary>
    private static async Task<IResult> CommandAsync(HttpContext http, EmulatorState state, Store store, EmulatorToken caller)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var fields = form?.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal) ?? [];
        return fields.GetValueOrDefault("command") switch
        {
            "INIT" => Initialize(state, store, caller, fields),
            "APPEND" => await AppendAsync(http, state, store, caller, fields.GetValueOrDefault("media_id") ?? "", form),
            "FINALIZE" => Finalize(state, store, caller, fields.GetValueOrDefault("media_id") ?? ""),
            _ => InvalidRequest("command", "command must be INIT, APPEND or FINALIZE."),
        };
    }

    private static JsonObject UploadJson(Upload upload, DateTimeOffset now, bool withProcessing)
    {
        var json = new JsonObject
        {
            ["id"] = upload.Id,
            ["media_key"] = upload.Key,
            ["expires_after_secs"] = (long)Math.Max(0, (upload.ExpiresAt - now).TotalSeconds),
        };
        if (upload.Finalized)
            json["size"] = upload.TotalBytes;
        if (withProcessing && upload.Finalized)
        {
            var info = new JsonObject { ["state"] = upload.State };
            if (upload.State is "pending" or "in_progress")
            {
                info["check_after_secs"] = 1;
                info["progress_percent"] = upload.State == "pending" ? 0 : 50;
            }
            else if (upload.State == "succeeded")
            {
                info["progress_percent"] = 100;
            }
            else
            {
                info["error"] = new JsonObject { ["code"] = 1, ["name"] = "InvalidMedia", ["message"] = "Unsupported video format" };
            }
            json["processing_info"] = info;
        }
        return json;
    }

    private static Upload? Owned(Store store, EmulatorToken caller, string id, DateTimeOffset now) =>
        store.Uploads.TryGetValue(id, out var upload) && upload.Owner == caller.AccountId && upload.ExpiresAt > now ? upload : null;

    private static async Task<Dictionary<string, string>> ReadFieldsAsync(HttpContext http)
    {
        if (http.Request.HasFormContentType)
            return (await http.Request.ReadFormAsync(http.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        try
        {
            if (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) is JsonObject body)
                return body.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal);
        }
        catch (JsonException)
        {
        }
        return [];
    }

    /// <summary>Deterministic bytes for media URLs in tests: <c>test-media/clip.mp4?bytes=5000</c>.</summary>
    private static IResult TestMedia(HttpContext http, string name)
    {
        var size = int.TryParse(http.Request.Query["bytes"], CultureInfo.InvariantCulture, out var n) ? n : 1024;
        var bytes = EmulatedMedia.TestBytes(name, size);
        if (name.Contains("corrupt", StringComparison.OrdinalIgnoreCase))
            CorruptMarker.AsSpan(0, Math.Min(CorruptMarker.Length, bytes.Length)).CopyTo(bytes);
        var type = Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".mp4" => "video/mp4",
            ".mov" => "video/quicktime",
            ".png" => "image/png",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            _ => "image/jpeg",
        };
        return Results.Bytes(bytes, type);
    }

    // ---- auth, limits and errors ---------------------------------------------------------------------------

    private static async Task<IResult> Guarded(HttpContext http, EmulatorState state, Store store, string[] scopes, string? limitedEndpoint,
        Func<EmulatorToken, Task<IResult>> handle)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
        if (state.Authenticate(Platform.X, presented) is not { } caller)
            return Problem(401, "Unauthorized", "Unauthorized");
        if (scopes.Any(s => !caller.Scopes.Contains("*") && !caller.Scopes.Contains(s)))
            return Problem(403, "Forbidden", "You are not permitted to perform this action.");
        if (limitedEndpoint is null)
            return await handle(caller);

        var now = state.Time.GetUtcNow();
        var headers = new Dictionary<string, string>();
        bool limited;
        lock (store)
        {
            limited = Spend(store.Window((caller.AccountId, limitedEndpoint), FifteenMinutes, now), UserLimits[limitedEndpoint], headers, "x-rate-limit-");
            if (!limited && limitedEndpoint == "POST 2/tweets")
                limited = Spend(store.Window(("app", limitedEndpoint), TimeSpan.FromHours(24), now), AppPostsPer24Hours, headers, "x-app-limit-24hour-");
        }
        var result = limited ? Problem(429, "Too Many Requests", "Too Many Requests") : await handle(caller);
        return new HeaderResult(result, headers);
    }

    /// <summary>Counts one request in a fixed window; true when it is over the limit. Writes the window's headers.</summary>
    private static bool Spend(Window window, int limit, Dictionary<string, string> headers, string prefix)
    {
        window.Count++;
        headers[prefix + "limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers[prefix + "remaining"] = Math.Max(0, limit - window.Count).ToString(CultureInfo.InvariantCulture);
        headers[prefix + "reset"] = window.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return window.Count > limit;
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>v2 problem details (RFC 7807).</summary>
    private static IResult Problem(int status, string title, string detail, string type = "about:blank") => Results.Json(new JsonObject
    {
        ["title"] = title,
        ["type"] = type,
        ["status"] = status,
        ["detail"] = detail,
    }, statusCode: status);

    /// <summary>The v2 invalid-request problem naming the offending parameter.</summary>
    private static IResult InvalidRequest(string parameter, string message, string? value = null) => Results.Json(new JsonObject
    {
        ["errors"] = new JsonArray(new JsonObject
        {
            ["parameters"] = new JsonObject { [parameter] = new JsonArray(value ?? "") },
            ["message"] = message,
        }),
        ["title"] = "Invalid Request",
        ["detail"] = "One or more parameters to your request was invalid.",
        ["type"] = "https://api.twitter.com/2/problems/invalid-request",
    }, statusCode: (int)HttpStatusCode.BadRequest);

    // ---- state ---------------------------------------------------------------------------------------------

    private sealed class Store
    {
        private long _nextId = 1_880_000_000_000_000_000;
        private readonly Dictionary<(string, string), Window> _windows = [];

        public Dictionary<string, Tweet> Tweets { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Upload> Uploads { get; } = new(StringComparer.Ordinal);
        public XWeightedCounter Counter { get; } = new(new XTextOptions());
        public XUrlExtractor Urls { get; } = new(TopLevelDomains.Default);

        public string NextId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

        /// <summary>The current fixed window for a key; a new one starts when the last has reset.</summary>
        public Window Window((string, string) key, TimeSpan length, DateTimeOffset now)
        {
            if (!_windows.TryGetValue(key, out var window) || window.ResetAt <= now)
                _windows[key] = window = new Window(now + length);
            return window;
        }
    }

    private sealed class Window(DateTimeOffset resetAt)
    {
        public DateTimeOffset ResetAt { get; } = resetAt;
        public int Count { get; set; }
    }

    private sealed record Tweet(string Id, string AuthorId, string Text, DateTimeOffset CreatedAt, IReadOnlyList<string> MediaKeys)
    {
        public bool Deleted { get; set; }

        /// <summary>The post this one answers (reply.in_reply_to_tweet_id), or null.</summary>
        public Tweet? InReplyTo { get; init; }

        public string AuthorUsername { get; init; } = "";

        public string ConversationId => InReplyTo?.ConversationId ?? Id;
    }

    private sealed record Upload(string Id, string Key, string Owner, string MediaType, string Category, string Kind, long TotalBytes, DateTimeOffset ExpiresAt)
    {
        public SortedDictionary<int, byte[]> Segments { get; } = new();
        public bool Finalized { get; set; }
        public bool Corrupt { get; set; }
        public string State { get; set; } = "uploading";
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
