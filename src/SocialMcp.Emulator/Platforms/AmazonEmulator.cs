using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// Amazon Posts (<c>/bp/v2</c>, docs/platforms.md#amazon) with the Creative Asset Library calls it needs: post profiles, asset
/// upload location → PUT bytes → register → get, posts created as DRAFT, submitForReview and unpublish keyed by
/// <c>version</c> (a stale version is 409). A submitted post is REVIEW and becomes LIVE (or REJECTED) on the first GET
/// once <see cref="AmazonWorld.ReviewDuration"/> has passed on the emulator's clock. Every call needs the token, the
/// <c>Amazon-Advertising-API-ClientId</c> and <c>Amazon-Advertising-API-Scope</c> headers and the vendor media types.
/// The service is discontinued in reality (docs/platforms.md#amazon); <see cref="AmazonWorld.Discontinued"/> emulates the shut-off,
/// off by default (or set by the environment variable <c>SOCIALMCP_EMULATOR_AMAZON_DISCONTINUED=true</c>).
/// </summary>
public sealed partial class AmazonEmulator : IEmulatorModule
{
    public const string PostMediaType = "application/vnd.bpPost.v2+json";
    public const string ProfileMediaType = "application/vnd.bpProfile.v2+json";
    public const string UploadResponseMediaType = "application/vnd.creativeassetsuploadresponse.v3+json";
    public const string RegisterResponseMediaType = "application/vnd.creativeassetsregisterresponse.v3+json";
    public const string GetAssetResponseMediaType = "application/vnd.creativeassetsgetresponse.v3+json";

    /// <summary>Where tests' media live: <c>{base}/test-media/{name}</c> answers a small image (404 for names starting "missing").</summary>
    public const string TestMediaPath = "test-media/";

    /// <summary>The LWA scope an Ads API token needs (tokens with "*" have every scope).</summary>
    public const string AdvertisingScope = "advertising::campaign_management";

    private static readonly ConditionalWeakTable<EmulatorState, AmazonWorld> Worlds = [];

    public Platform Platform => Platform.Amazon;

    public static AmazonWorld WorldOf(EmulatorState state) => Worlds.GetValue(state, s => new AmazonWorld(s.Time));

    public void Map(RouteGroupBuilder routes, EmulatorState state)
    {
        var world = WorldOf(state);
        routes.MapGet("bp/v2/profiles", Handler(http => Handle(http, state, world, "profiles", null, ListProfiles)));
        routes.MapGet("bp/v2/profiles/{profileId}", (HttpContext http, string profileId) =>
            Handle(http, state, world, "profile", null, call => GetProfile(call, profileId)));
        routes.MapPost("assets/upload", Handler(http => Handle(http, state, world, "assets_upload", "application/json", UploadLocation)));
        routes.MapPut("asset-uploads/{key}", (HttpContext http, string key) => PutAssetBytes(http, state, world, key));
        routes.MapPost("assets/register", Handler(http => Handle(http, state, world, "assets_register", "application/json", RegisterAsset)));
        routes.MapGet("assets", Handler(http => Handle(http, state, world, "assets_get", null, GetAsset)));
        routes.MapPost("bp/v2/posts", Handler(http => Handle(http, state, world, "create_post", PostMediaType, CreatePost)));
        routes.MapGet("bp/v2/posts/{postId}", (HttpContext http, string postId) =>
            Handle(http, state, world, "get_post", null, call => GetPost(call, postId)));
        routes.MapPut("bp/v2/posts/{postId}/submitForReview", (HttpContext http, string postId) =>
            Handle(http, state, world, "submit_for_review", PostMediaType, call => Transition(call, postId, "REVIEW")));
        routes.MapPut("bp/v2/posts/{postId}/unpublish", (HttpContext http, string postId) =>
            Handle(http, state, world, "unpublish", PostMediaType, call => Transition(call, postId, "WITHDRAWN")));
        routes.MapGet(TestMediaPath + "{name}", (string name) => TestMedia(name));

        // The demo user of Login with Amazon acts for its brand profiles, listed by the Ads API's GET v2/profiles (docs/emulator.md#identities).
        var demo = state.OAuth.DemoUser(Platform.Amazon);
        world.AdvertiserProfiles[demo.AccountId] = demo.SubAccounts.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        routes.MapGet("v2/profiles", IResult (HttpContext http) => AdvertiserProfileList(http, state, world));
    }

    /// <summary>
    /// <c>GET v2/profiles</c>: the advertiser profiles the token may act for (each one's id goes in the Scope header),
    /// in the Ads API's shape: profileId, countryCode, currencyCode, timezone, accountInfo.
    /// </summary>
    private static IResult AdvertiserProfileList(HttpContext http, EmulatorState state, AmazonWorld world)
    {
        state.CountCall(Platform.Amazon, "advertiser_profiles");
        var authorization = http.Request.Headers.Authorization.ToString();
        if (state.Authenticate(Platform.Amazon, authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null) is not { } token)
            return AmazonWorld.Error(401, "UNAUTHORIZED", "The access token is missing, invalid or expired.");
        if (http.Request.Headers["Amazon-Advertising-API-ClientId"].ToString().Length == 0)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "The Amazon-Advertising-API-ClientId header is required.");
        var demo = state.OAuth.DemoUser(Platform.Amazon);
        var profiles = token.AccountId == demo.AccountId
            ? demo.SubAccounts
            : world.AdvertiserProfiles.TryGetValue(token.AccountId, out var ids)
                ? ids.Select(id => new OAuth.OAuthSubAccount(id, token.Username)).ToList()
                : [new OAuth.OAuthSubAccount(token.AccountId, token.Username)];
        var list = new JsonArray(profiles.Select(p => (JsonNode)new JsonObject
        {
            // Profile ids are numbers in the Ads API.
            ["profileId"] = long.TryParse(p.Id, System.Globalization.CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(p.Id),
            ["countryCode"] = "US",
            ["currencyCode"] = "USD",
            ["timezone"] = "America/Los_Angeles",
            ["accountInfo"] = new JsonObject
            {
                ["marketplaceStringId"] = "ATVPDKIKX0DER",
                ["id"] = "ENTITY" + p.Id,
                ["type"] = "vendor",
                ["name"] = p.Name,
                ["validPaymentMethod"] = true,
            },
        }).ToArray());
        return Results.Text(list.ToJsonString(), "application/json", System.Text.Encoding.UTF8);
    }

    private delegate IResult Endpoint(Call call);

    /// <summary>Typed as a route handler (not a RequestDelegate) so the returned IResult is written and the fault filter applies.</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handle) => handle;

    /// <summary>An authenticated request: its token, the advertiser profile it acts for (the Scope header) and its JSON body.</summary>
    private sealed record Call(HttpContext Http, EmulatorState State, AmazonWorld World, EmulatorToken Token, string Scope, JsonObject Body);

    private static async Task<IResult> Handle(HttpContext http, EmulatorState state, AmazonWorld world, string name, string? requiredContentType, Endpoint endpoint)
    {
        state.CountCall(Platform.Amazon, name);
        var headers = http.Request.Headers;
        var authorization = headers.Authorization.ToString();
        var token = state.Authenticate(Platform.Amazon, authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null);
        if (token is null)
            return AmazonWorld.Error(401, "UNAUTHORIZED", "The access token is missing, invalid or expired.");
        var clientId = headers["Amazon-Advertising-API-ClientId"].ToString();
        if (clientId.Length == 0)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "The Amazon-Advertising-API-ClientId header is required.");
        var scope = headers["Amazon-Advertising-API-Scope"].ToString();
        if (scope.Length == 0)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "The Amazon-Advertising-API-Scope header is required.");
        if (!world.MayAccess(token, scope))
            return AmazonWorld.Error(403, "FORBIDDEN", $"Not authorized to access scope {scope}.");
        if (world.Throttle(clientId) is { } retryAfter)
            return AmazonWorld.Error(429, "THROTTLED", "Request was throttled.", retryAfter);

        var body = new JsonObject();
        if (requiredContentType is not null)
        {
            var contentType = http.Request.ContentType ?? "";
            if (!contentType.StartsWith(requiredContentType, StringComparison.OrdinalIgnoreCase))
                return AmazonWorld.Error(415, "UNSUPPORTED_MEDIA_TYPE", $"Content-Type must be {requiredContentType}.");
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject ?? [];
            }
            catch (JsonException)
            {
                return AmazonWorld.Error(400, "INVALID_ARGUMENT", "The request body is not valid JSON.");
            }
        }
        return endpoint(new Call(http, state, world, token, scope, body));
    }

    private static IResult ListProfiles(Call call)
    {
        if (NotAccepted(call.Http, ProfileMediaType) is { } refused)
            return refused;
        var profiles = new JsonArray(call.World.PostProfiles(call.Scope, call.Token.Username).Select(p => (JsonNode)p.ToJson()).ToArray());
        return AmazonWorld.Json(200, new JsonObject { ["profiles"] = profiles }, ProfileMediaType);
    }

    private static IResult GetProfile(Call call, string profileId)
    {
        if (NotAccepted(call.Http, ProfileMediaType) is { } refused)
            return refused;
        return call.World.PostProfiles(call.Scope, call.Token.Username).FirstOrDefault(p => p.PostProfileId == profileId) is { } profile
            ? AmazonWorld.Json(200, new JsonObject { ["profile"] = profile.ToJson() }, ProfileMediaType)
            : AmazonWorld.Error(404, "NOT_FOUND", $"Profile {profileId} was not found.");
    }

    private static IResult UploadLocation(Call call)
    {
        if (Text(call.Body, "fileName") is not { } fileName || !FileNamePattern().IsMatch(fileName))
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "fileName must name a .jpg, .png, .mp4, .mov, .wmv or .avi file.");
        var request = call.Http.Request;
        var key = call.World.NewUpload(call.Scope, fileName);
        var url = $"{request.Scheme}://{request.Host}/amazon/asset-uploads/{key}?X-Amz-Expires={(int)call.World.UploadUrlLifetime.TotalSeconds}";
        return AmazonWorld.Json(200, new JsonObject { ["url"] = url }, UploadResponseMediaType);
    }

    private static async Task<IResult> PutAssetBytes(HttpContext http, EmulatorState state, AmazonWorld world, string key)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        // docs/emulator.md#media: the bytes must be the image or video the Content-Type names; the upload store refuses
        // anything else the way S3 refuses a bad request.
        if (!EmulatedMedia.Fits(buffer.ToArray(), http.Request.ContentType ?? "image"))
            return Results.Text("<Error><Code>InvalidArgument</Code><Message>The body is not a supported image or video.</Message></Error>", "application/xml", statusCode: 400);
        EmulatedMedia.Record(state, Platform.Amazon, "upload", buffer.ToArray());
        return world.StoreUpload(key, http.Request.ContentType, buffer.ToArray())
            ? Results.Ok()
            : Results.Text("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", "application/xml", statusCode: 403);
    }

    private static IResult RegisterAsset(Call call)
    {
        var body = call.Body;
        if (Text(body, "url") is not { } url || Text(body, "name") is not { Length: > 0 } name)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "url and name are required.");
        if (Text(body, "assetType") is not { } assetType || assetType is not ("IMAGE" or "VIDEO"))
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "assetType must be IMAGE or VIDEO.");
        return call.World.Register(call.Scope, url, name, assetType) switch
        {
            { Asset: { } asset } => AmazonWorld.Json(200, new JsonObject { ["assetId"] = asset.AssetId, ["versionId"] = asset.Version }, RegisterResponseMediaType),
            { Problem: var problem } => AmazonWorld.Error(400, "INVALID_ARGUMENT", problem!),
        };
    }

    private static IResult GetAsset(Call call)
    {
        var assetId = call.Http.Request.Query["assetId"].ToString();
        if (call.World.Asset(assetId) is not { } asset)
            return AmazonWorld.Error(404, "NOT_FOUND", $"Asset {assetId} was not found.");
        var version = new JsonObject
        {
            ["version"] = asset.Version,
            ["name"] = asset.Name,
            ["storageLocationUrls"] = new JsonObject { ["defaultUrl"] = asset.DefaultUrl, ["processedUrls"] = new JsonObject() },
            ["fileMetadata"] = new JsonObject { ["contentType"] = asset.ContentType, ["size"] = asset.Size },
        };
        return AmazonWorld.Json(200, new JsonObject
        {
            ["assetGlobal"] = new JsonObject { ["assetId"] = asset.AssetId, ["assetType"] = asset.AssetType, ["name"] = asset.Name, ["status"] = "ACTIVE" },
            ["assetVersionList"] = new JsonArray(version),
        }, GetAssetResponseMediaType);
    }

    private static IResult CreatePost(Call call)
    {
        var world = call.World;
        if (world.Discontinued)
            return AmazonWorld.Error(410, "GONE", "Amazon Posts has been discontinued; new posts cannot be created.");
        var body = call.Body;
        var profiles = world.PostProfiles(call.Scope, call.Token.Username);
        if (Text(body, "profileId") is not { } profileId || profiles.FirstOrDefault(p => p.PostProfileId == profileId) is not { } profile)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "profileId must be one of this advertiser's post profiles.");
        if (!profile.IsAuthorized)
            return AmazonWorld.Error(403, "FORBIDDEN", $"The advertiser is not authorized to post for profile {profileId}.");
        if (Text(body, "caption") is not { Length: > 0 } caption)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "caption is required.");
        if (caption.Length > world.MaxCaptionLength)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", $"caption exceeds {world.MaxCaptionLength} characters.");
        if (body["medias"] is not JsonArray { Count: 1 } medias || medias[0] is not JsonObject media
            || Text(media, "mediaId") is not { } mediaId || world.Asset(mediaId) is not { } asset || Text(media, "mediaUrl") != asset.DefaultUrl)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "medias needs exactly one registered image: its mediaId and mediaUrl.");
        var products = new List<string>();
        if (body["products"] is JsonArray list)
        {
            foreach (var item in list)
            {
                if (item is not JsonValue value || value.GetValueKind() != JsonValueKind.String || !AsinPattern().IsMatch(value.GetValue<string>()))
                    return AmazonWorld.Error(400, "INVALID_ARGUMENT", "products must be ASINs (10 capital letters or digits).");
                products.Add(value.GetValue<string>());
            }
        }
        if (products.Count > world.MaxProducts)
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", $"A post tags at most {world.MaxProducts} products.");
        var post = world.CreatePost(call.Scope, profileId, caption, mediaId, asset.DefaultUrl, products);
        return PostResult(post);
    }

    private static IResult GetPost(Call call, string postId) =>
        call.World.FindPost(call.Scope, postId) is { } post
            ? PostResult(post)
            : AmazonWorld.Error(404, "NOT_FOUND", $"Post {postId} was not found.");

    private static IResult Transition(Call call, string postId, string target)
    {
        if (call.Body["version"] is not JsonValue v || !v.TryGetValue<int>(out var version))
            return AmazonWorld.Error(400, "INVALID_ARGUMENT", "version is required.");
        var (post, problem) = call.World.Transition(call.State, call.Scope, postId, version, target);
        if (post is null)
            return AmazonWorld.Error(404, "NOT_FOUND", $"Post {postId} was not found.");
        return problem is null ? PostResult(post) : AmazonWorld.Error(409, "CONFLICT", problem);
    }

    private static IResult PostResult(AmazonPost post) => AmazonWorld.Json(200, new JsonObject { ["post"] = post.ToJson() }, PostMediaType);

    private static IResult TestMedia(string name)
    {
        if (name.StartsWith("missing", StringComparison.Ordinal))
            return Results.NotFound();
        // A JPEG's start-of-image and end markers around a few bytes: enough for an upload to carry.
        byte[] bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9];
        var contentType = name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg";
        return Results.Bytes(bytes, contentType);
    }

    private static IResult? NotAccepted(HttpContext http, string mediaType)
    {
        var accept = http.Request.Headers.Accept.ToString();
        return accept.Length == 0 || accept.Contains(mediaType, StringComparison.OrdinalIgnoreCase) || accept.Contains("*/*", StringComparison.Ordinal)
            ? null
            : AmazonWorld.Error(406, "NOT_ACCEPTABLE", $"Accept must include {mediaType}.");
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    [GeneratedRegex(@"^[\w-]+\.(jpg|jpeg|png|mp4|mov|wmv|avi)$", RegexOptions.IgnoreCase)]
    private static partial Regex FileNamePattern();

    [GeneratedRegex("^[A-Z0-9]{10}$")]
    private static partial Regex AsinPattern();
}

/// <summary>A brand's post profile (the <c>profileId</c> of a post).</summary>
public sealed class AmazonPostProfile(string postProfileId, string name)
{
    public string PostProfileId { get; } = postProfileId;
    public string Name { get; set; } = name;
    public string Status { get; set; } = "ACTIVE";
    public bool IsAuthorized { get; set; } = true;

    internal JsonObject ToJson() => new()
    {
        ["postProfileId"] = PostProfileId,
        ["name"] = Name,
        ["logoUrl"] = $"https://m.media-amazon.com/images/S/brand-logos/{PostProfileId}.png",
        ["status"] = Status,
        ["browseNodeId"] = "2619525011",
        ["isAuthorized"] = IsAuthorized,
    };
}

public sealed record AmazonAsset(string AssetId, string Version, string Name, string AssetType, string ContentType, long Size, string DefaultUrl);

/// <summary>A post and its state machine: DRAFT → REVIEW → LIVE (or REJECTED) → WITHDRAWN, the version rising with every change.</summary>
public sealed class AmazonPost(string id, string scope, string profileId, string caption, string mediaId, string mediaUrl, IReadOnlyList<string> products, DateTimeOffset createdDate)
{
    public string Id { get; } = id;
    public string Scope { get; } = scope;
    public string ProfileId { get; } = profileId;
    public string Caption { get; } = caption;
    public string MediaId { get; } = mediaId;
    public string MediaUrl { get; } = mediaUrl;
    public IReadOnlyList<string> Products { get; } = products;
    public DateTimeOffset CreatedDate { get; } = createdDate;
    public int Version { get; internal set; } = 1;
    public string Status { get; internal set; } = "DRAFT";
    public DateTimeOffset LastModified { get; internal set; } = createdDate;
    public DateTimeOffset? SubmittedAt { get; internal set; }

    internal JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["profileId"] = ProfileId,
        ["caption"] = Caption,
        ["medias"] = new JsonArray(new JsonObject { ["mediaId"] = MediaId, ["mediaUrl"] = MediaUrl }),
        ["products"] = new JsonArray(Products.Select(p => (JsonNode)p).ToArray()),
        ["version"] = Version,
        ["status"] = Status,
        ["isFlaggedForQuality"] = false,
        ["createdDate"] = CreatedDate.ToString("O", CultureInfo.InvariantCulture),
        ["lastModified"] = LastModified.ToString("O", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The Amazon side of one emulator: settable rules (tests change them) and the posts, assets and uploads made. What
/// Amazon does not document (review time, throttling numbers, caption length, rejection status name) is a setting here.
/// </summary>
public sealed class AmazonWorld(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<AmazonPostProfile>> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Scope, DateTimeOffset ExpiresAt, string? ContentType, byte[]? Bytes)> _uploads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AmazonAsset> _assets = new(StringComparer.Ordinal);
    private readonly List<AmazonPost> _posts = [];
    private readonly Dictionary<string, Queue<DateTimeOffset>> _requests = new(StringComparer.Ordinal);

    /// <summary>The shut-off of 2025-07-31 (docs/platforms.md#amazon): creating a post answers 410.</summary>
    public bool Discontinued { get; set; } =
        string.Equals(Environment.GetEnvironmentVariable("SOCIALMCP_EMULATOR_AMAZON_DISCONTINUED"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>How long moderation takes before a GET shows LIVE (unverified; minutes to hours in practice).</summary>
    public TimeSpan ReviewDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Captions containing one of these end in <see cref="RejectedStatus"/> after review.</summary>
    public List<string> RejectedPhrases { get; } = [];

    /// <summary>The status name of a post moderation refused (unverified).</summary>
    public string RejectedStatus { get; set; } = "REJECTED";

    /// <summary>Requests per client id per minute before 429 + Retry-After; null: no throttling (Amazon publishes no numbers).</summary>
    public int? RequestsPerMinute { get; set; }

    public int MaxProducts { get; set; } = 5;

    public int MaxCaptionLength { get; set; } = 2200;

    /// <summary>Asset upload locations expire after 15 minutes.</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Advertiser profile ids (Scope header values) each account may act for; an account not listed acts for its own id.</summary>
    public Dictionary<string, HashSet<string>> AdvertiserProfiles { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<AmazonPost> Posts
    {
        get { lock (_gate) return _posts.ToList(); }
    }

    /// <summary>The post profiles of an advertiser (created with one authorized brand profile on first use).</summary>
    public List<AmazonPostProfile> PostProfiles(string scope, string? brandName = null)
    {
        lock (_gate)
        {
            if (!_profiles.TryGetValue(scope, out var profiles))
            {
                var id = "ENTITY" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(scope)))[..12];
                _profiles[scope] = profiles = [new AmazonPostProfile(id, brandName ?? scope)];
            }
            return profiles;
        }
    }

    internal bool MayAccess(EmulatorToken token, string scope)
    {
        if (!token.Scopes.Contains("*") && !token.Scopes.Contains(AmazonEmulator.AdvertisingScope))
            return false;
        lock (_gate)
            return AdvertiserProfiles.TryGetValue(token.AccountId, out var allowed) ? allowed.Contains(scope) : scope == token.AccountId;
    }

    /// <summary>Null when the request may go ahead, else the seconds until the client id's window frees up.</summary>
    internal int? Throttle(string clientId)
    {
        if (RequestsPerMinute is not { } limit)
            return null;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_requests.TryGetValue(clientId, out var window))
                _requests[clientId] = window = new Queue<DateTimeOffset>();
            while (window.Count > 0 && now - window.Peek() >= TimeSpan.FromMinutes(1))
                window.Dequeue();
            if (window.Count < limit)
            {
                window.Enqueue(now);
                return null;
            }
            return Math.Max(1, (int)Math.Ceiling((window.Peek() + TimeSpan.FromMinutes(1) - now).TotalSeconds));
        }
    }

    internal string NewUpload(string scope, string fileName)
    {
        var key = Guid.NewGuid().ToString("N") + Path.GetExtension(fileName);
        lock (_gate)
            _uploads[key] = (scope, time.GetUtcNow() + UploadUrlLifetime, null, null);
        return key;
    }

    internal bool StoreUpload(string key, string? contentType, byte[] bytes)
    {
        lock (_gate)
        {
            if (!_uploads.TryGetValue(key, out var upload) || time.GetUtcNow() >= upload.ExpiresAt)
                return false;
            _uploads[key] = upload with { ContentType = contentType, Bytes = bytes };
            return true;
        }
    }

    internal (AmazonAsset? Asset, string? Problem) Register(string scope, string url, string name, string assetType)
    {
        var key = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Segments[^1] : "";
        lock (_gate)
        {
            if (!_uploads.TryGetValue(key, out var upload) || upload.Scope != scope)
                return (null, "url is not an upload location of this advertiser.");
            if (upload.Bytes is not { Length: > 0 } bytes)
                return (null, "Nothing was uploaded to url.");
            var kind = assetType == "IMAGE" ? "image/" : "video/";
            if (upload.ContentType is null || !upload.ContentType.StartsWith(kind, StringComparison.OrdinalIgnoreCase))
                return (null, $"The uploaded file is not an {assetType.ToLowerInvariant()}.");
            var id = "amzn1.assetlibrary.asset1." + Guid.NewGuid().ToString("N");
            var asset = new AmazonAsset(id, "version_v1", name, assetType, upload.ContentType, bytes.Length,
                $"https://m.media-amazon.com/images/S/al-na-emulator/{id}{Path.GetExtension(key)}");
            _assets[id] = asset;
            return (asset, null);
        }
    }

    internal AmazonAsset? Asset(string assetId)
    {
        lock (_gate)
            return _assets.GetValueOrDefault(assetId);
    }

    internal AmazonPost CreatePost(string scope, string profileId, string caption, string mediaId, string mediaUrl, IReadOnlyList<string> products)
    {
        var post = new AmazonPost(Guid.NewGuid().ToString(), scope, profileId, caption, mediaId, mediaUrl, products, time.GetUtcNow());
        lock (_gate)
            _posts.Add(post);
        return post;
    }

    internal AmazonPost? FindPost(string scope, string postId)
    {
        lock (_gate)
        {
            var post = _posts.FirstOrDefault(p => p.Id == postId && p.Scope == scope);
            if (post is not null)
                FinishReview(post);
            return post;
        }
    }

    /// <summary>submitForReview (DRAFT → REVIEW) or unpublish (REVIEW/LIVE → WITHDRAWN) at the given version.</summary>
    internal (AmazonPost? Post, string? Problem) Transition(EmulatorState state, string scope, string postId, int version, string target)
    {
        lock (_gate)
        {
            var post = _posts.FirstOrDefault(p => p.Id == postId && p.Scope == scope);
            if (post is null)
                return (null, null);
            FinishReview(post);
            if (version != post.Version)
                return (post, $"Version {version} is stale; the post is at version {post.Version}.");
            var allowed = target == "REVIEW" ? post.Status == "DRAFT" : post.Status is "REVIEW" or "LIVE";
            if (!allowed)
                return (post, $"A {post.Status} post cannot move to {target}.");
            Move(post, target);
            if (target == "REVIEW")
            {
                post.SubmittedAt = time.GetUtcNow();
                // Submitted is the point of no return: the post goes live without another call from the client.
                state.CountLivePost(Platform.Amazon, post.Id);
            }
            return (post, null);
        }
    }

    // Called under the lock: moderation is decided on the first look after ReviewDuration.
    private void FinishReview(AmazonPost post)
    {
        if (post.Status == "REVIEW" && post.SubmittedAt is { } submitted && time.GetUtcNow() >= submitted + ReviewDuration)
            Move(post, RejectedPhrases.Any(p => post.Caption.Contains(p, StringComparison.OrdinalIgnoreCase)) ? RejectedStatus : "LIVE");
    }

    private void Move(AmazonPost post, string status)
    {
        post.Status = status;
        post.Version++;
        post.LastModified = time.GetUtcNow();
    }

    internal static IResult Json(int status, JsonObject body, string contentType, int? retryAfterSeconds = null) =>
        new JsonResult(status, body.ToJsonString(), contentType, retryAfterSeconds);

    /// <summary>The Ads API error body <c>{"code": …, "details": …}</c> (docs/platforms.md#amazon-errors).</summary>
    internal static IResult Error(int status, string code, string details, int? retryAfterSeconds = null) =>
        Json(status, new JsonObject { ["code"] = code, ["details"] = details }, "application/json", retryAfterSeconds);

    private sealed class JsonResult(int status, string body, string contentType, int? retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            if (retryAfterSeconds is { } seconds)
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return response.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
