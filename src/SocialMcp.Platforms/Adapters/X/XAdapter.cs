using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Media;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Validation.Text;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.X;

/// <summary>
/// Publishes to X through API v2 (docs/platforms.md#x-publish-flow) with the user's OAuth 2.0 token: <c>GET 2/users/me</c> (the
/// username for the post's URL, and the user id for reconciling), media by chunked upload (<see cref="UploadMediaAsync"/>),
/// then <c>POST 2/tweets</c> with the text and media ids (and <c>reply.in_reply_to_tweet_id</c> for a reply,
/// docs/platforms.md#replies-x); withdraw is <c>DELETE 2/tweets/{id}</c>. X has no link field,
/// so a post's link is appended to its text when the text does not already contain it.
/// The first attempt's time is recorded before <c>POST 2/tweets</c>; after an ambiguous failure (no answer, a 5xx),
/// and on a retry, the user's posts since then are read and a post with our text and media counts as ours. A 403
/// duplicate that follows such an attempt is reconciled the same way; otherwise it is DUPLICATE_CONTENT. When those
/// posts cannot be read, nothing is created: the target needs reconciling by a person.
/// </summary>
public sealed partial class XAdapter : PlatformAdapter
{
    /// <summary>Handle kinds recorded in <see cref="PublishRequest.Handles"/>.</summary>
    public static class HandleKinds
    {
        /// <summary>The live post's id: the post exists.</summary>
        public const string TweetId = "tweet_id";

        /// <summary>When the first <c>POST 2/tweets</c> of this target started (ISO 8601).</summary>
        public const string Attempt = "attempt";

        /// <summary>An uploaded, processed media id of the item at an index, with its expiry: <c>{id}|{unix seconds}</c>.</summary>
        public static string Media(int index) => "media:" + index.ToString(CultureInfo.InvariantCulture);
    }

    private readonly IHttpClientFactory _clients;
    private readonly IMediaFetcher _media;
    private readonly IOptionsMonitor<PlatformOptions> _options;
    private readonly XUrlExtractor _urls = new(TopLevelDomains.Default);

    public XAdapter(IHttpClientFactory clients, IMediaFetcher media, ITokenVault tokens, IOptionsMonitor<PlatformOptions> options, TimeProvider time, ILogger<XAdapter> logger)
        : base(Platform.X, clients, tokens, options, time, logger)
    {
        _clients = clients;
        _media = media;
        _options = options;
    }

    private sealed record Me(string Id, string Username);

    public override PublisherCapabilities CapabilitiesFor(Platform target) => new(CanWithdraw: true);

    // A reply, a thread's next part and the first comment (a self-reply) are posts of their own (docs/platforms.md#replies-x).
    protected override bool RepliesArePosts => true;

    protected override HttpRequestMessage WhoAmIRequest() => new(HttpMethod.Get, "2/users/me");

    protected override SocialMcp.Core.Accounts.VerifiedAccount ParseWhoAmI(JsonElement body) =>
        new(body.GetProperty("data").GetProperty("id").GetString()!, body.GetProperty("data").GetProperty("username").GetString()!);

    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = XSettings.From(call.Options);
        var me = await GetMeAsync(call, cancellationToken);
        var text = TextWithLink(request);

        // An earlier attempt that got as far as a post id: the post is live (unless deleted since).
        if (await request.Handles.GetAsync(HandleKinds.TweetId, cancellationToken) is { } knownId)
        {
            if (await ExistsAsync(call, knownId, cancellationToken))
                return PublishOutcome.Published(knownId, Url(settings, me, knownId));
            Logger.LogWarning("X post {PlatformPostId} of post {PostId} no longer exists; publishing again", knownId, request.PostId);
        }

        // An earlier attempt may have created the post: look for it, and create nothing when X cannot say.
        var firstAttempt = ParseTime(await request.Handles.GetAsync(HandleKinds.Attempt, cancellationToken));
        if (firstAttempt is not null)
        {
            switch (await FindPostedAsync(call, settings, me, request, firstAttempt.Value, text, await KnownMediaIdsAsync(request, cancellationToken), cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation($"X may have created this post on an earlier attempt (POST 2/tweets at {Minute(firstAttempt.Value)})",
                        unknown, Check(me, firstAttempt.Value));
            }
        }

        var mediaIds = await UploadMediaAsync(call, settings, request, cancellationToken);
        var since = firstAttempt ?? Time.GetUtcNow();
        if (firstAttempt is null)
            await request.Handles.SetAsync(HandleKinds.Attempt, since.ToString("O", CultureInfo.InvariantCulture), cancellationToken);

        string tweetId;
        try
        {
            tweetId = await CreateTweetAsync(call, text, mediaIds, request.ReplyToPlatformPostId, cancellationToken);
        }
        catch (Exception ex) when (PlatformErrorClassifier.MayHaveActed(ex, cancellationToken))
        {
            Logger.LogWarning("X did not answer POST 2/tweets for post {PostId}; reading the account's posts before reporting", request.PostId);
            switch (await FindPostedAsync(call, settings, me, request, since, text, mediaIds, cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation("X did not answer POST 2/tweets, so it may have created the post", unknown, Check(me, since));
            }
            throw;
        }
        catch (PlatformCallException ex) when (ex.Failure.Code == ErrorCodes.DuplicateContent && firstAttempt is not null)
        {
            // A duplicate right after an attempt whose answer was lost is most likely that attempt's own post.
            switch (await FindPostedAsync(call, settings, me, request, since, text, mediaIds, cancellationToken))
            {
                case LookupResult.Found found:
                    return found.Outcome;
                case LookupResult.Unknown unknown:
                    return NeedsReconciliation("X calls this post a duplicate, so an earlier attempt probably created it", unknown, Check(me, since));
            }
            throw;
        }
        await request.Handles.SetAsync(HandleKinds.TweetId, tweetId, cancellationToken);
        return PublishOutcome.Published(tweetId, Url(settings, me, tweetId));
    }

    protected override async Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Delete, $"2/tweets/{Uri.EscapeDataString(request.PlatformPostId)}"), cancellationToken);
            if (JsonProbe.Object(body, "data") is { } data && data.TryGetProperty("deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True)
                return WithdrawOutcome.Withdrawn;
            return await ExistsAsync(call, request.PlatformPostId, cancellationToken)
                ? WithdrawOutcome.Failed(ErrorCodes.PlatformError, "X did not delete the post.")
                : WithdrawOutcome.Withdrawn;
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == XErrors.ResourceNotFound)
        {
            // Already gone (e.g. our own earlier delete whose answer was lost).
            Logger.LogInformation("X post {PlatformPostId} was already deleted", request.PlatformPostId);
            return WithdrawOutcome.Withdrawn;
        }
    }

    /// <summary>
    /// <c>GET 2/tweets/{id}?expansions=author_id</c> (docs/platforms.md#read-back): <c>data</c> is Found; an <c>errors</c> entry of
    /// type resource-not-found (a 200, or a 404) is NotFound, not-authorized-for-resource (a protected account) NotFound "private".
    /// </summary>
    protected override async Task<PostLookup> LookUpCoreAsync(PostLookupRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get,
                $"2/tweets/{Uri.EscapeDataString(request.PlatformPostId)}?expansions=author_id&user.fields=username"), cancellationToken);
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == XErrors.ResourceNotFound)
        {
            return PostLookup.NotFound($"X has no post {request.PlatformPostId} (deleted, or never there).");
        }
        if (JsonProbe.Object(body, "data") is { } data)
        {
            var username = body.TryGetProperty("includes", out var includes) && includes.TryGetProperty("users", out var users) && users.ValueKind == JsonValueKind.Array
                ? users.EnumerateArray().Where(u => JsonProbe.Text(u, "id") == JsonProbe.Text(data, "author_id")).Select(u => JsonProbe.Text(u, "username")).FirstOrDefault()
                : null;
            return PostLookup.Found(username is null ? null : Url(XSettings.From(call.Options), new Me("", username), request.PlatformPostId));
        }
        var type = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray().Select(e => JsonProbe.Text(e, "type")).FirstOrDefault(t => t is not null)
            : null;
        return type switch
        {
            not null when type.EndsWith("/resource-not-found", StringComparison.Ordinal) =>
                PostLookup.NotFound($"X has no post {request.PlatformPostId} (deleted, or never there)."),
            not null when type.EndsWith("/not-authorized-for-resource", StringComparison.Ordinal) =>
                PostLookup.NotFound($"X post {request.PlatformPostId} is private (a protected account) and this account cannot see it."),
            _ => PostLookup.Unknown($"X's answer about post {request.PlatformPostId} could not be read."),
        };
    }

    protected override PlatformFailure MapError(HttpResponseMessage response, JsonElement? body) =>
        XErrors.Map(response, body, Time.GetUtcNow(), ResetTime(response), XSettings.From(_options.Get(Name)));

    // ---- posts ---------------------------------------------------------------------------------------------

    private async Task<Me> GetMeAsync(AdapterCall call, CancellationToken cancellationToken)
    {
        var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, "2/users/me"), cancellationToken);
        var data = JsonProbe.Object(body, "data");
        return new Me(
            JsonProbe.Text(data, "id") ?? throw Unexpected("2/users/me had no id"),
            JsonProbe.Text(data, "username") ?? call.Account.Handle.TrimStart('@'));
    }

    private async Task<string> CreateTweetAsync(AdapterCall call, string text, IReadOnlyList<string> mediaIds, string? replyTo,
        CancellationToken cancellationToken)
    {
        var payload = new Dictionary<string, object>();
        if (text.Length > 0)
            payload["text"] = text;
        if (mediaIds.Count > 0)
            payload["media"] = new Dictionary<string, object> { ["media_ids"] = mediaIds };
        // A reply (a thread's next part, a self-reply first comment, replyTo): docs/platforms.md#replies-x.
        if (replyTo is not null)
            payload["reply"] = new Dictionary<string, object> { ["in_reply_to_tweet_id"] = replyTo };
        var create = new HttpRequestMessage(HttpMethod.Post, "2/tweets")
        {
            Content = new StringContent(JsonSerializer.Serialize(payload), Encoding.UTF8, "application/json"),
        };
        var body = await SendAsync(call, create, cancellationToken);
        return JsonProbe.Text(JsonProbe.Object(body, "data"), "id") ?? throw Unexpected("POST 2/tweets answered without an id");
    }

    /// <summary>Whether a post exists: a missing one is a 200 with an <c>errors</c> array (or a 404).</summary>
    private async Task<bool> ExistsAsync(AdapterCall call, string tweetId, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, $"2/tweets/{Uri.EscapeDataString(tweetId)}"), cancellationToken);
            return JsonProbe.Object(body, "data") is not null;
        }
        catch (PlatformCallException ex) when (ex.Failure.PlatformCode == XErrors.ResourceNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the user's posts since the first attempt (less a clock skew), page by page, and finds the one with our text
    /// and, when known, our media. X shows texts with t.co links and HTML-escaped, so both sides are compared without URLs.
    /// No <c>data</c> in a readable answer means no posts; a failed or unreadable read, or more pages than we read, is
    /// <see cref="LookupResult.Unknown"/>.
    /// </summary>
    private Task<LookupResult> FindPostedAsync(AdapterCall call, XSettings settings, Me me, PublishRequest request, DateTimeOffset since,
        string text, IReadOnlyList<string>? mediaIds, CancellationToken cancellationToken)
    {
        var listing = $"@{me.Username}'s recent posts";
        var expected = Comparable(text);
        if (expected.Length == 0 && mediaIds is not { Count: > 0 })
            return Task.FromResult<LookupResult>(new LookupResult.Unknown($"the post has neither text nor known media ids to recognise it by among @{me.Username}'s posts"));
        var from = (since - settings.ReconcileClockSkew).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var firstPage = $"2/users/{Uri.EscapeDataString(me.Id)}/tweets?max_results={settings.ReconcileMaxResults.ToString(CultureInfo.InvariantCulture)}"
            + $"&start_time={from}&tweet.fields=created_at,attachments,referenced_tweets";
        return LookUpAsync(listing, () => ListingSearch.FindAsync(listing, settings.ReconcileMaxPages,
            async token =>
            {
                var path = token is null ? firstPage : $"{firstPage}&pagination_token={Uri.EscapeDataString(token)}";
                var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
                if (body.ValueKind != JsonValueKind.Object)
                    throw UnreadableAnswer();
                if (!body.TryGetProperty("data", out var posts))
                    return new ListingPage([], null);
                if (posts.ValueKind != JsonValueKind.Array)
                    throw UnreadableAnswer();
                return new ListingPage([.. posts.EnumerateArray()], JsonProbe.NonEmptyText(JsonProbe.Object(body, "meta"), "next_token"));
            },
            async post =>
            {
                if (JsonProbe.Text(post, "id") is not { } id || Comparable(JsonProbe.Text(post, "text") ?? "") != expected)
                    return null;
                if (mediaIds is not null && !SameMedia(post, mediaIds))
                    return null;
                if (!AnswersParent(post, request.ReplyToPlatformPostId))
                    return null;
                Logger.LogInformation("Post {PostId} was already on X as {PlatformPostId}", request.PostId, id);
                await request.Handles.SetAsync(HandleKinds.TweetId, id, cancellationToken);
                return PublishOutcome.Published(id, Url(settings, me, id));
            }), cancellationToken);
    }

    private static string Check(Me me, DateTimeOffset since) =>
        $"Check @{me.Username}'s posts since {Minute(since)}, then resolve the target with resolve_target.";

    /// <summary>
    /// Whether a post read back can be the reply we sent: a post that names the post it replies to must name our parent;
    /// one that shows no <c>referenced_tweets</c> (the field is missing from the answer) is judged by text and media alone.
    /// </summary>
    private static bool AnswersParent(JsonElement post, string? parentId)
    {
        if (!post.TryGetProperty("referenced_tweets", out var references) || references.ValueKind != JsonValueKind.Array)
            return true;
        var repliedTo = references.EnumerateArray()
            .Where(r => JsonProbe.Text(r, "type") == "replied_to")
            .Select(r => JsonProbe.Text(r, "id"))
            .FirstOrDefault();
        return parentId is null ? repliedTo is null : repliedTo is null || repliedTo == parentId;
    }

    /// <summary>Media keys are <c>{type}_{media id}</c> (3_ image, 7_ video, 16_ GIF).</summary>
    private static bool SameMedia(JsonElement post, IReadOnlyList<string> mediaIds)
    {
        var keys = post.TryGetProperty("attachments", out var attachments) && attachments.TryGetProperty("media_keys", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(k => k.GetString() ?? "").Select(k => k[(k.IndexOf('_') + 1)..]).ToHashSet(StringComparer.Ordinal)
            : [];
        return keys.SetEquals(mediaIds);
    }

    private string Comparable(string text)
    {
        var decoded = WebUtility.HtmlDecode(text).Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder();
        var position = 0;
        foreach (var url in _urls.Find(decoded))
        {
            builder.Append(decoded, position, url.Start - position).Append(' ');
            position = url.Start + url.Length;
        }
        builder.Append(decoded, position, decoded.Length - position);
        return string.Join(' ', builder.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string TextWithLink(PublishRequest request) =>
        request.LinkUrl is null || request.Text.Contains(request.LinkUrl, StringComparison.Ordinal)
            ? request.Text
            : request.Text.Length == 0 ? request.LinkUrl : request.Text + " " + request.LinkUrl;

    private static string Url(XSettings settings, Me me, string tweetId) =>
        settings.PostUrlPattern.Replace("{username}", me.Username, StringComparison.Ordinal).Replace("{id}", tweetId, StringComparison.Ordinal);

    // ---- helpers -------------------------------------------------------------------------------------------

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private static PlatformCallException Unexpected(string what) =>
        new(new PlatformFailure(ErrorCodes.PlatformError, $"X answered unexpectedly: {what}."));
}
