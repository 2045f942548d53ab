using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// Instagram content publishing (docs/platforms.md#instagram) on Meta's container model: <c>POST {ig-user-id}/media</c>
/// (image, REELS, STORIES, carousel items and CAROUSEL), <c>GET {container-id}?fields=status_code,status</c>,
/// <c>POST {ig-user-id}/media_publish</c>, <c>GET {ig-media-id}?fields=permalink</c>, <c>GET {ig-user-id}/media</c>,
/// <c>GET {ig-user-id}/content_publishing_limit</c> and <c>DELETE {ig-media-id}</c> (disputed in reality, docs/platforms.md#instagram-withdraw: the
/// emulator offers it so the adapter's opt-in path can be tested). 50 API-published posts per rolling 24 h; captions
/// up to 2,200 UTF-16 units; carousels of 2–10 items; media at a <c>.invalid</c> host cannot be downloaded.
/// </summary>
public sealed class InstagramEmulator : GraphContainerEmulator
{
    public const int MaxCaptionLength = 2200;

    private static readonly string[] PublishScopes = ["instagram_business_content_publish", "instagram_content_publish"];
    private static readonly string[] ReadScopes = ["instagram_business_basic", "instagram_basic", .. PublishScopes];

    public override Platform Platform => Platform.Instagram;

    protected override GraphEmulatorShape Shape { get; } = new(
        Containers: "media", Publish: "media_publish", PublishingLimit: "content_publishing_limit",
        StatusField: "status_code", StatusDetailField: "status", TextField: "caption",
        PostsPerWindow: 50, DeletesPerWindow: null, MinCarouselItems: 2, MaxCarouselItems: 10,
        NotReadySubcode: 2207027, ExpiredSubcode: 2207020, CreateFailedSubcode: 2207032, Comments: true);

    /// <summary>The longest comment (unverified: Instagram's caption limit, docs/platforms.md#comments-instagram).</summary>
    public const int MaxCommentLength = 2200;

    protected override IReadOnlyList<string[]> ScopesFor(GraphOperation operation) => operation switch
    {
        GraphOperation.Read => [ReadScopes],
        GraphOperation.Comment => [["instagram_business_manage_comments", "instagram_manage_comments"]],
        _ => [PublishScopes],
    };

    protected override (ContainerRequest? Request, IResult? Error) ParseContainer(IReadOnlyDictionary<string, string> form)
    {
        var mediaType = (form.GetValueOrDefault("media_type") ?? "IMAGE").ToUpperInvariant();
        var isItem = IsTrue(form.GetValueOrDefault("is_carousel_item"));
        var caption = form.GetValueOrDefault("caption");
        if (caption is not null && caption.Length > MaxCaptionLength)
            return Invalid($"(#100) Param caption must be at most {MaxCaptionLength} characters long.");
        if (form.ContainsKey("alt_text") && mediaType != "IMAGE")
            return Invalid("(#100) Param alt_text is only supported for images.");
        if (isItem && mediaType is not ("IMAGE" or "VIDEO"))
            return Invalid("(#100) Only images and videos can be carousel items.");

        return mediaType switch
        {
            "IMAGE" => WithUrl(form, "image_url", url => new ContainerRequest("IMAGE", "FEED", isItem, caption, [], url, IsVideo: false)),
            "VIDEO" when !isItem => Invalid("(#100) The VIDEO media type is no longer supported for single posts; use REELS."),
            "VIDEO" => WithUrl(form, "video_url", url => new ContainerRequest("VIDEO", "FEED", true, caption, [], url, IsVideo: true)),
            "REELS" when form.GetValueOrDefault("upload_type") == "resumable" => Invalid("(#100) Resumable uploads are not emulated; pass video_url."),
            "REELS" => WithUrl(form, "video_url", url => new ContainerRequest("VIDEO", "REELS", false, caption, [], url, IsVideo: true)),
            "STORIES" when form.ContainsKey("video_url") => WithUrl(form, "video_url", url => new ContainerRequest("VIDEO", "STORY", false, null, [], url, IsVideo: true)),
            "STORIES" => WithUrl(form, "image_url", url => new ContainerRequest("IMAGE", "STORY", false, null, [], url, IsVideo: false)),
            "CAROUSEL" => Children(form, children => new ContainerRequest("CAROUSEL_ALBUM", "FEED", false, caption, children, null, IsVideo: false)),
            _ => Invalid("(#100) Param media_type must be one of {IMAGE, CAROUSEL, REELS, STORIES, VIDEO}."),
        };
    }

    // Images are fetched when the container is created (docs/platforms.md#instagram-media-upload): an unreachable one fails right away (off. code table).
    protected override IResult? RejectUnreachable(ContainerRequest request) => request.IsVideo
        ? null
        : GraphEmulation.Error(400, -2, "It takes too long to download the media.", 2207003,
            userTitle: "Media download timeout", userMessage: "A timeout occurred while downloading the media. Try again.");

    protected override string FailureDetail(ContainerRequest request) =>
        "Error: Media download has failed. The media URI doesn't meet our requirements.";

    protected override string StatusDetail(string status) => status switch
    {
        GraphContainerStatus.InProgress => "In Progress: Media is still being processed.",
        GraphContainerStatus.Finished => "Finished: Media has been uploaded and it is complete.",
        GraphContainerStatus.Published => "Published: Media has been successfully published.",
        _ => "Expired: Media was not published within 24 hours.",
    };

    protected override IResult PublishLimitReached() =>
        GraphEmulation.Error(400, 9, "Application request limit reached", 2207042, userTitle: "Cannot publish",
            userMessage: "You reached maximum number of posts that is allowed to be published by Content Publishing API.");

    protected override string Permalink(GraphEmulatorPost post) => post.ProductType switch
    {
        "REELS" => $"https://www.instagram.com/reel/{post.Shortcode}/",
        "STORY" => $"https://www.instagram.com/stories/{post.Username}/{post.Id}/",
        _ => $"https://www.instagram.com/p/{post.Shortcode}/",
    };

    protected override object DeletedBody(string id) => new { success = true };
}

/// <summary>The edges, fields and limits of one Meta container API.</summary>
public sealed record GraphEmulatorShape(
    string Containers,
    string Publish,
    string PublishingLimit,
    string StatusField,
    string StatusDetailField,
    string TextField,
    int PostsPerWindow,
    int? DeletesPerWindow,
    int MinCarouselItems,
    int MaxCarouselItems,
    int? NotReadySubcode,
    int? ExpiredSubcode,
    int? CreateFailedSubcode,
    string? Replies = null,
    bool Comments = false);

public enum GraphOperation { Read, Publish, Delete, Comment }

public static class GraphContainerStatus
{
    public const string InProgress = "IN_PROGRESS";
    public const string Finished = "FINISHED";
    public const string Published = "PUBLISHED";
    public const string Error = "ERROR";
    public const string Expired = "EXPIRED";
}

/// <summary>A container to create, as the module understood the request.</summary>
/// <param name="ReplyToId">The post this one replies to (Threads' <c>reply_to_id</c>), or null.</param>
public sealed record ContainerRequest(string MediaType, string ProductType, bool IsCarouselItem, string? Text, IReadOnlyList<string> Children, string? MediaUrl, bool IsVideo,
    string? ReplyToId = null);

/// <summary>A published post.</summary>
public sealed record GraphEmulatorPost(string Id, string UserId, string Username, string MediaType, string ProductType, string? Text,
    DateTimeOffset Timestamp, string Shortcode, string? RepliedTo = null);

/// <summary>
/// Meta's container-publishing API as Instagram and Threads share it: containers that are processed (a video, or a
/// carousel, reports IN_PROGRESS on its first status query and FINISHED afterwards — deterministic, no clock sleeps),
/// expire 24 h after creation (measured with <see cref="EmulatorState.Time"/>), are published once, and count against
/// a rolling 24-hour publishing limit. Errors use Graph's envelope. Each emulator instance keeps its own objects.
/// </summary>
public abstract class GraphContainerEmulator : IEmulatorModule
{
    public static readonly TimeSpan ContainerLifetime = TimeSpan.FromHours(24);

    public static readonly TimeSpan LimitWindow = TimeSpan.FromHours(24);

    public abstract Platform Platform { get; }

    protected abstract GraphEmulatorShape Shape { get; }

    /// <summary>For each operation, the groups of scopes of which the token needs one each.</summary>
    protected abstract IReadOnlyList<string[]> ScopesFor(GraphOperation operation);

    protected abstract (ContainerRequest? Request, IResult? Error) ParseContainer(IReadOnlyDictionary<string, string> form);

    /// <summary>The error when the media URL cannot be fetched at creation, or null when that surfaces as container status ERROR.</summary>
    protected abstract IResult? RejectUnreachable(ContainerRequest request);

    protected abstract string FailureDetail(ContainerRequest request);

    protected virtual string? StatusDetail(string status) => null;

    protected abstract IResult PublishLimitReached();

    protected virtual IResult DeleteLimitReached() =>
        GraphEmulation.Error(400, 9, "You have reached the maximum number of deletes allowed per day.");

    protected abstract string Permalink(GraphEmulatorPost post);

    protected abstract object DeletedBody(string id);

    public void Map(RouteGroupBuilder routes, EmulatorState state)
    {
        var world = new World(this, state);
        routes.MapPost("{userId}/" + Shape.Containers, (string userId, HttpContext http) => world.CreateAsync(userId, http));
        routes.MapPost("{userId}/" + Shape.Publish, (string userId, HttpContext http) => world.PublishAsync(userId, http));
        routes.MapGet("{userId}/" + Shape.PublishingLimit, (string userId, HttpContext http) => world.LimitAsync(userId, http));
        routes.MapGet("{userId}/" + Shape.Containers, (string userId, HttpContext http) => world.ListAsync(userId, http, replies: false));
        if (Shape.Replies is { } replies)
            routes.MapGet("{userId}/" + replies, (string userId, HttpContext http) => world.ListAsync(userId, http, replies: true));
        if (Shape.Comments)
        {
            routes.MapPost("{id}/comments", (string id, HttpContext http) => world.CommentAsync(id, http));
            routes.MapGet("{id}/comments", (string id, HttpContext http) => world.ListCommentsAsync(id, http));
        }
        routes.MapGet("{id}", (string id, HttpContext http) => world.GetAsync(id, http));
        routes.MapDelete("{id}", (string id, HttpContext http) => world.DeleteAsync(id, http));
    }

    protected static (ContainerRequest?, IResult?) Invalid(string message, string? userMessage = null) =>
        (null, GraphEmulation.Error(400, 100, message, userMessage: userMessage));

    protected static (ContainerRequest?, IResult?) WithUrl(IReadOnlyDictionary<string, string> form, string name, Func<string, ContainerRequest> build)
    {
        if (!form.TryGetValue(name, out var url) || string.IsNullOrWhiteSpace(url))
            return Invalid($"(#100) The parameter {name} is required");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return Invalid($"(#100) Param {name} must be a public http or https URL.");
        return (build(url), null);
    }

    protected static (ContainerRequest?, IResult?) Children(IReadOnlyDictionary<string, string> form, Func<IReadOnlyList<string>, ContainerRequest> build)
    {
        if (!form.TryGetValue("children", out var list) || string.IsNullOrWhiteSpace(list))
            return Invalid("(#100) The parameter children is required");
        return (build(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), null);
    }

    protected static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";

    private sealed class Container(string id, string userId, ContainerRequest request, DateTimeOffset createdAt, bool processed, bool failsProcessing)
    {
        public string Id { get; } = id;
        public string UserId { get; } = userId;
        public ContainerRequest Request { get; } = request;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public bool Processed { get; set; } = processed;
        public bool FailsProcessing { get; } = failsProcessing;
        public string? PostId { get; set; }
    }

    /// <summary>One emulator instance's objects; the module itself is shared and stateless.</summary>
    private sealed class World(GraphContainerEmulator module, EmulatorState state)
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, Container> _containers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, GraphEmulatorPost> _posts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<DateTimeOffset>> _publishes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<DateTimeOffset>> _deletes = new(StringComparer.Ordinal);
        private readonly EmulatedComments _comments = new(module.Platform, state, 17_900_000_000_000_000);
        private long _nextId = 17_841_400_000_000_000;

        private GraphEmulatorShape Shape => module.Shape;

        private Platform Platform => module.Platform;

        private DateTimeOffset Now => state.Time.GetUtcNow();

        public async Task<IResult> CreateAsync(string userId, HttpContext http)
        {
            var form = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Authorize(http, form, userId, GraphOperation.Publish, out var token) is { } refused)
                return refused;
            state.CountCall(Platform, Shape.Containers);
            var (request, invalid) = module.ParseContainer(form);
            if (invalid is not null)
                return invalid;
            var unreachable = request!.MediaUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                && uri.Host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase);
            // A loopback URL (our server's signed media URL in tests) is fetched and checked like the platform's crawler
            // would (docs/emulator.md#media); a fetch that fails or finds no media of the kind is an unreachable file.
            if (!unreachable && request.MediaUrl is { } pullUrl
                && await EmulatedMedia.PullAndCheckAsync(state, Platform, pullUrl, request.IsVideo ? "video" : "image", http.RequestAborted) is not null)
                unreachable = true;
            if (unreachable && module.RejectUnreachable(request) is { } rejected)
                return rejected;

            lock (_gate)
            {
                if (request.ReplyToId is { } parentId && !_posts.ContainsKey(parentId))
                    return ReplyParentGone(parentId);
                // Replying needs the root post to be the account's own, or a permission to reply to others (Threads "Create replies", off.).
                if (request.ReplyToId is { } replyTo && RootOf(replyTo).UserId != token.AccountId
                    && !token.Scopes.Contains("*") && !token.Scopes.Contains("threads_keyword_search") && !token.Scopes.Contains("threads_manage_mentions"))
                    return GraphEmulation.Error(403, 10, "(#10) Application does not have permission for this action",
                        userMessage: "Replying to another account's thread needs threads_keyword_search or threads_manage_mentions.");
                if (request.Children.Count > 0 && CheckChildren(request.Children, token.AccountId) is { } badChildren)
                    return badChildren;
                var needsProcessing = request.IsVideo || request.Children.Count > 0 || unreachable;
                var container = new Container(NextId(), token.AccountId, request, Now, processed: !needsProcessing, failsProcessing: unreachable);
                _containers[container.Id] = container;
                return GraphEmulation.Ok(new { id = container.Id });
            }
        }

        public async Task<IResult> PublishAsync(string userId, HttpContext http)
        {
            var form = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Authorize(http, form, userId, GraphOperation.Publish, out var token) is { } refused)
                return refused;
            state.CountCall(Platform, Shape.Publish);
            if (!form.TryGetValue("creation_id", out var creationId) || string.IsNullOrWhiteSpace(creationId))
                return GraphEmulation.Error(400, 100, "(#100) The parameter creation_id is required");

            lock (_gate)
            {
                if (!_containers.TryGetValue(creationId, out var container) || container.UserId != token.AccountId)
                    return GraphEmulation.Error(400, 100, "Invalid parameter", userMessage: $"The media container {creationId} does not exist.");
                if (container.Request.IsCarouselItem)
                    return GraphEmulation.Error(400, 100, "Invalid parameter", userMessage: "A carousel item is published through its carousel container.");
                switch (StatusOf(container, observe: false))
                {
                    case GraphContainerStatus.Published:
                        return GraphEmulation.Error(400, 100, "Invalid parameter", userMessage: "This media container has already been published.");
                    case GraphContainerStatus.Expired:
                        return GraphEmulation.Error(400, -2, "The media you are trying to access has expired. Please try to upload again.",
                            Shape.ExpiredSubcode);
                    case GraphContainerStatus.Error:
                        return GraphEmulation.Error(400, -1, "Create media fail, please try to re-create media",
                            Shape.CreateFailedSubcode);
                    case GraphContainerStatus.InProgress:
                        return NotReady();
                }

                var window = PublishesInWindow(_publishes, token.AccountId);
                if (window.Count >= Shape.PostsPerWindow)
                    return module.PublishLimitReached();

                // The parent may have been deleted since the container was made.
                if (container.Request.ReplyToId is { } parentId && !_posts.ContainsKey(parentId))
                    return ReplyParentGone(parentId);

                var id = NextId();
                var post = new GraphEmulatorPost(id, token.AccountId, token.Username, container.Request.MediaType, container.Request.ProductType,
                    container.Request.Text, Now, Shortcode(id), container.Request.ReplyToId);
                _posts[id] = post;
                container.PostId = id;
                window.Add(Now);
                state.CountLivePost(Platform, id);
                if (post.RepliedTo is { } repliedTo)
                    state.RecordReply(Platform, id, repliedTo);
                return GraphEmulation.Ok(new { id });
            }
        }

        public async Task<IResult> LimitAsync(string userId, HttpContext http)
        {
            var query = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Authorize(http, query, userId, GraphOperation.Publish, out var token) is { } refused)
                return refused;
            state.CountCall(Platform, Shape.PublishingLimit);
            var fields = GraphEmulation.Fields(query, "quota_usage", "config");
            var values = new Dictionary<string, object?>();
            lock (_gate)
            {
                values["quota_usage"] = PublishesInWindow(_publishes, token.AccountId).Count;
                values["config"] = new { quota_total = Shape.PostsPerWindow, quota_duration = (int)LimitWindow.TotalSeconds };
                if (Shape.DeletesPerWindow is { } deletes)
                {
                    values["delete_quota_usage"] = PublishesInWindow(_deletes, token.AccountId).Count;
                    values["delete_config"] = new { quota_total = deletes, quota_duration = (int)LimitWindow.TotalSeconds };
                }
            }
            return GraphEmulation.Ok(new { data = new[] { values.Where(v => fields.Contains(v.Key)).ToDictionary() } });
        }

        /// <summary>The account's posts (<paramref name="replies"/> false: its own threads, without replies) or its replies.</summary>
        public async Task<IResult> ListAsync(string userId, HttpContext http, bool replies)
        {
            var query = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Authorize(http, query, userId, GraphOperation.Read, out var token) is { } refused)
                return refused;
            state.CountCall(Platform, "list");
            var fields = GraphEmulation.Fields(query, "id");
            var limit = int.TryParse(query.GetValueOrDefault("limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 100) : 25;
            lock (_gate)
            {
                var data = _posts.Values.Where(p => p.UserId == token.AccountId && (Shape.Replies is null || (p.RepliedTo is not null) == replies))
                    .OrderByDescending(p => p.Timestamp).ThenByDescending(p => p.Id, StringComparer.Ordinal)
                    .Take(limit)
                    .Select(p => Select(PostFields(p), fields))
                    .ToList();
                return GraphEmulation.Ok(new { data });
            }
        }

        public async Task<IResult> GetAsync(string id, HttpContext http)
        {
            var query = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Authorize(http, query, null, GraphOperation.Read, out var token) is { } refused)
                return refused;
            var fields = GraphEmulation.Fields(query, "id");
            // "me" is the token's own account, as Graph answers it: how an account is verified before it is connected.
            if (id == "me")
                return GraphEmulation.Ok(Select(new Dictionary<string, object?>
                {
                    ["id"] = token.AccountId,
                    // Instagram Login's GET me names the account's id user_id as well (docs/emulator.md#identities).
                    ["user_id"] = token.AccountId,
                    ["username"] = token.Username,
                    ["name"] = token.Username,
                }, fields));
            if (Platform == Platform.Instagram && InstagramPages.Lookup(state, token, id, fields) is { } page)
                return page;
            lock (_gate)
            {
                token = ActingAs(token, _containers.GetValueOrDefault(id)?.UserId ?? _posts.GetValueOrDefault(id)?.UserId);
                if (_containers.TryGetValue(id, out var container) && container.UserId == token.AccountId)
                {
                    state.CountCall(Platform, "container_status");
                    var status = StatusOf(container, observe: true);
                    var values = new Dictionary<string, object?> { ["id"] = container.Id, [Shape.StatusField] = status };
                    var detail = status == GraphContainerStatus.Error ? module.FailureDetail(container.Request) : module.StatusDetail(status);
                    if (detail is not null)
                        values[Shape.StatusDetailField] = detail;
                    return GraphEmulation.Ok(Select(values, fields));
                }
                if (_posts.TryGetValue(id, out var post) && post.UserId == token.AccountId)
                {
                    state.CountCall(Platform, "post");
                    return GraphEmulation.Ok(Select(PostFields(post), fields));
                }
            }
            return GraphEmulation.UnknownObject(id, "get");
        }

        /// <summary><c>POST {media-id}/comments</c> with <c>message</c> → <c>{"id"}</c>: a comment by the account on its own post.</summary>
        public async Task<IResult> CommentAsync(string mediaId, HttpContext http)
        {
            var form = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Authorize(http, form, null, GraphOperation.Comment, out var token) is { } refused)
                return refused;
            var message = form.GetValueOrDefault("message");
            if (string.IsNullOrWhiteSpace(message))
                return GraphEmulation.Error(400, 100, "(#100) The parameter message is required");
            if (message.Length > InstagramEmulator.MaxCommentLength)
                return GraphEmulation.Error(400, 100, $"(#100) Param message must be at most {InstagramEmulator.MaxCommentLength} characters long.");
            lock (_gate)
            {
                token = ActingAs(token, _posts.GetValueOrDefault(mediaId)?.UserId);
                if (!_posts.TryGetValue(mediaId, out var post) || post.UserId != token.AccountId)
                    return GraphEmulation.UnknownObject(mediaId, "post");
                return GraphEmulation.Ok(new { id = _comments.Add(mediaId, token.AccountId, token.Username, message).Id });
            }
        }

        /// <summary><c>GET {media-id}/comments?fields=id,text,timestamp,username,from</c>, oldest first.</summary>
        public async Task<IResult> ListCommentsAsync(string mediaId, HttpContext http)
        {
            var query = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Authorize(http, query, null, GraphOperation.Read, out var token) is { } refused)
                return refused;
            state.CountCall(Platform, "comments.list");
            var fields = GraphEmulation.Fields(query, "id", "text", "timestamp");
            lock (_gate)
            {
                token = ActingAs(token, _posts.GetValueOrDefault(mediaId)?.UserId);
                if (!_posts.TryGetValue(mediaId, out var post) || post.UserId != token.AccountId)
                    return GraphEmulation.UnknownObject(mediaId, "get");
                var data = _comments.On(mediaId).Select(c => Select(new Dictionary<string, object?>
                {
                    ["id"] = c.Id,
                    ["text"] = c.Text,
                    ["timestamp"] = GraphEmulation.Timestamp(c.CreatedAt),
                    ["username"] = c.AuthorName,
                    ["from"] = new { id = c.AuthorId, username = c.AuthorName },
                }, fields)).ToList();
                return GraphEmulation.Ok(new { data });
            }
        }

        public async Task<IResult> DeleteAsync(string id, HttpContext http)
        {
            var query = await GraphEmulation.ReadParametersAsync(http.Request);
            if (Shape.Comments && _comments.Find(id) is { } comment)
            {
                if (Authorize(http, query, null, GraphOperation.Comment, out var commenter) is { } refusedComment)
                    return refusedComment;
                lock (_gate)
                {
                    commenter = ActingAs(commenter, comment.AuthorId);
                    if (comment.AuthorId != commenter.AccountId)
                        return GraphEmulation.UnknownObject(id, "delete");
                    _comments.Remove(id);
                    return GraphEmulation.Ok(new { success = true });
                }
            }
            if (Authorize(http, query, null, GraphOperation.Delete, out var token) is { } refused)
                return refused;
            state.CountCall(Platform, "delete");
            lock (_gate)
            {
                token = ActingAs(token, _posts.GetValueOrDefault(id)?.UserId);
                if (!_posts.TryGetValue(id, out var post) || post.UserId != token.AccountId)
                    return GraphEmulation.UnknownObject(id, "delete");
                var window = PublishesInWindow(_deletes, token.AccountId);
                if (Shape.DeletesPerWindow is { } cap && window.Count >= cap)
                    return module.DeleteLimitReached();
                _posts.Remove(id);
                _comments.RemoveAllOn(id);
                window.Add(Now);
                return GraphEmulation.Ok(module.DeletedBody(id));
            }
        }

        /// <summary>The token as the account it acts for, when that is not its own (an Instagram user token from Facebook Login).</summary>
        private EmulatorToken ActingAs(EmulatorToken token, string? accountId) =>
            accountId is not null && accountId != "me" && accountId != token.AccountId && state.OAuth.ActsFor(Platform, token.Token, accountId) is { } account
                ? token with { AccountId = account.Id, Username = account.Name }
                : token;

        private IResult? Authorize(HttpContext http, IReadOnlyDictionary<string, string> parameters, string? userId, GraphOperation operation,
            out EmulatorToken token)
        {
            token = null!;
            var presented = state.Authenticate(Platform, GraphEmulation.TokenOf(http, parameters));
            if (presented is null)
                return GraphEmulation.InvalidToken();
            // A Facebook Login user token acts for the Instagram accounts behind its Pages (docs/emulator.md#identities).
            token = presented = ActingAs(presented, userId);
            if (userId is not null && userId != "me" && userId != presented.AccountId)
                return GraphEmulation.UnknownObject(userId, http.Request.Method == HttpMethods.Post ? "post" : "get");
            foreach (var group in module.ScopesFor(operation))
            {
                if (!presented.Scopes.Contains("*") && !group.Any(presented.Scopes.Contains))
                    return GraphEmulation.Error(403, 10, "(#10) Application does not have permission for this action",
                        userMessage: $"This call needs one of these permissions: {string.Join(", ", group)}.");
            }
            return null;
        }

        private IResult? CheckChildren(IReadOnlyList<string> childIds, string userId)
        {
            if (childIds.Count < Shape.MinCarouselItems || childIds.Count > Shape.MaxCarouselItems)
                return GraphEmulation.Error(400, 100, $"(#100) Param children must have between {Shape.MinCarouselItems} and {Shape.MaxCarouselItems} items.");
            foreach (var childId in childIds)
            {
                if (!_containers.TryGetValue(childId, out var child) || child.UserId != userId || !child.Request.IsCarouselItem)
                    return GraphEmulation.Error(400, 100, "(#100) Param children contains an id that is not a carousel item container of this user.");
                var status = StatusOf(child, observe: false);
                if (status == GraphContainerStatus.InProgress)
                    return NotReady();
                if (status != GraphContainerStatus.Finished)
                    return GraphEmulation.Error(400, 100, $"(#100) Carousel item {childId} cannot be used: it is {status}.");
            }
            return null;
        }

        private string StatusOf(Container container, bool observe)
        {
            if (container.PostId is not null)
                return GraphContainerStatus.Published;
            if (Now >= container.CreatedAt + ContainerLifetime)
                return GraphContainerStatus.Expired;
            if (!container.Processed)
            {
                // The first look finds it processing; by the next one processing has ended.
                if (observe)
                    container.Processed = true;
                return GraphContainerStatus.InProgress;
            }
            return container.FailsProcessing ? GraphContainerStatus.Error : GraphContainerStatus.Finished;
        }

        /// <summary>The thread a post belongs to: the post itself, or the root its chain of replies starts from.</summary>
        private GraphEmulatorPost RootOf(string id)
        {
            var post = _posts[id];
            while (post.RepliedTo is { } parent && _posts.TryGetValue(parent, out var up))
                post = up;
            return post;
        }

        /// <summary>A reply whose parent is unknown or deleted: Graph's unknown-object answer naming the parent (shape unverified, docs/platforms.md#replies-threads).</summary>
        private static IResult ReplyParentGone(string parentId) => GraphEmulation.UnknownObject(parentId, "post");

        private IResult NotReady() =>
            GraphEmulation.Error(400, 9007, "Media ID is not available", Shape.NotReadySubcode,
                userMessage: "The media is not ready for publishing, please wait for a moment.");

        private List<DateTimeOffset> PublishesInWindow(Dictionary<string, List<DateTimeOffset>> log, string userId)
        {
            if (!log.TryGetValue(userId, out var times))
                log[userId] = times = [];
            times.RemoveAll(t => t <= Now - LimitWindow);
            return times;
        }

        private Dictionary<string, object?> PostFields(GraphEmulatorPost post) => new()
        {
            ["id"] = post.Id,
            [Shape.TextField] = post.Text,
            ["timestamp"] = GraphEmulation.Timestamp(post.Timestamp),
            ["permalink"] = module.Permalink(post),
            ["shortcode"] = post.Shortcode,
            ["media_type"] = post.MediaType,
            ["media_product_type"] = post.ProductType,
            ["username"] = post.Username,
            ["is_reply"] = Shape.Replies is null ? null : post.RepliedTo is not null,
            ["replied_to"] = post.RepliedTo is { } parent ? new { id = parent } : null,
        };

        private static Dictionary<string, object?> Select(Dictionary<string, object?> values, IReadOnlySet<string> fields) =>
            values.Where(v => v.Key == "id" || fields.Contains(v.Key)).Where(v => v.Value is not null).ToDictionary();

        private string NextId() => (++_nextId).ToString(CultureInfo.InvariantCulture);

        private static string Shortcode(string id)
        {
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            var value = ulong.Parse(id, CultureInfo.InvariantCulture);
            var chars = new char[11];
            for (var i = chars.Length - 1; i >= 0; i--)
            {
                chars[i] = alphabet[(int)(value % 64)];
                value /= 64;
            }
            return new string(chars);
        }
    }
}

/// <summary>Graph's wire conventions: parameters in the query or a form body, the token, the error envelope, timestamps.</summary>
public static class GraphEmulation
{
    private static long _trace;

    public static async Task<IReadOnlyDictionary<string, string>> ReadParametersAsync(HttpRequest request)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Query)
            values[name] = value.ToString();
        if (request.HasFormContentType)
        {
            foreach (var (name, value) in await request.ReadFormAsync())
                values[name] = value.ToString();
        }
        return values;
    }

    public static string? TokenOf(HttpContext http, IReadOnlyDictionary<string, string> parameters)
    {
        var header = http.Request.Headers.Authorization.ToString();
        foreach (var scheme in new[] { "Bearer ", "OAuth " })
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
                return header[scheme.Length..].Trim();
        }
        return parameters.GetValueOrDefault("access_token");
    }

    public static IReadOnlySet<string> Fields(IReadOnlyDictionary<string, string> parameters, params string[] defaults) =>
        parameters.TryGetValue("fields", out var list) && !string.IsNullOrWhiteSpace(list)
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : defaults.ToHashSet(StringComparer.Ordinal);

    /// <summary>Graph's timestamp format: <c>2024-05-01T10:00:00+0000</c>.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";

    public static IResult Ok(object body) => new GraphResult(200, JsonSerializer.Serialize(body), null);

    public static IResult Error(int status, int code, string message, int? subcode = null, string? userTitle = null, string? userMessage = null,
        bool isTransient = false, IReadOnlyDictionary<string, string>? headers = null) =>
        new GraphResult(status, ErrorBody(code, message, subcode, userTitle, userMessage, isTransient), headers);

    /// <summary>The envelope (docs/platforms.md#instagram-errors): <c>{"error": {"message", "type", "code", "error_subcode", "is_transient", "error_user_title", "error_user_msg", "fbtrace_id"}}</c>.</summary>
    public static string ErrorBody(int code, string message, int? subcode = null, string? userTitle = null, string? userMessage = null, bool isTransient = false)
    {
        var error = new Dictionary<string, object> { ["message"] = message, ["type"] = "OAuthException", ["code"] = code };
        if (subcode is { } s)
            error["error_subcode"] = s;
        error["is_transient"] = isTransient;
        if (userTitle is not null)
            error["error_user_title"] = userTitle;
        if (userMessage is not null)
            error["error_user_msg"] = userMessage;
        error["fbtrace_id"] = "A" + Interlocked.Increment(ref _trace).ToString("x10", CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new { error });
    }

    /// <summary>An unknown, expired or revoked token: code 190 with the OAuth challenge header.</summary>
    public static IResult InvalidToken() =>
        Error(400, 190, "Error validating access token: The session is invalid because the user logged out or the token expired or was revoked.",
            headers: new Dictionary<string, string> { ["WWW-Authenticate"] = "OAuth \"Facebook Platform\" \"invalid_token\" \"Error validating access token\"" });

    /// <summary>Graph's answer for an object that does not exist or is not the caller's (code 100, subcode 33).</summary>
    public static IResult UnknownObject(string id, string verb) =>
        Error(400, 100, $"Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", 33);

    /// <summary>
    /// A throttled answer for a test's fault plan: Graph's throttle codes (4 app, 17 user, 32 page, 613 custom, 80002
    /// Instagram BUC) with the <c>X-Business-Use-Case-Usage</c> header naming the minutes until access returns.
    /// </summary>
    public static Fault.Respond Throttled(int code, string accountId, int? regainMinutes, string? pathContains = null, string useCase = "instagram")
    {
        var message = code switch
        {
            4 => "(#4) Application request limit reached",
            17 => "(#17) User request limit reached",
            32 => "(#32) Page request limit reached",
            613 => "(#613) Calls to this api have exceeded the rate limit.",
            _ => $"(#{code}) There have been too many calls. Wait a bit and try again.",
        };
        var headers = new Dictionary<string, string>();
        if (regainMinutes is { } minutes)
        {
            headers["X-Business-Use-Case-Usage"] = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                [accountId] = new[] { new { type = useCase, call_count = 100, total_cputime = 30, total_time = 40, estimated_time_to_regain_access = minutes } },
            });
        }
        return new Fault.Respond(400, ErrorBody(code, message, isTransient: true), headers) { PathContains = pathContains };
    }

    private sealed class GraphResult(int status, string json, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=UTF-8";
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                httpContext.Response.Headers[name] = value;
            await httpContext.Response.WriteAsync(json);
        }
    }
}
