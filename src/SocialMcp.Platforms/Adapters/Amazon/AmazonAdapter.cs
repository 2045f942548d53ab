using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
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

namespace SocialMcp.Platforms.Adapters.Amazon;

/// <summary>
/// Amazon Posts, <c>/bp/v2</c> of the Amazon Ads API (docs/platforms.md#amazon; the service itself was shut down on 2025-07-31,
/// so this speaks the documented contract for emulators and history). Flow: the advertiser's post profile → the image
/// into the Creative Asset Library (upload location, PUT, register, read its URL) → the post as DRAFT →
/// submitForReview with its version. Amazon moderates every post, so a publish ends <c>in_review</c>; a later
/// publish of the same target reads the post and reports LIVE once moderation passed. Withdraw is
/// <c>unpublish</c> with the current version, read first. A post of an earlier attempt whose state cannot be read
/// leaves the target to a person; a create whose answer was lost leaves at most an invisible DRAFT, so it is repeated.
/// <para>
/// Account metadata <c>{"amazon": {"profileId": "…", "postProfileId": "…"}}</c> chooses the advertiser profile (the
/// <c>Amazon-Advertising-API-Scope</c> header; default: the account's platform id) and the brand's post profile
/// (default: the first authorized one).
/// </para>
/// </summary>
public sealed class AmazonAdapter : PlatformAdapter
{
    /// <summary>The post created for this target: a retry reads it and finishes it instead of creating another.</summary>
    public const string PostIdHandle = "post_id";

    public const string AssetIdHandle = "asset_id";
    public const string MediaUrlHandle = "media_url";

    private const string Draft = "DRAFT";
    private const string Review = "REVIEW";
    private const string Live = "LIVE";
    private const string Withdrawn = "WITHDRAWN";

    private readonly IHttpClientFactory _clients;
    private readonly IMediaFetcher _media;

    public AmazonAdapter(IHttpClientFactory clients, IMediaFetcher media, ITokenVault tokens, IOptionsMonitor<PlatformOptions> options, TimeProvider time,
        ILogger<AmazonAdapter> logger)
        : base(Platform.Amazon, clients, tokens, options, time, logger)
    {
        _clients = clients;
        _media = media;
    }

    public override PublisherCapabilities CapabilitiesFor(Platform target) => new(CanWithdraw: true);

    private sealed record Context(AdapterCall Call, AmazonSettings Settings, string Scope);

    private sealed record AmazonPost(string Id, int Version, string Status);

    /// <summary>Configuration first; else the account's <c>amazon.clientId</c> metadata (how the sandbox supplies one).</summary>
    private static AmazonSettings SettingsFor(AdapterCall call)
    {
        var settings = AmazonSettings.From(call.Options);
        return settings.ClientId is null && MetadataString(call.Account, "clientId") is { } fromAccount ? settings with { ClientId = fromAccount } : settings;
    }

    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = SettingsFor(call);
        if (settings.ClientId is null)
            return NotConfigured().ToPublishOutcome();
        if (request.Media is not [{ IsImage: true } image])
            return Rejected("An Amazon post is exactly one image with a caption.");
        var products = StringArraySetting(request.Settings, "products");
        if (products.Count > settings.MaxProducts)
            return Rejected($"An Amazon post tags at most {settings.MaxProducts} products; this one has {products.Count}.");
        var context = new Context(call, settings, AdvertiserScope(call.Account));
        var handles = request.Handles;

        if (await HandleAsync(handles, PostIdHandle, cancellationToken) is { } postId)
        {
            // Only the post's state says whether it was submitted: if Amazon cannot give it, nothing is created again.
            var (existing, unknown) = await LookUpPostAsync(context, postId, cancellationToken);
            if (unknown is not null)
                return NeedsReconciliation($"Amazon has post {postId} from an earlier attempt, possibly submitted for review", unknown, Check(postId));
            if (existing is not null)
            {
                Logger.LogInformation("Amazon: post {PostId} already has {PlatformPostId} ({Status}); continuing it", request.PostId, existing.Id, existing.Status);
                if (await ContinueAsync(context, existing, cancellationToken) is { } continued)
                    return continued;
            }
        }

        var profileId = await ChoosePostProfileAsync(context, cancellationToken);
        var (mediaId, mediaUrl) = await EnsureAssetAsync(context, request, image, products, cancellationToken);

        // Not retry-safe: a repeated create leaves another DRAFT (invisible, but clutter), so the handler never repeats it.
        var create = Json(context, HttpMethod.Post, "bp/v2/posts", AmazonSettings.PostMediaType, AmazonSettings.PostMediaType, new JsonObject
        {
            ["profileId"] = profileId,
            ["caption"] = request.Text,
            ["medias"] = new JsonArray(new JsonObject { ["mediaId"] = mediaId, ["mediaUrl"] = mediaUrl }),
            ["products"] = new JsonArray(products.Select(p => (JsonNode)p).ToArray()),
        });
        var (_, created) = await SendAllowingAsync(call, create, [], cancellationToken);
        var post = ReadPost(created);
        await handles.SetAsync(PostIdHandle, post.Id, cancellationToken);
        return await SubmitAsync(context, post, cancellationToken);
    }

    protected override async Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = SettingsFor(call);
        if (settings.ClientId is null)
            return NotConfigured().ToWithdrawOutcome();
        var context = new Context(call, settings, AdvertiserScope(call.Account));
        for (var attempt = 0; attempt <= settings.MaxVersionConflictRetries; attempt++)
        {
            // The version moves with every change (moderation included), so it is read right before unpublishing.
            if (await GetPostAsync(context, request.PlatformPostId, cancellationToken) is not { } post)
                return WithdrawOutcome.Failed(ErrorCodes.PlatformError, $"Amazon has no post {request.PlatformPostId} for this advertiser.");
            if (post.Status is not (Review or Live))
                return WithdrawOutcome.Withdrawn; // WITHDRAWN already, or never visible (draft, rejected).

            var unpublish = Json(context, HttpMethod.Put, $"bp/v2/posts/{Uri.EscapeDataString(post.Id)}/unpublish",
                AmazonSettings.PostMediaType, AmazonSettings.PostMediaType, new JsonObject { ["version"] = post.Version });
            try
            {
                var (status, body) = await SendAllowingAsync(call, unpublish, [409, 412], cancellationToken);
                if (status is 409 or 412)
                    continue;
                return ReadPost(body).Status == Withdrawn
                    ? WithdrawOutcome.Withdrawn
                    : WithdrawOutcome.Failed(ErrorCodes.PlatformError, "Amazon did not withdraw the post.");
            }
            catch (Exception ex) when (PlatformErrorClassifier.IsNoAnswer(ex, cancellationToken))
            {
                // The unpublish may have happened: the next read tells.
                Logger.LogInformation("Amazon: unpublish of {PlatformPostId} went unanswered; reading it again", post.Id);
            }
        }
        return WithdrawOutcome.Failed(ErrorCodes.PlatformError, "The Amazon post kept changing while it was being withdrawn; try again.");
    }

    protected override PlatformFailure MapError(HttpResponseMessage response, JsonElement? body)
    {
        var status = (int)response.StatusCode;
        var code = JsonProbe.Text(body, "code") ?? status.ToString(CultureInfo.InvariantCulture);
        var details = JsonProbe.Text(body, "details") ?? JsonProbe.Text(body, "message");
        var path = response.RequestMessage?.RequestUri?.AbsolutePath ?? "";
        var aboutMedia = path.Contains("/assets", StringComparison.Ordinal) || path.Contains("asset-uploads", StringComparison.Ordinal);
        PlatformFailure Failure(string ours, string message, DateTimeOffset? retryAfter = null) => new(ours, message, retryAfter, code, details);

        return status switch
        {
            401 => Failure(ErrorCodes.AuthExpired, "Amazon did not accept the token (expired or revoked); reconnect the account."),
            403 => Failure(ErrorCodes.PermissionMissing, "The Amazon account may not act for this advertiser profile or brand; check its access in Amazon Ads."),
            400 or 422 when aboutMedia => Failure(ErrorCodes.MediaUploadFailed, "Amazon's Creative Asset Library refused the image."),
            400 or 422 => Failure(ErrorCodes.ContentRejected, "Amazon refused the post's content."),
            404 => Failure(ErrorCodes.PlatformError, "Amazon does not know that post or profile."),
            409 or 412 => Failure(ErrorCodes.PlatformError, "The Amazon post changed meanwhile; try again."),
            410 => Failure(ErrorCodes.PlatformError, "Amazon Posts has been discontinued; it no longer takes new posts."),
            _ => PlatformErrorClassifier.ByStatus("Amazon", status, code, details, ResetTime(response)),
        };
    }

    /// <summary>Where an existing post stands: submitted when still a draft; null when it was withdrawn and a new one is wanted.</summary>
    private async Task<PublishOutcome?> ContinueAsync(Context context, AmazonPost post, CancellationToken cancellationToken) => post.Status switch
    {
        Draft => await SubmitAsync(context, post, cancellationToken),
        Withdrawn => null,
        _ => OutcomeOf(context, post),
    };

    /// <summary>
    /// submitForReview at the post's version. The handler repeats the PUT after a lost answer; Amazon then answers 409
    /// because the first one moved the version — so a conflict, or an answer that never came, is settled by reading the
    /// post: already in review (or live) is success, still a draft is submitted again at its current version.
    /// </summary>
    private async Task<PublishOutcome> SubmitAsync(Context context, AmazonPost post, CancellationToken cancellationToken)
    {
        var current = post;
        for (var attempt = 0; attempt <= context.Settings.MaxVersionConflictRetries; attempt++)
        {
            if (current.Status != Draft)
                return OutcomeOf(context, current);
            var submit = Json(context, HttpMethod.Put, $"bp/v2/posts/{Uri.EscapeDataString(current.Id)}/submitForReview",
                AmazonSettings.PostMediaType, AmazonSettings.PostMediaType, new JsonObject { ["version"] = current.Version });
            try
            {
                var (status, body) = await SendAllowingAsync(context.Call, submit, [409, 412], cancellationToken);
                if (status is not (409 or 412))
                    return OutcomeOf(context, ReadPost(body));
                Logger.LogInformation("Amazon: submitForReview of {PlatformPostId} at version {Version} conflicted; reading it", current.Id, current.Version);
            }
            catch (Exception ex) when (PlatformErrorClassifier.IsNoAnswer(ex, cancellationToken))
            {
                Logger.LogWarning("Amazon: submitForReview of {PlatformPostId} went unanswered ({Error}); reading it", current.Id, ex.GetType().Name);
                var (read, unknown) = await LookUpPostAsync(context, current.Id, cancellationToken);
                if (unknown is not null)
                    throw Unresolved($"Amazon did not answer the submission of post {current.Id}, so it may be in review", unknown, Check(current.Id));
                if (read is null || read.Status == Draft)
                    throw;
                return OutcomeOf(context, read);
            }
            current = await GetPostAsync(context, current.Id, cancellationToken)
                      ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError, "The Amazon post disappeared while it was being submitted."));
        }
        return PublishOutcome.Failed(ErrorCodes.PlatformError, "The Amazon post kept changing while it was being submitted; publish again.");
    }

    private PublishOutcome OutcomeOf(Context context, AmazonPost post)
    {
        var url = context.Settings.PostUrlTemplate?.Replace("{id}", post.Id, StringComparison.Ordinal);
        return post.Status switch
        {
            Review => PublishOutcome.InReview(post.Id, url),
            Live => PublishOutcome.Published(post.Id, url),
            Draft => PublishOutcome.Failed(ErrorCodes.PlatformError, "The Amazon post is still a draft; publish again to submit it."),
            // REJECTED (name unverified) or any other end of moderation.
            _ => PublishOutcome.Failed(ErrorCodes.ContentRejected, $"Amazon's moderation did not accept the post (status {post.Status}).",
                platformErrorCode: post.Status),
        };
    }

    private async Task<AmazonPost?> GetPostAsync(Context context, string postId, CancellationToken cancellationToken)
    {
        var get = Json(context, HttpMethod.Get, $"bp/v2/posts/{Uri.EscapeDataString(postId)}", AmazonSettings.PostMediaType, null, null);
        var (status, body) = await SendAllowingAsync(context.Call, get, [404], cancellationToken);
        return status == 404 ? null : ReadPost(body);
    }

    /// <summary>The post (null: Amazon does not know it), or why it could not be read.</summary>
    private async Task<(AmazonPost? Post, LookupResult.Unknown? Unknown)> LookUpPostAsync(Context context, string postId, CancellationToken cancellationToken)
    {
        AmazonPost? post = null;
        var result = await LookUpAsync($"post {postId}", async () =>
        {
            post = await GetPostAsync(context, postId, cancellationToken);
            return LookupResult.Absent;
        }, cancellationToken);
        return (post, result as LookupResult.Unknown);
    }

    private static string Check(string postId) =>
        $"Check post {postId} in the Amazon Ads console (draft, in review or live), then resolve the target with resolve_target.";

    private async Task<string> ChoosePostProfileAsync(Context context, CancellationToken cancellationToken)
    {
        var list = Json(context, HttpMethod.Get, "bp/v2/profiles", AmazonSettings.ProfileMediaType, null, null);
        var (_, body) = await SendAllowingAsync(context.Call, list, [], cancellationToken);
        var wanted = MetadataString(context.Call.Account, "postProfileId");
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("profiles", out var profiles) && profiles.ValueKind == JsonValueKind.Array)
        {
            foreach (var profile in profiles.EnumerateArray())
            {
                var id = JsonProbe.Text(profile, "postProfileId");
                var authorized = JsonProbe.IsTrue(profile, "isAuthorized");
                if (id is not null && authorized && (wanted is null || wanted == id))
                    return id;
            }
        }
        throw new PlatformCallException(new PlatformFailure(ErrorCodes.PermissionMissing, wanted is null
            ? "No brand profile authorizes this Amazon advertiser to post."
            : $"Brand profile {wanted} does not authorize this Amazon advertiser to post."));
    }

    /// <summary>The image as a Creative Asset Library asset (docs/platforms.md#amazon-media-upload): reused from an earlier attempt when there is one.</summary>
    private async Task<(string MediaId, string MediaUrl)> EnsureAssetAsync(Context context, PublishRequest request, MediaItem image,
        IReadOnlyList<string> products, CancellationToken cancellationToken)
    {
        var handles = request.Handles;
        var assetId = await HandleAsync(handles, AssetIdHandle, cancellationToken);
        if (assetId is not null && await HandleAsync(handles, MediaUrlHandle, cancellationToken) is { } knownUrl)
            return (assetId, knownUrl);

        if (assetId is null)
        {
            byte[] bytes;
            string contentType;
            await using (var file = await MediaFetcher.FetchAsync(_media, request, 0, "The image", context.Call.Options.AttemptTimeout, cancellationToken))
            {
                bytes = await file.ReadAllAsync(cancellationToken);
                contentType = file.ContentType;
            }
            var fileName = FileNameFor(image, contentType);

            // An upload location creates nothing lasting, so asking again is harmless.
            var location = Json(context, HttpMethod.Post, "assets/upload", AmazonSettings.AssetUploadResponseMediaType, "application/json",
                new JsonObject { ["fileName"] = fileName }).MarkRetrySafe();
            var (_, locationBody) = await SendAllowingAsync(context.Call, location, [], cancellationToken);
            var uploadUrl = JsonProbe.Text(locationBody, "url") ?? throw MediaFailure("Amazon gave no upload location for the image.");

            await UploadAsync(context.Call, uploadUrl, bytes, contentType, cancellationToken);

            var register = Json(context, HttpMethod.Post, "assets/register", AmazonSettings.AssetRegisterResponseMediaType, "application/json", new JsonObject
            {
                ["url"] = uploadUrl,
                ["name"] = fileName,
                ["assetType"] = "IMAGE",
                ["assetSubTypeList"] = new JsonArray(context.Settings.AssetSubType),
                ["asinList"] = new JsonArray(products.Select(p => (JsonNode)p).ToArray()),
            });
            var (_, registered) = await SendAllowingAsync(context.Call, register, [], cancellationToken);
            assetId = JsonProbe.Text(registered, "assetId") ?? throw MediaFailure("Amazon registered the image without an asset id.");
            await handles.SetAsync(AssetIdHandle, assetId, cancellationToken);
        }

        var get = Json(context, HttpMethod.Get, $"assets?assetId={Uri.EscapeDataString(assetId)}", AmazonSettings.AssetGetResponseMediaType, null, null);
        var (_, asset) = await SendAllowingAsync(context.Call, get, [], cancellationToken);
        var mediaUrl = DefaultUrlOf(asset) ?? throw MediaFailure("Amazon's asset library has no URL for the image.");
        await handles.SetAsync(MediaUrlHandle, mediaUrl, cancellationToken);
        return (assetId, mediaUrl);
    }

    /// <summary>PUT to the pre-signed upload location: no Ads API headers, the URL carries its own authorization.</summary>
    private async Task UploadAsync(AdapterCall call, string uploadUrl, byte[] bytes, string contentType, CancellationToken cancellationToken)
    {
        var client = _clients.CreateClient();
        client.Timeout = call.Options.AttemptTimeout;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        try
        {
            using var response = await client.PutAsync(uploadUrl, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw MediaFailure($"Uploading the image to Amazon failed (HTTP {(int)response.StatusCode}).");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw MediaFailure("Uploading the image to Amazon failed.");
        }
    }

    private HttpRequestMessage Json(Context context, HttpMethod method, string path, string accept, string? contentType, JsonObject? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Amazon-Advertising-API-ClientId", context.Settings.ClientId);
        request.Headers.Add("Amazon-Advertising-API-Scope", context.Scope);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }
        return request;
    }

    /// <summary>Sends a call; the listed statuses come back to the caller, other failures throw through <see cref="MapError"/>.</summary>
    private async Task<(int Status, JsonElement Body)> SendAllowingAsync(AdapterCall call, HttpRequestMessage request, int[] allowed,
        CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", call.AccessToken);
        using (request)
        using (var response = await call.Client.SendAsync(request, cancellationToken))
        {
            var body = await ReadJsonAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode && !allowed.Contains(status))
                throw new PlatformCallException(MapError(response, body) with { HttpStatus = (int)response.StatusCode });
            return (status, body ?? default);
        }
    }

    private static AmazonPost ReadPost(JsonElement body)
    {
        var post = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("post", out var p) ? p : body;
        var id = JsonProbe.Text(post, "id");
        var version = JsonProbe.Int(post, "version");
        if (id is null || version is null)
            throw new PlatformCallException(PlatformFailure.Transient("amazon", "unexpected_response", "Amazon answered without the post's id or version."));
        return new AmazonPost(id, version.Value, JsonProbe.Text(post, "status") ?? "");
    }

    private static string? DefaultUrlOf(JsonElement asset)
    {
        if (asset.ValueKind != JsonValueKind.Object || !asset.TryGetProperty("assetVersionList", out var versions) || versions.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var version in versions.EnumerateArray())
        {
            if (version.TryGetProperty("storageLocationUrls", out var urls) && JsonProbe.Text(urls, "defaultUrl") is { } url)
                return url;
        }
        return null;
    }

    /// <summary>The advertiser profile the calls act for: metadata <c>amazon.profileId</c>, else the account's platform id.</summary>
    private static string AdvertiserScope(Account account) => MetadataString(account, "profileId") ?? account.PlatformAccountId;

    private static string? MetadataString(Account account, string name) =>
        account.Metadata.ValueKind == JsonValueKind.Object && account.Metadata.TryGetProperty("amazon", out var section)
            ? JsonProbe.Text(section, name)
            : null;

    private static string FileNameFor(MediaItem image, string contentType)
    {
        var extension = contentType.Contains("png", StringComparison.OrdinalIgnoreCase) ? ".png" : ".jpg";
        var stem = Uri.TryCreate(image.Url, UriKind.Absolute, out var uri) ? Path.GetFileNameWithoutExtension(uri.AbsolutePath) : "";
        var safe = new string(stem.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').ToArray());
        return (safe.Length == 0 ? "image" : safe) + extension;
    }

    private static IReadOnlyList<string> StringArraySetting(JsonElement? settings, string name) =>
        settings is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];

    private static async Task<string?> HandleAsync(IPublishHandles handles, string kind, CancellationToken cancellationToken) =>
        await handles.GetAsync(kind, cancellationToken) is { Length: > 0 } value ? value : null;

    private static PublishOutcome Rejected(string message) => PublishOutcome.Failed(ErrorCodes.ContentRejected, message);

    private static PlatformCallException MediaFailure(string message) => new(new PlatformFailure(ErrorCodes.MediaUploadFailed, message));

    private static PlatformFailure NotConfigured() => new(ErrorCodes.PlatformError,
        "Amazon Posts is not configured: set Platforms:amazon:Settings:ClientId to the Login with Amazon client id.");
}
