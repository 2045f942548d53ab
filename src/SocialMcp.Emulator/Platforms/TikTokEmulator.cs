using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// TikTok Content Posting API v2 (docs/platforms.md#tiktok) plus the Display API's video list the adapter reconciles with:
/// creator_info, video and photo Direct Post init by PULL_FROM_URL, status fetch, and <c>v2/video/list/</c>. Every
/// answer is the TikTok envelope <c>{data, error{code, message, log_id}}</c>; the per-token per-minute limits answer
/// 429 <c>rate_limit_exceeded</c>, and the spam_risk_* caps answer HTTP 200 with a non-ok error code, as TikTok does.
/// <para>
/// Processing is driven by observation, not by a clock: each status fetch of a publish (and each video list of its
/// creator) moves it one step — PROCESSING_DOWNLOAD, then PUBLISH_COMPLETE while in moderation (no post id yet), then
/// PUBLISH_COMPLETE with the post id. Tests tune the steps and the platform's rules through <see cref="WorldOf"/>.
/// </para>
/// </summary>
public sealed class TikTokEmulator : IEmulatorModule
{
    public const string VideoInitPath = "v2/post/publish/video/init/";
    public const string ContentInitPath = "v2/post/publish/content/init/";

    private static readonly ConditionalWeakTable<EmulatorState, TikTokWorld> Worlds = [];

    public Platform Platform => Platform.TikTok;

    /// <summary>The TikTok side of one emulator: its rules (settable by tests) and what has been posted.</summary>
    public static TikTokWorld WorldOf(EmulatorState state) => Worlds.GetValue(state, s => new TikTokWorld(s.Time));

    public void Map(RouteGroupBuilder routes, EmulatorState state)
    {
        var world = WorldOf(state);
        routes.MapPost("v2/post/publish/creator_info/query/", Handler(http => Handle(http, state, world, "creator_info", CreatorInfo)));
        routes.MapPost(VideoInitPath, Handler(http => Handle(http, state, world, "video_init", VideoInit)));
        routes.MapPost(ContentInitPath, Handler(http => Handle(http, state, world, "content_init", ContentInit)));
        routes.MapPost("v2/post/publish/status/fetch/", Handler(http => Handle(http, state, world, "status_fetch", StatusFetch)));
        routes.MapPost("v2/video/list/", Handler(http => Handle(http, state, world, "video_list", VideoList)));
        // Who a token belongs to, asked after the code exchange (docs/emulator.md#identities); needs user.info.basic.
        routes.MapGet("v2/user/info/", IResult (HttpContext http) => UserInfo(http, state, world));
    }

    private delegate IResult Endpoint(Call call);

    /// <summary><c>GET v2/user/info/?fields=open_id,union_id,avatar_url,display_name,username</c>: the requested fields of the token's user.</summary>
    private static IResult UserInfo(HttpContext http, EmulatorState state, TikTokWorld world)
    {
        state.CountCall(Platform.TikTok, "user_info");
        if (state.Authenticate(Platform.TikTok, BearerToken(http.Request)) is not { } token)
            return world.Error(401, "access_token_invalid", "The access token is invalid or not found in the request.");
        if (!token.Scopes.Contains("*") && !token.Scopes.Contains("user.info.basic"))
            return world.Error(401, "scope_not_authorized", "The user did not authorize the scope required for completing this request (user.info.basic).");
        var values = new Dictionary<string, string>
        {
            ["open_id"] = token.AccountId,
            ["union_id"] = "union-" + token.AccountId,
            ["avatar_url"] = $"https://p16-sign.tiktokcdn.com/avatar/{token.AccountId}.jpeg",
            ["display_name"] = token.Username,
            ["username"] = token.Username,
        };
        var fields = http.Request.Query["fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var user = new JsonObject();
        foreach (var field in fields.Length > 0 ? fields : ["open_id", "union_id", "avatar_url", "display_name"])
        {
            if (values.TryGetValue(field, out var value))
                user[field] = value;
        }
        return world.Ok(new JsonObject { ["user"] = user });
    }

    /// <summary>Typed as a route handler (not a RequestDelegate) so the returned IResult is written and the fault filter applies.</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handle) => handle;

    /// <summary>One authenticated request: who made it, its JSON body, and the emulator it hit.</summary>
    private sealed record Call(HttpContext Http, EmulatorState State, TikTokWorld World, EmulatorToken Token, JsonObject Body);

    private static async Task<IResult> Handle(HttpContext http, EmulatorState state, TikTokWorld world, string name, Endpoint endpoint)
    {
        state.CountCall(Platform.TikTok, name);
        var token = state.Authenticate(Platform.TikTok, BearerToken(http.Request));
        if (token is null)
            return world.Error(401, "access_token_invalid", "The access token is invalid or not found in the request.");
        var scope = name == "video_list" ? "video.list" : "video.publish";
        if (!token.Scopes.Contains("*") && !token.Scopes.Contains(scope))
            return world.Error(401, "scope_not_authorized", $"The user did not authorize the scope required for completing this request ({scope}).");
        if (!world.TakeRateToken(token.Token, name))
            return world.Error(429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.");

        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return world.Error(400, "invalid_params", "The request body is not valid JSON.");
        }
        if (name is "video_init" or "content_init")
            await PullMediaAsync(state, world, body, http.RequestAborted);
        return endpoint(new Call(http, state, world, token, body));
    }

    /// <summary>
    /// docs/emulator.md#media: TikTok downloads PULL_FROM_URL media after the init; the emulator fetches loopback URLs (our
    /// server's signed URLs in tests) now and checks them, and one that fails makes the publish end FAILED with TikTok's
    /// video_pull_failed / photo_pull_failed, as an unreachable URL does.
    /// </summary>
    private static async Task PullMediaAsync(EmulatorState state, TikTokWorld world, JsonObject body, CancellationToken cancellationToken)
    {
        if (body["source_info"] is not JsonObject source || Text(source, "source") != "PULL_FROM_URL")
            return;
        var (urls, kind) = Text(source, "video_url") is { } video
            ? ([video], "video")
            : ((source["photo_images"] as JsonArray ?? []).Select(i => i?.GetValueKind() == JsonValueKind.String ? i.GetValue<string>() : null)
                .OfType<string>().ToList(), "image");
        foreach (var url in urls)
        {
            if (await EmulatedMedia.PullAndCheckAsync(state, Platform.TikTok, url, kind, cancellationToken) is not null)
                world.MarkUnreachable(url);
        }
    }

    private static IResult CreatorInfo(Call call)
    {
        var creator = call.World.CreatorFor(call.Token);
        return call.World.Ok(new JsonObject
        {
            ["creator_avatar_url"] = $"https://p16-sign.tiktokcdn.com/avatar/{creator.OpenId}.jpeg",
            ["creator_username"] = creator.Username,
            ["creator_nickname"] = creator.Username,
            ["privacy_level_options"] = new JsonArray(creator.PrivacyLevelOptions.Select(o => (JsonNode)o).ToArray()),
            ["comment_disabled"] = creator.CommentDisabled,
            ["duet_disabled"] = creator.DuetDisabled,
            ["stitch_disabled"] = creator.StitchDisabled,
            ["max_video_post_duration_sec"] = creator.MaxVideoPostDurationSec,
        });
    }

    private static IResult VideoInit(Call call)
    {
        var world = call.World;
        if (call.Body["post_info"] is not JsonObject postInfo || call.Body["source_info"] is not JsonObject source)
            return world.Error(400, "invalid_params", "post_info and source_info are required.");
        var title = Text(postInfo, "title") ?? "";
        if (title.Length > world.MaxVideoTitleLength)
            return world.Error(400, "invalid_params", $"post_info.title exceeds {world.MaxVideoTitleLength} characters.");
        if (Text(source, "source") != "PULL_FROM_URL")
            return world.Error(400, "invalid_params", "The emulator accepts source PULL_FROM_URL only.");
        if (Text(source, "video_url") is not { } videoUrl || !IsHttpUrl(videoUrl))
            return world.Error(400, "invalid_params", "source_info.video_url must be an http(s) URL.");
        return Init(call, postInfo, TikTokMediaKind.Video, title, "", [videoUrl]);
    }

    private static IResult ContentInit(Call call)
    {
        var world = call.World;
        if (Text(call.Body, "media_type") != "PHOTO")
            return world.Error(400, "invalid_params", "media_type must be PHOTO.");
        if (Text(call.Body, "post_mode") is not ("DIRECT_POST" or "MEDIA_UPLOAD"))
            return world.Error(400, "invalid_params", "post_mode must be DIRECT_POST or MEDIA_UPLOAD.");
        if (call.Body["post_info"] is not JsonObject postInfo || call.Body["source_info"] is not JsonObject source)
            return world.Error(400, "invalid_params", "post_info and source_info are required.");
        var title = Text(postInfo, "title") ?? "";
        var description = Text(postInfo, "description") ?? "";
        if (title.Length > world.MaxPhotoTitleLength || description.Length > world.MaxPhotoDescriptionLength)
            return world.Error(400, "invalid_params",
                $"post_info.title is limited to {world.MaxPhotoTitleLength} and post_info.description to {world.MaxPhotoDescriptionLength} characters.");
        if (Text(source, "source") != "PULL_FROM_URL")
            return world.Error(400, "invalid_params", "source_info.source must be PULL_FROM_URL.");
        var images = (source["photo_images"] as JsonArray)?.Select(i => i?.GetValueKind() == JsonValueKind.String ? i.GetValue<string>() : null).ToList();
        if (images is null || images.Count == 0 || images.Count > world.MaxPhotos || images.Any(i => i is null || !IsHttpUrl(i)))
            return world.Error(400, "invalid_params", $"source_info.photo_images needs 1 to {world.MaxPhotos} http(s) URLs.");
        var cover = source["photo_cover_index"] is JsonValue c && c.TryGetValue<int>(out var index) ? index : 0;
        if (cover < 0 || cover >= images.Count)
            return world.Error(400, "invalid_params", "source_info.photo_cover_index is out of range.");
        return Init(call, postInfo, TikTokMediaKind.Photo, title, description, images!);
    }

    private static IResult Init(Call call, JsonObject postInfo, TikTokMediaKind kind, string title, string description, IReadOnlyList<string> urls)
    {
        var world = call.World;
        var creator = world.CreatorFor(call.Token);
        var privacy = Text(postInfo, "privacy_level");
        if (privacy is null || !creator.PrivacyLevelOptions.Contains(privacy))
            return world.Error(400, "privacy_level_option_mismatch",
                $"privacy_level must be one of the creator's options: {string.Join(", ", creator.PrivacyLevelOptions)}.");
        if (world.Unaudited && privacy != "SELF_ONLY")
            return world.Error(403, "unaudited_client_can_only_post_to_private_accounts",
                "Unaudited clients can only post to private accounts with privacy_level SELF_ONLY.");
        if (urls.FirstOrDefault(u => !world.IsVerifiedUrl(u)) is { } unverified)
            return world.Error(403, "url_ownership_unverified", $"The domain or URL prefix of {unverified} is not verified for this client.");
        return world.TryStartPublish(creator, kind, title, description, privacy, urls);
    }

    private static IResult StatusFetch(Call call)
    {
        var world = call.World;
        if (Text(call.Body, "publish_id") is not { Length: > 0 } publishId)
            return world.Error(400, "invalid_params", "publish_id is required.");
        var publish = world.Observe(call.State, call.Token.AccountId, publishId);
        if (publish is null)
            return world.Error(400, "invalid_params", $"publish_id {publishId} was not found.");
        var data = new JsonObject { ["status"] = publish.Status };
        if (publish.FailReason is not null)
            data["fail_reason"] = publish.FailReason;
        // The spelling is TikTok's own.
        data["publicaly_available_post_id"] = publish.PostId is null ? new JsonArray() : new JsonArray(long.Parse(publish.PostId, CultureInfo.InvariantCulture));
        data[publish.Kind == TikTokMediaKind.Video ? "downloaded_bytes" : "uploaded_bytes"] = publish.Status == "PROCESSING_DOWNLOAD" ? 0 : 1024;
        return world.Ok(data);
    }

    private static IResult VideoList(Call call)
    {
        var world = call.World;
        var fields = call.Http.Request.Query["fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 0)
            return world.Error(400, "invalid_params", "The fields query parameter is required.");
        var maxCount = call.Body["max_count"] is JsonValue m && m.TryGetValue<int>(out var requested) ? requested : world.VideoListPageSize;
        if (maxCount is < 1 || maxCount > world.VideoListPageSize)
            return world.Error(400, "invalid_params", $"max_count must be between 1 and {world.VideoListPageSize}.");
        var videos = world.ListVideos(call.State, call.Token.AccountId, maxCount);
        var items = new JsonArray();
        foreach (var video in videos)
        {
            var all = new Dictionary<string, JsonNode?>
            {
                ["id"] = video.PostId,
                ["title"] = video.Title,
                ["video_description"] = video.Kind == TikTokMediaKind.Video ? video.Title : video.Description,
                ["create_time"] = video.CreatedAt.ToUnixTimeSeconds(),
                ["share_url"] = video.ShareUrl,
            };
            var item = new JsonObject();
            foreach (var field in fields.Where(all.ContainsKey))
                item[field] = all[field]?.DeepClone();
            items.Add(item);
        }
        return world.Ok(new JsonObject { ["videos"] = items, ["cursor"] = 0, ["has_more"] = false });
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

public enum TikTokMediaKind
{
    Video,
    Photo,
}

/// <summary>A creator's answer to creator_info: set per account by tests through <see cref="TikTokWorld.Creator"/>.</summary>
public sealed class TikTokCreator(string openId, string username)
{
    public string OpenId { get; } = openId;

    public string Username { get; set; } = username;

    /// <summary>A public account offers all four; a private account has no PUBLIC_TO_EVERYONE (docs/platforms.md#tiktok-limits).</summary>
    public List<string> PrivacyLevelOptions { get; set; } = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"];

    public bool CommentDisabled { get; set; }

    public bool DuetDisabled { get; set; }

    public bool StitchDisabled { get; set; }

    public int MaxVideoPostDurationSec { get; set; } = 600;
}

/// <summary>One init: its publish id, what was posted, and how far TikTok has processed it.</summary>
public sealed class TikTokPublish(string publishId, string openId, TikTokMediaKind kind, string title, string description, string privacyLevel,
    IReadOnlyList<string> urls, DateTimeOffset createdAt)
{
    public string PublishId { get; } = publishId;
    public string OpenId { get; } = openId;
    public TikTokMediaKind Kind { get; } = kind;
    public string Title { get; } = title;
    public string Description { get; } = description;
    public string PrivacyLevel { get; } = privacyLevel;
    public IReadOnlyList<string> Urls { get; } = urls;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public string Status { get; internal set; } = "PROCESSING_DOWNLOAD";
    public string? FailReason { get; internal set; }
    public string? PostId { get; internal set; }
    public string? ShareUrl { get; internal set; }
    internal int Observations { get; set; }
    internal bool IsPending => Status == "PROCESSING_DOWNLOAD" || (Status == "PUBLISH_COMPLETE" && PostId is null);
}

/// <summary>
/// The TikTok platform's rules and memory inside one emulator. Defaults are the documented values (docs/platforms.md#tiktok-rate-limits:
/// 20/min creator_info, 6/min per init endpoint, 30/min status per token; ≈15 posts a day, 3p); what TikTok does not
/// document (pending-share cap, processing time) is a setting here.
/// </summary>
public sealed class TikTokWorld(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, TikTokCreator> _creators = new(StringComparer.Ordinal);
    private readonly List<TikTokPublish> _publishes = [];
    private readonly Dictionary<(string Token, string Endpoint), Queue<DateTimeOffset>> _calls = [];
    private long _sequence;
    private long _logSequence;

    /// <summary>Per-token per-minute limits by endpoint name (creator_info, video_init, content_init, status_fetch, video_list).</summary>
    public Dictionary<string, int> PerMinuteLimits { get; } = new(StringComparer.Ordinal)
    {
        ["creator_info"] = 20,
        ["video_init"] = 6,
        ["content_init"] = 6,
        ["status_fetch"] = 30,
        ["video_list"] = 600,
    };

    /// <summary>spam_risk_too_many_posts after this many inits per creator in 24 hours (≈15, 3p).</summary>
    public int DailyPostCap { get; set; } = 15;

    /// <summary>spam_risk_too_many_pending_share when a creator already has this many unfinished publishes (cap unverified).</summary>
    public int MaxPendingShares { get; set; } = 5;

    /// <summary>An unaudited client may post SELF_ONLY only (docs/platforms.md#tiktok-auth-and-tokens).</summary>
    public bool Unaudited { get; set; }

    /// <summary>Titles or descriptions containing one of these are refused with spam_risk_text.</summary>
    public List<string> SpamPhrases { get; } = [];

    /// <summary>Media URLs TikTok cannot download: the publish ends FAILED with video_pull_failed / photo_pull_failed.</summary>
    public HashSet<string> UnreachableUrls { get; } = new(StringComparer.Ordinal);

    /// <summary>The developer portal's verified URL prefixes for PULL_FROM_URL; empty means every URL is verified.</summary>
    public List<string> VerifiedUrlPrefixes { get; } = [];

    /// <summary>Observations spent downloading (PROCESSING_DOWNLOAD) and then in moderation (PUBLISH_COMPLETE, no post id yet).</summary>
    public int ProcessingSteps { get; set; } = 1;

    public int ModerationSteps { get; set; } = 1;

    public int MaxVideoTitleLength { get; set; } = 2200;
    public int MaxPhotoTitleLength { get; set; } = 90;
    public int MaxPhotoDescriptionLength { get; set; } = 4000;
    public int MaxPhotos { get; set; } = 35;
    public int VideoListPageSize { get; set; } = 20;

    public IReadOnlyList<TikTokPublish> Publishes
    {
        get { lock (_gate) return _publishes.ToList(); }
    }

    /// <summary>The creator behind an account id (the token's account), created with defaults on first use.</summary>
    public TikTokCreator Creator(string accountId, string? username = null)
    {
        lock (_gate)
        {
            if (!_creators.TryGetValue(accountId, out var creator))
                _creators[accountId] = creator = new TikTokCreator(accountId, username ?? accountId);
            return creator;
        }
    }

    internal TikTokCreator CreatorFor(EmulatorToken token) => Creator(token.AccountId, token.Username);

    internal bool IsVerifiedUrl(string url) =>
        VerifiedUrlPrefixes.Count == 0 || VerifiedUrlPrefixes.Any(p => url.StartsWith(p, StringComparison.Ordinal));

    internal bool TakeRateToken(string token, string endpoint)
    {
        if (!PerMinuteLimits.TryGetValue(endpoint, out var limit))
            return true;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_calls.TryGetValue((token, endpoint), out var calls))
                _calls[(token, endpoint)] = calls = new Queue<DateTimeOffset>();
            while (calls.Count > 0 && now - calls.Peek() >= TimeSpan.FromMinutes(1))
                calls.Dequeue();
            if (calls.Count >= limit)
                return false;
            calls.Enqueue(now);
            return true;
        }
    }

    /// <summary>A URL whose pull failed: a publish that names it ends FAILED.</summary>
    internal void MarkUnreachable(string url)
    {
        lock (_gate)
            UnreachableUrls.Add(url);
    }

    internal IResult TryStartPublish(TikTokCreator creator, TikTokMediaKind kind, string title, string description, string privacy, IReadOnlyList<string> urls)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var text = title + "\n" + description;
            if (SpamPhrases.FirstOrDefault(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)) is not null)
                return Error(200, "spam_risk_text", "The text was flagged as spam risk.");
            var mine = _publishes.Where(p => p.OpenId == creator.OpenId).ToList();
            if (mine.Count(p => now - p.CreatedAt < TimeSpan.FromHours(24)) >= DailyPostCap)
                return Error(200, "spam_risk_too_many_posts", "The user has reached the daily post cap.");
            if (mine.Count(p => p.IsPending) >= MaxPendingShares)
                return Error(200, "spam_risk_too_many_pending_share", "The user has too many pending shares.");

            var publishId = $"v_pub_url~v2-1.{7_300_000_000_000_000_000L + ++_sequence}";
            var publish = new TikTokPublish(publishId, creator.OpenId, kind, title, description, privacy, urls, now);
            _publishes.Add(publish);
            return Ok(new JsonObject { ["publish_id"] = publishId });
        }
    }

    /// <summary>A status query: moves the publish one step and answers its state (null when unknown to this creator).</summary>
    internal TikTokPublish? Observe(EmulatorState state, string openId, string publishId)
    {
        lock (_gate)
        {
            var publish = _publishes.FirstOrDefault(p => p.PublishId == publishId && p.OpenId == openId);
            if (publish is not null)
                Advance(state, publish);
            return publish;
        }
    }

    /// <summary>The creator's posts that have a post id, newest first; listing also moves their pending publishes on.</summary>
    internal IReadOnlyList<TikTokPublish> ListVideos(EmulatorState state, string openId, int maxCount)
    {
        lock (_gate)
        {
            foreach (var publish in _publishes.Where(p => p.OpenId == openId && p.IsPending))
                Advance(state, publish);
            return _publishes.Where(p => p.OpenId == openId && p.PostId is not null)
                .OrderByDescending(p => p.CreatedAt).Take(maxCount).ToList();
        }
    }

    // Called under the lock. The n-th observation shows the state the publish had reached when it was asked.
    private void Advance(EmulatorState state, TikTokPublish publish)
    {
        if (!publish.IsPending)
            return;
        publish.Observations++;
        if (publish.Observations <= ProcessingSteps)
            return;
        if (publish.Status == "PROCESSING_DOWNLOAD")
        {
            if (publish.Urls.FirstOrDefault(UnreachableUrls.Contains) is not null)
            {
                publish.Status = "FAILED";
                publish.FailReason = publish.Kind == TikTokMediaKind.Video ? "video_pull_failed" : "photo_pull_failed";
                return;
            }
            publish.Status = "PUBLISH_COMPLETE";
            state.CountLivePost(Platform.TikTok);
        }
        if (publish.Observations > ProcessingSteps + ModerationSteps)
        {
            publish.PostId = (7_400_000_000_000_000_000L + publish.CreatedAt.ToUnixTimeMilliseconds() % 1_000_000_000 * 100 + ++_sequence)
                .ToString(CultureInfo.InvariantCulture);
            var creator = _creators.GetValueOrDefault(publish.OpenId);
            publish.ShareUrl = $"https://www.tiktok.com/@{creator?.Username ?? publish.OpenId}/{(publish.Kind == TikTokMediaKind.Video ? "video" : "photo")}/{publish.PostId}";
            state.NameLivePost(Platform.TikTok, publish.PostId);
        }
    }

    internal IResult Ok(JsonObject data) => Envelope(200, data, "ok", "");

    internal IResult Error(int status, string code, string message) => Envelope(status, [], code, message);

    private IResult Envelope(int status, JsonObject data, string code, string message)
    {
        var logId = time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Interlocked.Increment(ref _logSequence).ToString("X10", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["data"] = data,
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["log_id"] = logId },
        };
        return Results.Text(body.ToJsonString(), "application/json; charset=UTF-8", Encoding.UTF8, status);
    }
}
