using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Media;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Validation.Text;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Adapters.YouTube;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.LinkedIn;

/// <summary>
/// LinkedIn Posts API (docs/platforms.md#linkedin-publish-flow): media first (<c>rest/images</c> / <c>rest/videos</c> initializeUpload →
/// PUT to the upload URL(s) → finalizeUpload and processing for video), then <c>POST rest/posts</c>, which answers
/// 201 with the post URN in <c>x-restli-id</c>. Commentary is escaped in LinkedIn's "little" text format, so reserved
/// characters can't silently truncate the post. LinkedIn has no idempotency key: the media URNs and the time of the
/// first create are kept as handles, and a create whose answer was lost is looked for among the author's newest
/// posts (or, without read permission, re-sent so that LinkedIn's DUPLICATE_POST names the post already made). When
/// the author's posts cannot be read for any other reason, nothing is created again: the target needs reconciling.
/// </summary>
public sealed class LinkedInAdapter : PlatformAdapter
{
    /// <summary>The URN of the post once LinkedIn confirmed it.</summary>
    public const string PostUrnHandle = "post_urn";

    /// <summary>When the first create was sent: from then on a retry looks for the post before creating it.</summary>
    public const string CreateStartedHandle = "create_started_at";

    private readonly IHttpClientFactory _clients;
    private readonly IMediaFetcher _media;
    private readonly IOptionsMonitor<PlatformOptions> _options;

    public LinkedInAdapter(IHttpClientFactory clients, IMediaFetcher media, ITokenVault tokens, IOptionsMonitor<PlatformOptions> options, TimeProvider time,
        ILogger<LinkedInAdapter> logger)
        : base(Platform.LinkedIn, clients, tokens, options, time, logger)
    {
        _clients = clients;
        _media = media;
        _options = options;
    }

    /// <summary>The image or video URN uploaded for media item <paramref name="index"/>.</summary>
    public static string MediaHandle(int index) => $"media.{index}";

    /// <summary>Set once media item <paramref name="index"/> is fully uploaded (and finalized, for video).</summary>
    public static string MediaReadyHandle(int index) => $"media.{index}.ready";

    /// <summary>Posts can be deleted: <c>DELETE rest/posts/{urn}</c> (docs/platforms.md#linkedin-withdraw).</summary>
    public override PublisherCapabilities CapabilitiesFor(Platform target) => new(CanWithdraw: true);

    protected override HttpRequestMessage WhoAmIRequest() => new(HttpMethod.Get, "v2/userinfo");

    protected override SocialMcp.Core.Accounts.VerifiedAccount ParseWhoAmI(JsonElement body) =>
        new(body.GetProperty("sub").GetString()!, body.TryGetProperty("name", out var name) ? name.GetString()! : body.GetProperty("sub").GetString()!);

    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = LinkedInSettings.From(call.Options);
        var handles = request.Handles;

        if (await handles.GetAsync(PostUrnHandle, cancellationToken) is { } known)
        {
            // An earlier attempt made the post and we missed recording the outcome: confirm it, never post again.
            if (await PostExistsAsync(call, settings, known, cancellationToken) == false)
                return PublishOutcome.Failed(ErrorCodes.PlatformError,
                    $"This post was published to LinkedIn as {known} but no longer exists there; it was not posted again.");
            return Published(settings, known);
        }

        var author = AuthorUrn(call.Account);
        var content = await PrepareContentAsync(request, call, settings, author, cancellationToken);
        var post = BuildPost(request, settings, author, content);

        var startedText = await handles.GetAsync(CreateStartedHandle, cancellationToken);
        var retrying = startedText is not null;
        var since = retrying ? DateTimeOffset.Parse(startedText!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : Time.GetUtcNow();
        // Without read permission a retry cannot look; it then relies on LinkedIn's duplicate check below (docs/platforms.md#linkedin-reconciliation). Any
        // other failure to look leaves the target to a person: creating it again could post twice.
        var unseen = false;
        if (retrying)
        {
            var search = await FindOwnPostAsync(call, settings, author, post, since, handles, "found among the author's posts", cancellationToken);
            switch (search.Result)
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation($"LinkedIn may have created this post on an earlier attempt (at {Minute(since)})", unknown, Check(author, since));
            }
            unseen = search.MayNotRead;
        }
        else
        {
            await handles.SetAsync(CreateStartedHandle, since.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
        }

        string urn;
        try
        {
            urn = await CreatePostAsync(call, settings, post, cancellationToken);
        }
        catch (PlatformCallException ex) when (unseen && ex.Failure.Code == ErrorCodes.DuplicateContent && DuplicateOf(ex.Failure) is { } existing)
        {
            // We sent this post before and could not look whether it was made: LinkedIn says it was. A duplicate can
            // also name a post deleted a day ago ("ghost" duplicates, 3p), so it is adopted only if it exists.
            if (await PostExistsAsync(call, settings, existing, cancellationToken) == false)
                throw;
            return await AdoptAsync(handles, settings, existing, "named by LinkedIn's duplicate check", cancellationToken);
        }
        catch (Exception ex) when (PlatformErrorClassifier.MayHaveActed(ex, cancellationToken))
        {
            // The create may have happened (lost answer, timeout, 5xx from a proxy): ask LinkedIn before reporting.
            Logger.LogWarning("LinkedIn: create of post {PostId} ended ambiguously; looking for it among the author's posts", request.PostId);
            switch ((await FindOwnPostAsync(call, settings, author, post, since, handles, "found after an unanswered create", cancellationToken)).Result)
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation("LinkedIn did not answer the create of this post, so it may have made it", unknown, Check(author, since));
            }
            // Not there, or not readable for want of permission: a retry looks again (or meets the duplicate check).
            throw;
        }
        await handles.SetAsync(PostUrnHandle, urn, cancellationToken);
        return Published(settings, urn);
    }

    protected override async Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = LinkedInSettings.From(call.Options);
        // Deletes are idempotent (204 again for a deleted post, 3p); a post that is not there at all is withdrawn too.
        await CallAsync(call, settings, new HttpRequestMessage(HttpMethod.Delete, PostPath(request.PlatformPostId)), cancellationToken,
            HttpStatusCode.NotFound);
        return WithdrawOutcome.Withdrawn;
    }

    // ---- comments and read-back (issue 15, docs/platforms.md#comments-linkedin, #read-back) ----------------------

    protected override bool CanDeleteComments => true;

    protected override string CommentAuthorId(AdapterCall call) => AuthorUrn(call.Account);

    /// <summary><c>POST rest/socialActions/{urn}/comments</c> with <c>{actor, object, message: {text}}</c> → 201; the id in <c>x-restli-id</c> or the body.</summary>
    protected override async Task<string> CreateCommentAsync(AdapterCall call, string parentId, string text, CancellationToken cancellationToken)
    {
        var settings = LinkedInSettings.From(call.Options);
        var body = new JsonObject
        {
            ["actor"] = AuthorUrn(call.Account),
            ["object"] = parentId,
            ["message"] = new JsonObject { ["text"] = text },
        };
        // Not retry-safe (unlike JsonPost's media calls): a repeated create would comment twice. The caller reconciles instead.
        var reply = await CallAsync(call, settings, new HttpRequestMessage(HttpMethod.Post, CommentsPath(parentId)) { Content = JsonContent.Create(body) },
            cancellationToken);
        return CommentIdOf(reply.Header("x-restli-id")) ?? JsonProbe.Scalar(reply.Body, "id") ?? CommentIdOf(JsonProbe.Text(reply.Body, "commentUrn"))
            ?? throw Malformed("the comment was created without an id");
    }

    protected override async Task<IReadOnlyList<PlatformComment>> ListCommentsAsync(AdapterCall call, string parentId, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(call, LinkedInSettings.From(call.Options), new HttpRequestMessage(HttpMethod.Get, CommentsPath(parentId) + "?count=100"),
            cancellationToken);
        if (reply.Body is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("elements", out var elements) || elements.ValueKind != JsonValueKind.Array)
            throw UnreadableAnswer();
        return elements.EnumerateArray()
            .Select(c => (Id: JsonProbe.Scalar(c, "id") ?? CommentIdOf(JsonProbe.Text(c, "commentUrn")), Comment: c))
            .Where(c => c.Id is not null)
            .Select(c => new PlatformComment(c.Id!, JsonProbe.Text(JsonProbe.Object(c.Comment, "message"), "text") ?? "", JsonProbe.Text(c.Comment, "actor"),
                JsonProbe.Object(c.Comment, "created") is { } created && created.TryGetProperty("time", out var time) && time.TryGetInt64(out var ms)
                    ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null))
            .ToList();
    }

    protected override bool ParentIsGone(PlatformFailure failure, string parentId) => failure.HttpStatus is 404 or 410;

    protected override async Task<WithdrawOutcome> WithdrawCommentCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var path = $"{CommentsPath(request.ParentPlatformPostId!)}/{Uri.EscapeDataString(request.PlatformPostId)}?actor={Uri.EscapeDataString(AuthorUrn(call.Account))}";
        // A comment that is not there (deleted by hand, with its post, or by an earlier delete whose answer was lost) is withdrawn too.
        await CallAsync(call, LinkedInSettings.From(call.Options), new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken, HttpStatusCode.NotFound);
        return WithdrawOutcome.Withdrawn;
    }

    /// <summary><c>GET rest/posts/{urn}</c>: 200 Found, 404 or 410 NotFound; a 403 (another author's post, no read permission) is Unknown.</summary>
    protected override async Task<PostLookup> LookUpCoreAsync(PostLookupRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = LinkedInSettings.From(call.Options);
        var reply = await CallAsync(call, settings, new HttpRequestMessage(HttpMethod.Get, PostPath(request.PlatformPostId)), cancellationToken,
            HttpStatusCode.NotFound, HttpStatusCode.Gone);
        if (reply.Status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            return PostLookup.NotFound($"LinkedIn has no post {request.PlatformPostId} (deleted, or never there).");
        return PostLookup.Found(string.Format(CultureInfo.InvariantCulture, settings.PostUrlFormat, request.PlatformPostId));
    }

    private static string CommentsPath(string postUrn) => "rest/socialActions/" + Uri.EscapeDataString(postUrn) + "/comments";

    /// <summary>The comment id from an id or a comment URN <c>urn:li:comment:(urn:li:activity:1,2)</c>.</summary>
    private static string? CommentIdOf(string? value) => value switch
    {
        null or "" => null,
        _ when value.StartsWith("urn:li:comment:(", StringComparison.Ordinal) && value.EndsWith(')') =>
            value[(value.LastIndexOf(',') + 1)..^1],
        _ => value,
    };

    // ---- media ---------------------------------------------------------------------------------------------

    private async Task<JsonObject?> PrepareContentAsync(PublishRequest request, AdapterCall call, LinkedInSettings settings, string author,
        CancellationToken cancellationToken)
    {
        var media = request.Media;
        if (media.Count == 0)
        {
            return request.LinkUrl is { } link
                ? new JsonObject { ["article"] = Article(link, request.Settings) }
                : null;
        }
        if (media.Count(m => m.IsVideo) > 1 || (media.Any(m => m.IsVideo) && media.Any(m => !m.IsVideo)))
            throw new PlatformCallException(new PlatformFailure(ErrorCodes.ContentRejected,
                "A LinkedIn post carries one video or up to 20 images, not a mix."));

        var urns = new List<string>();
        for (var i = 0; i < media.Count; i++)
            urns.Add(await EnsureUploadedAsync(request, call, settings, author, i, cancellationToken));

        if (media[0].IsVideo)
        {
            await WaitForVideoAsync(call, settings, urns[0], cancellationToken);
            var video = new JsonObject { ["id"] = urns[0] };
            if (JsonProbe.NonEmptyText(request.Settings, "videoTitle") is { } title)
                video["title"] = title;
            return new JsonObject { ["media"] = video };
        }
        var altTexts = SettingStrings(request.Settings, "altText");
        JsonObject Image(int i)
        {
            var node = new JsonObject { ["id"] = urns[i] };
            // settings.altText gives one text per image, in order; the media item's own altText otherwise.
            if ((altTexts?.ElementAtOrDefault(i) is { Length: > 0 } fromSettings ? fromSettings : media[i].AltText) is { Length: > 0 } alt)
                node["altText"] = alt;
            return node;
        }
        if (media.Count == 1)
            return new JsonObject { ["media"] = Image(0) };
        return new JsonObject
        {
            ["multiImage"] = new JsonObject { ["images"] = new JsonArray(urns.Select((_, i) => (JsonNode)Image(i)).ToArray()) },
        };
    }

    private static JsonObject Article(string link, JsonElement? settings)
    {
        // article.title is required; the link itself stands in when no articleTitle is given.
        var article = new JsonObject { ["source"] = link, ["title"] = JsonProbe.NonEmptyText(settings, "articleTitle") ?? link };
        if (JsonProbe.NonEmptyText(settings, "articleDescription") is { } description)
            article["description"] = description;
        return article;
    }

    /// <summary>
    /// The URN of media item <paramref name="index"/>, uploading it unless an earlier attempt did. An upload left
    /// half-way (URN recorded, not marked ready) is checked with LinkedIn and started over only if it did not finish.
    /// </summary>
    private async Task<string> EnsureUploadedAsync(PublishRequest request, AdapterCall call, LinkedInSettings settings, string author, int index,
        CancellationToken cancellationToken)
    {
        var item = request.Media[index];
        var kind = item.IsVideo ? "videos" : "images";
        if (await request.Handles.GetAsync(MediaHandle(index), cancellationToken) is { } earlier)
        {
            if (await request.Handles.GetAsync(MediaReadyHandle(index), cancellationToken) is not null)
                return earlier;
            var status = await AssetStatusAsync(call, settings, kind, earlier, cancellationToken);
            if (status is "AVAILABLE" or "PROCESSING")
            {
                await request.Handles.SetAsync(MediaReadyHandle(index), "true", cancellationToken);
                return earlier;
            }
        }

        await using var file = await MediaFetcher.FetchAsync(_media, request, index, $"Media item {index + 1}", settings.MediaDownloadTimeout, cancellationToken);
        string urn;
        if (item.IsVideo)
        {
            var init = await CallAsync(call, settings, JsonPost("rest/videos?action=initializeUpload", new JsonObject
            {
                ["initializeUploadRequest"] = new JsonObject
                {
                    ["owner"] = author,
                    ["fileSizeBytes"] = file.Length,
                    ["uploadCaptions"] = false,
                    ["uploadThumbnail"] = false,
                },
            }), cancellationToken);
            var value = init.Body?.GetProperty("value") ?? throw Malformed("videos initializeUpload");
            urn = value.GetProperty("video").GetString() ?? throw Malformed("videos initializeUpload");
            await request.Handles.SetAsync(MediaHandle(index), urn, cancellationToken);

            var partIds = new JsonArray();
            foreach (var part in value.GetProperty("uploadInstructions").EnumerateArray())
            {
                var first = part.GetProperty("firstByte").GetInt64();
                var last = part.GetProperty("lastByte").GetInt64();
                var bytes = await file.ReadAsync(first, checked((int)(last - first + 1)), cancellationToken);
                var uploaded = await UploadAsync(call, part.GetProperty("uploadUrl").GetString()!, bytes, cancellationToken);
                partIds.Add(uploaded.Header("ETag") ?? throw Malformed("video part upload (no ETag)"));
            }
            await CallAsync(call, settings, JsonPost("rest/videos?action=finalizeUpload", new JsonObject
            {
                ["finalizeUploadRequest"] = new JsonObject
                {
                    ["video"] = urn,
                    ["uploadToken"] = value.TryGetProperty("uploadToken", out var token) ? token.GetString() ?? "" : "",
                    ["uploadedPartIds"] = partIds,
                },
            }), cancellationToken);
        }
        else
        {
            var init = await CallAsync(call, settings, JsonPost("rest/images?action=initializeUpload", new JsonObject
            {
                ["initializeUploadRequest"] = new JsonObject { ["owner"] = author },
            }), cancellationToken);
            var value = init.Body?.GetProperty("value") ?? throw Malformed("images initializeUpload");
            urn = value.GetProperty("image").GetString() ?? throw Malformed("images initializeUpload");
            await request.Handles.SetAsync(MediaHandle(index), urn, cancellationToken);
            var bytes = await file.ReadAllAsync(cancellationToken);
            await UploadAsync(call, value.GetProperty("uploadUrl").GetString()!, bytes, cancellationToken);
        }
        await request.Handles.SetAsync(MediaReadyHandle(index), "true", cancellationToken);
        return urn;
    }

    /// <summary>Polls a finalized video until LinkedIn has processed it (AVAILABLE), through the injected clock.</summary>
    private async Task WaitForVideoAsync(AdapterCall call, LinkedInSettings settings, string urn, CancellationToken cancellationToken)
    {
        for (var poll = 0; poll < Math.Max(1, call.Options.MaxPolls); poll++)
        {
            if (poll > 0)
                await DelayAsync(call.Options.PollInterval, cancellationToken);
            switch (await AssetStatusAsync(call, settings, "videos", urn, cancellationToken))
            {
                case "AVAILABLE":
                    return;
                case "PROCESSING_FAILED":
                    throw new PlatformCallException(new PlatformFailure(ErrorCodes.MediaUploadFailed,
                        "LinkedIn could not process the video; check its format (MP4, 3 s – 30 min, ≤ 500 MB).", PlatformCode: "PROCESSING_FAILED"));
                case null:
                    throw new PlatformCallException(new PlatformFailure(ErrorCodes.MediaUploadFailed, $"LinkedIn no longer knows the video {urn}."));
            }
        }
        throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError,
            "LinkedIn is still processing the video; retry later (the upload is kept and will not be repeated)."));
    }

    /// <summary>The status of an image or video (WAITING_UPLOAD, PROCESSING, AVAILABLE, PROCESSING_FAILED), or null when LinkedIn does not know it.</summary>
    private async Task<string?> AssetStatusAsync(AdapterCall call, LinkedInSettings settings, string kind, string urn, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(call, settings, new HttpRequestMessage(HttpMethod.Get, $"rest/{kind}/{Uri.EscapeDataString(urn)}"), cancellationToken,
            HttpStatusCode.NotFound);
        return reply.Status == HttpStatusCode.NotFound ? null : JsonProbe.Text(reply.Body, "status");
    }

    private async Task<Reply> UploadAsync(AdapterCall call, string uploadUrl, byte[] bytes, CancellationToken cancellationToken)
    {
        // Upload URLs are absolute and live outside the versioned REST API: only the bearer token goes along.
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await CallAsync(call, settings: null, new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = content }, cancellationToken);
    }

    // ---- the post ------------------------------------------------------------------------------------------

    private static JsonObject BuildPost(PublishRequest request, LinkedInSettings settings, string author, JsonObject? content)
    {
        var text = request.Text;
        // LinkedIn has no field for a link beside media: keep it in the text rather than drop it.
        if (request.Media.Count > 0 && request.LinkUrl is { } link && !text.Contains(link, StringComparison.Ordinal))
            text = string.IsNullOrEmpty(text) ? link : text + "\n\n" + link;
        var post = new JsonObject
        {
            ["author"] = author,
            ["commentary"] = LinkedInLittleText.Escape(text),
            ["visibility"] = JsonProbe.NonEmptyText(request.Settings, "visibility") ?? settings.Visibility,
            ["distribution"] = new JsonObject
            {
                ["feedDistribution"] = "MAIN_FEED",
                ["targetEntities"] = new JsonArray(),
                ["thirdPartyDistributionChannels"] = new JsonArray(),
            },
            ["lifecycleState"] = "PUBLISHED",
            ["isReshareDisabledByAuthor"] = JsonProbe.Bool(request.Settings, "isReshareDisabledByAuthor") ?? false,
        };
        if (content is not null)
            post["content"] = content;
        return post;
    }

    private async Task<string> CreatePostAsync(AdapterCall call, LinkedInSettings settings, JsonObject post, CancellationToken cancellationToken)
    {
        // Not marked retry-safe: a repeated create would make a second post. The caller reconciles instead.
        var reply = await CallAsync(call, settings, JsonPost("rest/posts", post), cancellationToken);
        return reply.Header("x-restli-id") ?? reply.Header("x-linkedin-id")
            ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.PlatformError,
                "LinkedIn accepted the post but did not say its URN; check the profile before retrying."));
    }

    /// <summary>True/false when LinkedIn says whether the post exists; null when we may not read it (no r_member_social).</summary>
    private async Task<bool?> PostExistsAsync(AdapterCall call, LinkedInSettings settings, string urn, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await CallAsync(call, settings, new HttpRequestMessage(HttpMethod.Get, PostPath(urn)), cancellationToken,
                HttpStatusCode.NotFound, HttpStatusCode.Gone);
            return reply.Status is not (HttpStatusCode.NotFound or HttpStatusCode.Gone);
        }
        catch (PlatformCallException ex) when (ex.Failure.Code == ErrorCodes.PermissionMissing)
        {
            return null;
        }
    }

    /// <summary>What looking for our post found; <see cref="MayNotRead"/>: the token lacks read permission, so "not there" means "not looked".</summary>
    private sealed record Search(LookupResult Result, bool MayNotRead);

    /// <summary>
    /// Our post among the author's posts (the <c>q=author</c> finder, newest change first), paged back until the posts are
    /// older than our first attempt: same commentary and content, created since that attempt. A match is adopted
    /// (<paramref name="how"/> for the log). A failed or unreadable answer, or more pages than we read, is
    /// <see cref="LookupResult.Unknown"/>; only a missing read permission counts as "could not look".
    /// </summary>
    private async Task<Search> FindOwnPostAsync(AdapterCall call, LinkedInSettings settings, string author, JsonObject post, DateTimeOffset since,
        IPublishHandles handles, string how, CancellationToken cancellationToken)
    {
        var firstPage = $"rest/posts?author={Uri.EscapeDataString(author)}&q=author&count={settings.ReconcilePageSize}&sortBy=LAST_MODIFIED";
        var listing = $"{author}'s latest posts";
        var commentary = (string?)post["commentary"];
        var signature = ContentSignature(post["content"] is { } content ? JsonSerializer.SerializeToElement(content) : null);
        var earliest = since - settings.ReconcileClockSkew;
        var mayNotRead = false;
        var result = await LookUpAsync(listing, () => ListingSearch.FindAsync(listing, settings.ReconcileMaxPages,
            async cursor =>
            {
                var start = cursor is null ? 0 : int.Parse(cursor, CultureInfo.InvariantCulture);
                Reply reply;
                try
                {
                    reply = await CallAsync(call, settings, new HttpRequestMessage(HttpMethod.Get, $"{firstPage}&start={start}"), cancellationToken);
                }
                catch (PlatformCallException ex) when (ex.Failure.Code == ErrorCodes.PermissionMissing)
                {
                    Logger.LogInformation("LinkedIn: no permission to list the author's posts; relying on the duplicate check instead");
                    mayNotRead = true;
                    return new ListingPage([], null);
                }
                if (reply.Body is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("elements", out var elements)
                    || elements.ValueKind != JsonValueKind.Array)
                    throw UnreadableAnswer();
                var items = elements.EnumerateArray().ToList();
                // A full page may have more after it; `paging.total`, when LinkedIn sends it, says for sure.
                var total = JsonProbe.Int(JsonProbe.Object(body, "paging"), "total");
                var more = total is { } known ? start + items.Count < known : items.Count >= settings.ReconcilePageSize;
                return new ListingPage(items, more && items.Count > 0 ? (start + items.Count).ToString(CultureInfo.InvariantCulture) : null);
            },
            async element =>
            {
                if (JsonProbe.Text(element, "commentary") != commentary
                    || ContentSignature(element.TryGetProperty("content", out var theirs) ? theirs : null) != signature)
                    return null;
                if (Millis(element, "createdAt") is { } created && created < earliest)
                    return null;
                return JsonProbe.Text(element, "id") is { } id ? await AdoptAsync(handles, settings, id, how, cancellationToken) : null;
            },
            // Newest change first: once a post's last change is older than the window, so is every post after it.
            element => Millis(element, "lastModifiedAt") is { } modified && modified < earliest), cancellationToken);
        return new Search(result, mayNotRead);
    }

    private static DateTimeOffset? Millis(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var millis) ? DateTimeOffset.FromUnixTimeMilliseconds(millis) : null;

    private static string Check(string author, DateTimeOffset since) =>
        $"Check {author}'s LinkedIn posts since {Minute(since)}, then resolve the target with resolve_target.";

    /// <summary>What identifies a post's content: its media URNs or article link.</summary>
    private static string ContentSignature(JsonElement? content)
    {
        if (content is not { ValueKind: JsonValueKind.Object } c)
            return "";
        if (c.TryGetProperty("media", out var media))
            return "media:" + JsonProbe.Text(media, "id");
        if (c.TryGetProperty("multiImage", out var multi) && multi.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array)
            return "multiImage:" + string.Join(',', images.EnumerateArray().Select(i => JsonProbe.Text(i, "id")));
        if (c.TryGetProperty("article", out var article))
            return "article:" + JsonProbe.Text(article, "source");
        return "other:" + c.GetRawText();
    }

    private async Task<PublishOutcome> AdoptAsync(IPublishHandles handles, LinkedInSettings settings, string urn, string how, CancellationToken cancellationToken)
    {
        Logger.LogInformation("LinkedIn: adopting {Urn}, {How}, instead of posting again", urn, how);
        await handles.SetAsync(PostUrnHandle, urn, cancellationToken);
        return Published(settings, urn);
    }

    private static PublishOutcome Published(LinkedInSettings settings, string urn) =>
        PublishOutcome.Published(urn, string.Format(CultureInfo.InvariantCulture, settings.PostUrlFormat, urn));

    /// <summary>The author: <c>metadata.authorUrn</c> (e.g. an organization page), else the member the account is.</summary>
    private static string AuthorUrn(Account account)
    {
        if (account.Metadata.ValueKind == JsonValueKind.Object && account.Metadata.TryGetProperty("authorUrn", out var configured)
            && configured.ValueKind == JsonValueKind.String && configured.GetString() is { Length: > 0 } urn)
            return urn;
        return account.PlatformAccountId.StartsWith("urn:li:", StringComparison.Ordinal)
            ? account.PlatformAccountId
            : "urn:li:person:" + account.PlatformAccountId;
    }

    private static string PostPath(string urn) => "rest/posts/" + Uri.EscapeDataString(urn);

    /// <summary>The URN a DUPLICATE_POST answer names ("…Content is a duplicate of urn:li:share:123").</summary>
    private static string? DuplicateOf(PlatformFailure failure) =>
        failure.PlatformMessage is { } message && message.IndexOf("urn:li:", StringComparison.Ordinal) is >= 0 and var at
            ? new string(message[at..].TakeWhile(c => !char.IsWhiteSpace(c) && c is not ('"' or ',' or ')')).ToArray()).TrimEnd('.')
            : null;

    // ---- errors --------------------------------------------------------------------------------------------

    protected override PlatformFailure MapError(HttpResponseMessage response, JsonElement? body)
    {
        var status = (int)response.StatusCode;
        var inputCode = InputErrorCode(body);
        var code = inputCode ?? JsonProbe.Text(body, "code") ?? (body?.TryGetProperty("serviceErrorCode", out var service) == true ? service.ToString() : null);
        var message = JsonProbe.Text(body, "message");
        var path = response.RequestMessage?.RequestUri?.AbsolutePath ?? "";
        var media = path.Contains("/rest/images", StringComparison.Ordinal) || path.Contains("/rest/videos", StringComparison.Ordinal)
            || !path.Contains("/rest/", StringComparison.Ordinal);

        PlatformFailure Failure(string ours, string text, DateTimeOffset? retryAfter = null) => new(ours, text, retryAfter, code ?? status.ToString(CultureInfo.InvariantCulture), message);

        return status switch
        {
            401 => Failure(ErrorCodes.AuthExpired, "LinkedIn no longer accepts this account's token (expired or revoked); reconnect the account."),
            403 => Failure(ErrorCodes.PermissionMissing,
                "The LinkedIn account lacks a permission for this (w_member_social to post as the member; w_organization_social and a page admin role for a page)."),
            400 or 422 when inputCode == "DUPLICATE_POST" || message?.Contains("duplicate", StringComparison.OrdinalIgnoreCase) == true =>
                Failure(ErrorCodes.DuplicateContent, "LinkedIn already has this post (DUPLICATE_POST); change the text or withdraw the earlier post."),
            426 => Failure(ErrorCodes.PlatformError,
                $"LinkedIn does not accept the configured API version ({LinkedInSettings.From(_options.Get(Name)).Version}); set Platforms:linkedin:Settings:LinkedInVersion to an active YYYYMM."),
            429 => Failure(ErrorCodes.RateLimited, "LinkedIn's daily limit for this app or member is reached.",
                // LinkedIn sends no reset header; its daily limits reset at midnight UTC (off.).
                ResetTime(response) ?? NextUtcMidnight()),
            400 or 413 or 415 or 422 when media => Failure(ErrorCodes.MediaUploadFailed, "LinkedIn refused a media file; check its format and size."),
            400 or 422 => Failure(ErrorCodes.ContentRejected, "LinkedIn refused the post's content."),
            _ => PlatformErrorClassifier.ByStatus("LinkedIn", status, code, message),
        };
    }

    private DateTimeOffset NextUtcMidnight() => new(Time.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

    private static string? InputErrorCode(JsonElement? body) =>
        body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("errorDetails", out var details) && details.ValueKind == JsonValueKind.Object
        && details.TryGetProperty("inputErrors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray().Select(e => JsonProbe.Text(e, "code")).FirstOrDefault(c => c is not null)
            : null;

    // ---- HTTP ----------------------------------------------------------------------------------------------

    /// <summary>A platform answer whose headers outlive the response.</summary>
    private sealed record Reply(HttpStatusCode Status, JsonElement? Body, IReadOnlyDictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>
    /// Sends with the bearer token and, for the versioned REST API (<paramref name="settings"/> given), both version
    /// headers. An unsuccessful status other than <paramref name="tolerated"/> throws via <see cref="MapError"/>.
    /// </summary>
    private async Task<Reply> CallAsync(AdapterCall call, LinkedInSettings? settings, HttpRequestMessage request, CancellationToken cancellationToken,
        params HttpStatusCode[] tolerated)
    {
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", call.AccessToken);
            if (settings is not null)
            {
                request.Headers.Add("LinkedIn-Version", settings.Version);
                request.Headers.Add("X-Restli-Protocol-Version", settings.RestliProtocolVersion);
            }
            using var response = await call.Client.SendAsync(request, cancellationToken);
            var body = await ReadJsonAsync(response, cancellationToken);
            if (!response.IsSuccessStatusCode && !tolerated.Contains(response.StatusCode))
                throw new PlatformCallException(MapError(response, body) with { HttpStatus = (int)response.StatusCode });
            var headers = response.Headers.Concat(response.Content.Headers)
                .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(",", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
            return new Reply(response.StatusCode, body, headers);
        }
    }

    /// <summary>
    /// initializeUpload and finalizeUpload create no post (an orphan upload at worst), so they may be retried; the
    /// create itself is not built here.
    /// </summary>
    private static HttpRequestMessage JsonPost(string path, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        return path.StartsWith("rest/posts", StringComparison.Ordinal) ? request : request.MarkRetrySafe();
    }

    private static PlatformCallException Malformed(string what) =>
        new(new PlatformFailure(ErrorCodes.PlatformError, $"LinkedIn's answer to {what} was not understood."));

    private static List<string>? SettingStrings(JsonElement? settings, string name) =>
        settings is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "").ToList()
            : null;
}
