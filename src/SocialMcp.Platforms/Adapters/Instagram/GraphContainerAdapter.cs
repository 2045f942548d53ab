using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Instagram;

/// <summary>The edges and fields in which Meta's container-publishing APIs differ (docs/platforms.md#instagram-publish-flow, #threads-publish-flow).</summary>
public sealed record GraphEdges(
    string Containers,
    string Publish,
    string PublishingLimit,
    string StatusField,
    string StatusDetailField,
    string TextField);

/// <summary>A container's state as the platform reports it.</summary>
public sealed record ContainerStatus(string Code, string? Detail)
{
    public const string InProgress = "IN_PROGRESS";
    public const string Finished = "FINISHED";
    public const string Published = "PUBLISHED";
    public const string Error = "ERROR";
    public const string Expired = "EXPIRED";

    /// <summary>A container that can never go live: a new one must be created.</summary>
    public bool IsDead => Code is Error or Expired;
}

/// <summary>
/// Meta's container-publishing flow, shared by Instagram and Threads: create container(s) → poll the container →
/// publish it → read the permalink. There is no idempotency key (docs/platforms.md#common-no-idempotency-key, #instagram-reconciliation, #threads-reconciliation), so the container id
/// is the dedupe handle: it is stored before the publish call, and every attempt starts by asking the platform what
/// became of a stored container. A container that says PUBLISHED is never published again; its post is found among
/// the account's latest posts instead. Once a publish was sent, a container status (or list of posts) that cannot be
/// read means the target needs reconciling by a person: the container is not published again.
/// </summary>
public abstract class GraphContainerAdapter : PlatformAdapter
{
    private readonly GraphEdges _edges;
    private readonly bool _deleteEnabledByDefault;
    private readonly IOptionsMonitor<PlatformOptions> _options;

    protected GraphContainerAdapter(Platform platform, GraphEdges edges, bool deleteEnabledByDefault, IHttpClientFactory clients,
        ITokenVault tokens, IOptionsMonitor<PlatformOptions> options, TimeProvider time, ILogger logger)
        : base(platform, clients, tokens, options, time, logger)
    {
        _edges = edges;
        _deleteEnabledByDefault = deleteEnabledByDefault;
        _options = options;
    }

    /// <summary>The handle kinds kept in <see cref="PublishRequest.Handles"/>.</summary>
    public static class HandleKinds
    {
        /// <summary>The container to publish (the carousel parent for carousels).</summary>
        public const string Container = "container_id";

        /// <summary>When we asked for the publish (ISO 8601): the earliest timestamp our post can have.</summary>
        public const string PublishRequestedAt = "publish_requested_at";

        /// <summary>The published post's id.</summary>
        public const string Media = "media_id";
    }

    protected GraphSettings Settings => GraphSettings.From(_options.Get(Name), _deleteEnabledByDefault);

    public override PublisherCapabilities CapabilitiesFor(Platform target) => new(CanWithdraw: Settings.DeleteEnabled);

    protected override HttpRequestMessage WhoAmIRequest() => new(HttpMethod.Get, "me?fields=id,username");

    protected override SocialMcp.Core.Accounts.VerifiedAccount ParseWhoAmI(JsonElement body) =>
        new(body.GetProperty("id").GetString()!, body.TryGetProperty("username", out var username) ? username.GetString()! : body.GetProperty("id").GetString()!);

    /// <summary>Creates the container(s) for the request and returns the id of the one to publish.</summary>
    protected abstract Task<string> CreateContainerAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken);

    /// <summary>A request the platform can never accept, refused without a call (null: go ahead).</summary>
    protected virtual PlatformFailure? RefuseBeforeCreating(PublishRequest request) => null;

    /// <summary>Reads a post back: <c>GET {media-id}?fields=id,permalink</c> (docs/platforms.md#read-back); "object does not exist" is NotFound.</summary>
    protected override async Task<PostLookup> LookUpCoreAsync(PostLookupRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, $"{Escape(request.PlatformPostId)}?fields=id,permalink"), cancellationToken);
            return PostLookup.Found(JsonProbe.Scalar(body, "permalink"));
        }
        catch (PlatformCallException ex) when (GraphApiError.IsUnknownObject(ex.Failure))
        {
            return PostLookup.NotFound($"{DisplayName} has no post {request.PlatformPostId} this account can see (deleted, or never there).");
        }
    }

    /// <summary>The edge that lists the account's posts of the request's kind (Threads lists replies apart, docs/platforms.md#replies-threads).</summary>
    protected virtual string PostsEdge(PublishRequest request) => _edges.Containers;

    /// <summary>The text the published post carries (null when the placement has none), to recognise it after a lost response.</summary>
    protected abstract string? PublishedText(PublishRequest request);

    protected override PlatformFailure MapError(HttpResponseMessage response, JsonElement? body)
    {
        var now = Time.GetUtcNow();
        var reset = ResetTime(response) ?? GraphUsageHeaders.RegainAccessAt(response, now);
        return GraphErrorMapper.Map(Name, response, body, now, reset, Settings);
    }

    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var handles = request.Handles;
        if (await handles.GetAsync(HandleKinds.Media, cancellationToken) is { } publishedId)
            return await PublishedAsync(call, publishedId, cancellationToken);

        var containerId = await handles.GetAsync(HandleKinds.Container, cancellationToken);
        if (containerId is not null)
        {
            // An earlier attempt got this far: ask what became of its container before doing anything. Once its publish
            // was sent, only the container's status can say whether the post is live, so an unreadable status stops here.
            ContainerStatus? earlier;
            if (ParseTime(await handles.GetAsync(HandleKinds.PublishRequestedAt, cancellationToken)) is { } requestedAt)
            {
                var (read, unknown) = await LookUpStatusAsync(call, containerId, cancellationToken);
                if (unknown is not null)
                    return NeedsReconciliation($"{DisplayName} may have published container {containerId} on an earlier attempt (at {Minute(requestedAt)})",
                        unknown, Check(call, requestedAt));
                earlier = read;
            }
            else
            {
                earlier = await TryReadStatusAsync(call, containerId, cancellationToken);
            }
            if (earlier?.Code == ContainerStatus.Published)
                return await ReconcilePublishedAsync(request, call, cancellationToken);
            if (earlier is null || earlier.IsDead)
            {
                Logger.LogInformation("{Platform} container {ContainerId} of post {PostId} is {Status}; creating a new one",
                    Name, containerId, request.PostId, earlier?.Code ?? "gone");
                containerId = null;
            }
        }

        if (containerId is null)
        {
            if (RefuseBeforeCreating(request) is { } refused)
                return refused.ToPublishOutcome();
            await EnsurePublishingQuotaAsync(call, cancellationToken);
            containerId = await CreateContainerAsync(request, call, cancellationToken);
            await handles.SetAsync(HandleKinds.Container, containerId, cancellationToken);
            await handles.SetAsync(HandleKinds.PublishRequestedAt, "", cancellationToken);
        }

        var status = await WaitUntilProcessedAsync(call, containerId, cancellationToken);
        if (status.Code == ContainerStatus.Published)
            return await ReconcilePublishedAsync(request, call, cancellationToken);
        if (status.Code != ContainerStatus.Finished)
            return NotReady(status).ToPublishOutcome();

        await handles.SetAsync(HandleKinds.PublishRequestedAt, Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), cancellationToken);
        string mediaId;
        try
        {
            mediaId = await PublishContainerAsync(call, containerId, cancellationToken);
        }
        catch (Exception ex) when (PlatformErrorClassifier.MayHaveActed(ex, cancellationToken))
        {
            Logger.LogWarning("{Platform} publish of container {ContainerId} (post {PostId}) ended ambiguously; reconciling",
                Name, containerId, request.PostId);
            return await ReconcileAfterAmbiguousPublishAsync(request, call, containerId, ex, cancellationToken);
        }

        await handles.SetAsync(HandleKinds.Media, mediaId, cancellationToken);
        return await PublishedAsync(call, mediaId, cancellationToken);
    }

    protected override async Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Delete, Escape(request.PlatformPostId)), cancellationToken);
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False
                ? WithdrawOutcome.Failed(ErrorCodes.PlatformError, $"{Name} did not confirm deleting {request.PlatformPostId}; try again later.")
                : WithdrawOutcome.Withdrawn;
        }
        catch (PlatformCallException ex) when (GraphApiError.IsUnknownObject(ex.Failure))
        {
            // Already gone (deleted in the app, or by an earlier attempt whose answer was lost): the goal is reached.
            Logger.LogInformation("{Platform} post {PlatformPostId} no longer exists; treating the withdrawal as done", Name, request.PlatformPostId);
            return WithdrawOutcome.Withdrawn;
        }
    }

    /// <summary>Creates one container: <c>POST {user-id}/{containers}</c> with form fields → <c>{"id": …}</c>.</summary>
    protected async Task<string> CreateOneContainerAsync(AdapterCall call, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, $"{UserPath(call)}/{_edges.Containers}")
        {
            Content = new FormUrlEncodedContent(fields),
        };
        return IdOf(await SendAsync(call, message, cancellationToken), "container");
    }

    /// <summary>Waits until each carousel child has been processed; a child that failed fails the post.</summary>
    protected async Task EnsureChildrenProcessedAsync(AdapterCall call, IEnumerable<string> childIds, CancellationToken cancellationToken)
    {
        foreach (var childId in childIds)
        {
            var status = await WaitUntilProcessedAsync(call, childId, cancellationToken);
            if (status.Code != ContainerStatus.Finished)
                throw new PlatformCallException(NotReady(status));
        }
    }

    protected static string Escape(string id) => Uri.EscapeDataString(id);

    protected static string UserPath(AdapterCall call) => Escape(call.Account.PlatformAccountId);

    private async Task EnsurePublishingQuotaAsync(AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = Settings;
        if (!settings.CheckPublishingLimit)
            return;
        JsonElement body;
        try
        {
            body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, $"{UserPath(call)}/{_edges.PublishingLimit}?fields=quota_usage,config"), cancellationToken);
        }
        catch (PlatformCallException ex) when (ex.Failure.Code is not (ErrorCodes.AuthExpired or ErrorCodes.RateLimited))
        {
            // The check is a courtesy; the publish call enforces the limit itself.
            Logger.LogInformation("{Platform} publishing-limit check failed ({Code}); publishing anyway", Name, ex.Failure.PlatformCode);
            return;
        }
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array
            || data.GetArrayLength() == 0)
            return;
        var usage = data[0];
        if (usage.ValueKind != JsonValueKind.Object
            || !usage.TryGetProperty("quota_usage", out var used) || !used.TryGetInt32(out var usedCount)
            || !usage.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object
            || !config.TryGetProperty("quota_total", out var total) || !total.TryGetInt32(out var totalCount))
            return;
        if (usedCount < totalCount)
            return;
        var window = config.TryGetProperty("quota_duration", out var duration) && duration.TryGetInt32(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : settings.PublishingLimitWindow;
        throw new PlatformCallException(new PlatformFailure(ErrorCodes.QuotaExhausted,
            $"The {Name} account has published {usedCount} of its {totalCount} posts allowed in a rolling {window.TotalHours:0.#} h; a slot frees up by the retry time at the latest.",
            Time.GetUtcNow() + window));
    }

    /// <summary>Polls <c>GET {container-id}?fields=…</c> until processing ends or the poll budget is spent.</summary>
    private async Task<ContainerStatus> WaitUntilProcessedAsync(AdapterCall call, string containerId, CancellationToken cancellationToken)
    {
        var polls = Math.Max(1, call.Options.MaxPolls);
        ContainerStatus status = new(ContainerStatus.InProgress, null);
        for (var poll = 0; poll < polls; poll++)
        {
            if (poll > 0)
                await DelayAsync(call.Options.PollInterval, cancellationToken);
            status = await ReadStatusAsync(call, containerId, cancellationToken);
            if (status.Code != ContainerStatus.InProgress)
                return status;
        }
        return status;
    }

    private async Task<ContainerStatus> ReadStatusAsync(AdapterCall call, string containerId, CancellationToken cancellationToken)
    {
        var body = await SendAsync(call,
            new HttpRequestMessage(HttpMethod.Get, $"{Escape(containerId)}?fields={_edges.StatusField},{_edges.StatusDetailField}"), cancellationToken);
        var code = JsonProbe.Scalar(body, _edges.StatusField)
            ?? throw new PlatformCallException(PlatformFailure.Transient(Name, null, $"The container status had no {_edges.StatusField}."));
        return new ContainerStatus(code, JsonProbe.Scalar(body, _edges.StatusDetailField));
    }

    /// <summary>The status of a container from an earlier attempt, or null when the platform no longer knows it.</summary>
    private async Task<ContainerStatus?> TryReadStatusAsync(AdapterCall call, string containerId, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadStatusAsync(call, containerId, cancellationToken);
        }
        catch (PlatformCallException ex) when (GraphApiError.IsUnknownObject(ex.Failure))
        {
            return null;
        }
    }

    /// <summary>The status of a container (null: the platform no longer knows it), or why it could not be read.</summary>
    private async Task<(ContainerStatus? Status, LookupResult.Unknown? Unknown)> LookUpStatusAsync(AdapterCall call, string containerId,
        CancellationToken cancellationToken)
    {
        ContainerStatus? status = null;
        var result = await LookUpAsync($"the status of container {containerId}", async () =>
        {
            status = await TryReadStatusAsync(call, containerId, cancellationToken);
            return LookupResult.Absent;
        }, cancellationToken);
        return (status, result as LookupResult.Unknown);
    }

    private string Check(AdapterCall call, DateTimeOffset since) =>
        $"Check the {DisplayName} account {call.Account.Handle}'s posts since {Minute(since)}, then resolve the target with resolve_target.";

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    /// <summary><c>POST {user-id}/{publish}?creation_id=…</c> → <c>{"id": media-id}</c>. Not retry-safe: whether a second publish of the same container is refused is unverified.</summary>
    private async Task<string> PublishContainerAsync(AdapterCall call, string containerId, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, $"{UserPath(call)}/{_edges.Publish}?creation_id={Escape(containerId)}");
        return IdOf(await SendAsync(call, message, cancellationToken), "published post");
    }

    /// <summary>The post is live: read its permalink. A failure here no longer changes the outcome, only the URL.</summary>
    private async Task<PublishOutcome> PublishedAsync(AdapterCall call, string mediaId, CancellationToken cancellationToken)
    {
        try
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, $"{Escape(mediaId)}?fields=permalink"), cancellationToken);
            return PublishOutcome.Published(mediaId, JsonProbe.Scalar(body, "permalink"));
        }
        catch (Exception ex) when (ex is PlatformCallException || PlatformErrorClassifier.IsNoAnswer(ex, cancellationToken))
        {
            Logger.LogInformation("{Platform} post {MediaId} is live but its permalink could not be read", Name, mediaId);
            return PublishOutcome.Published(mediaId, null);
        }
    }

    private async Task<PublishOutcome> ReconcileAfterAmbiguousPublishAsync(PublishRequest request, AdapterCall call, string containerId,
        Exception cause, CancellationToken cancellationToken)
    {
        var original = (cause as PlatformCallException)?.Failure;
        var (status, unknown) = await LookUpStatusAsync(call, containerId, cancellationToken);
        if (unknown is not null)
        {
            var requestedAt = ParseTime(await request.Handles.GetAsync(HandleKinds.PublishRequestedAt, cancellationToken)) ?? Time.GetUtcNow();
            return NeedsReconciliation($"{DisplayName} did not answer the publish of container {containerId}, so it may have published the post",
                unknown, Check(call, requestedAt));
        }
        if (status?.Code == ContainerStatus.Published)
            return await ReconcilePublishedAsync(request, call, cancellationToken);
        // Not published (or the container is gone): a retry publishes the same container, or creates a new one.
        return new PlatformFailure(ErrorCodes.PlatformError,
            $"{Name} did not publish the post (container {status?.Code ?? "gone"}); try again later — a retry will not post twice.",
            null, original?.PlatformCode, original?.PlatformMessage).ToPublishOutcome();
    }

    /// <summary>
    /// The container says PUBLISHED but we have no post id (the answer was lost). Meta's container has no field that
    /// names its post, so we look for it among the account's latest posts: same text, published no earlier than our
    /// request (less a clock-skew margin), the earliest such post.
    /// </summary>
    private async Task<PublishOutcome> ReconcilePublishedAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        var settings = Settings;
        var requestedAt = await request.Handles.GetAsync(HandleKinds.PublishRequestedAt, cancellationToken) is { } stored
            && DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : Time.GetUtcNow() - settings.ContainerLifetime;
        var since = requestedAt - settings.ReconcileClockSkew;
        var text = Normalize(PublishedText(request) ?? "");

        var path = $"{UserPath(call)}/{PostsEdge(request)}?fields=id,{_edges.TextField},timestamp,permalink&limit={Math.Max(1, settings.ReconcileScanLimit)}";
        (string? Id, string Text, DateTimeOffset? At, string? Permalink) match = default;
        var found = await LookUpAsync("the account's latest posts", async () =>
        {
            var body = await SendAsync(call, new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw UnreadableAnswer();
            match = data.EnumerateArray()
                .Select(post => (Id: JsonProbe.Scalar(post, "id"), Text: JsonProbe.Scalar(post, _edges.TextField) ?? "", At: Timestamp(post), Permalink: JsonProbe.Scalar(post, "permalink")))
                .Where(post => post.Id is not null && post.At is { } at && at >= since && string.Equals(Normalize(post.Text), text, StringComparison.Ordinal))
                .OrderBy(post => post.At)
                .FirstOrDefault();
            return LookupResult.Absent;
        }, cancellationToken);
        if (found is LookupResult.Unknown unknown)
            return NeedsReconciliation($"{DisplayName} reports the post as published but did not say its id", unknown, Check(call, requestedAt));
        if (match.Id is null)
        {
            // Published for certain, yet not where it should be: only a person can say which post is ours.
            return PublishOutcome.NeedsReconciliation(
                $"{DisplayName} reports the post as published, but it is not among the account's latest {settings.ReconcileScanLimit} posts, so its id is unknown. {Check(call, requestedAt)}");
        }

        Logger.LogInformation("{Platform} post {PostId} was already published as {MediaId}; reusing it", Name, request.PostId, match.Id);
        await request.Handles.SetAsync(HandleKinds.Media, match.Id, cancellationToken);
        return match.Permalink is not null
            ? PublishOutcome.Published(match.Id, match.Permalink)
            : await PublishedAsync(call, match.Id, cancellationToken);
    }

    private PlatformFailure NotReady(ContainerStatus status) => status.Code switch
    {
        ContainerStatus.Error => new PlatformFailure(ErrorCodes.MediaUploadFailed,
            $"{Name} could not process the media (container status ERROR); check that each URL is public and the file meets the format limits.",
            null, status.Code, status.Detail),
        ContainerStatus.Expired => new PlatformFailure(ErrorCodes.PlatformError,
            $"The {Name} container expired before it was published; a retry creates a new one.", null, status.Code, status.Detail),
        ContainerStatus.InProgress => new PlatformFailure(ErrorCodes.PlatformError,
            $"{Name} is still processing the media; try again later — a retry resumes with the same container.", null, status.Code, status.Detail),
        _ => new PlatformFailure(ErrorCodes.PlatformError, $"{Name} reported an unexpected container status.", null, status.Code, status.Detail),
    };

    private string IdOf(JsonElement body, string what) => JsonProbe.Scalar(body, "id")
        ?? throw new PlatformCallException(PlatformFailure.Transient(Name, null, $"The {what} response had no id."));

    /// <summary>Graph timestamps look like <c>2024-05-01T10:00:00+0000</c>; the general parser reads the colon-less offset.</summary>
    private static DateTimeOffset? Timestamp(JsonElement post) =>
        JsonProbe.Scalar(post, "timestamp") is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    /// <summary>Compares texts as the platform may store them: line endings unified, outer whitespace trimmed.</summary>
    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
