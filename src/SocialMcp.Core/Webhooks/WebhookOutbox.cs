using System.Text;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Webhooks;

/// <summary>
/// Turns changes into webhook events inside the transaction that makes the change (the transactional outbox): every post
/// status change passes <see cref="PostChangedAsync"/> (through <c>PostChanges</c>), target and account alarms call
/// <see cref="RecordAsync"/>. Nothing is written when no endpoint of the workspace takes the type, so a workspace without
/// webhooks pays one indexed lookup per change.
/// </summary>
public sealed class WebhookOutbox(TimeProvider time, WebhookSignal? signal = null)
{
    /// <summary>The post event type of a rejected approval, which returns the post to its earlier status without news.</summary>
    public const string RejectedChange = "approval_rejected";

    /// <summary>The post event type of a granted approval: the decision itself reports it (post.approved, and post.scheduled for a schedule).</summary>
    public const string GrantedChange = "approval_granted";

    /// <summary>The event a post's move from <paramref name="before"/> to <paramref name="after"/> raises, if any.</summary>
    /// <param name="change">The post event's type (<c>rescheduled</c>, <c>updated</c>, …): of the moves within scheduled, only a new time is news.</param>
    public static string? EventTypeFor(PostStatus? before, PostStatus after, string change) => after switch
    {
        _ when before == after && !(after == PostStatus.Scheduled && change == "rescheduled") => null,
        // A decision is reported as post.approved / post.rejected (PostService.Approval), not as the status it returns to.
        _ when before == PostStatus.AwaitingApproval && change is GrantedChange or RejectedChange => null,
        PostStatus.Draft when before is null => WebhookEventTypes.PostCreated,
        PostStatus.Scheduled when before is null => WebhookEventTypes.PostCreated,
        PostStatus.Scheduled => WebhookEventTypes.PostScheduled,
        PostStatus.Published => WebhookEventTypes.PostPublished,
        PostStatus.Partial => WebhookEventTypes.PostPartiallyPublished,
        PostStatus.Failed => WebhookEventTypes.PostFailed,
        PostStatus.Withdrawn => WebhookEventTypes.PostWithdrawn,
        PostStatus.Missed => WebhookEventTypes.PostMissed,
        PostStatus.AwaitingApproval => WebhookEventTypes.PostAwaitingApproval,
        _ => null,
    };

    /// <summary>
    /// Records the events of a post change: <c>post.created</c> (and <c>post.scheduled</c> when created scheduled) for a new
    /// post (<paramref name="before"/> null), otherwise the event of its new status.
    /// </summary>
    public async Task PostChangedAsync(IStoreSession session, PostStatus? before, Post after, string change, CancellationToken cancellationToken)
    {
        if (EventTypeFor(before, after.Status, change) is not { } type)
            return;
        await RecordPostAsync(session, type, after, null, cancellationToken);
        if (before is null && after.Status == PostStatus.Scheduled)
            await RecordPostAsync(session, WebhookEventTypes.PostScheduled, after, null, cancellationToken);
    }

    /// <summary>A post event with the post's summary and its targets as data; <paramref name="extra"/> adds fields to data.</summary>
    public async Task RecordPostAsync(IStoreSession session, string type, Post post, IReadOnlyDictionary<string, string?>? extra,
        CancellationToken cancellationToken)
    {
        var endpoints = await session.Webhooks.ListSubscribedEndpointIdsAsync(post.WorkspaceId, type, cancellationToken);
        if (endpoints.Count == 0)
            return;
        var targets = await session.Targets.ListForPostAsync(post.Id, cancellationToken);
        await EnqueueAsync(session, post.WorkspaceId, type, post.Id, endpoints, writer => WritePost(writer, post, targets, extra), cancellationToken);
    }

    /// <summary>An event that is not a post's (an account's, a webhook's): <paramref name="data"/> become data's string fields.</summary>
    public async Task RecordAsync(IStoreSession session, string workspaceId, string type, IReadOnlyDictionary<string, string?> data,
        CancellationToken cancellationToken, string? postId = null)
    {
        var endpoints = await session.Webhooks.ListSubscribedEndpointIdsAsync(workspaceId, type, cancellationToken);
        if (endpoints.Count == 0)
            return;
        await EnqueueAsync(session, workspaceId, type, postId, endpoints, writer => WriteFields(writer, data), cancellationToken);
    }

    /// <summary>A new event id: <c>msg_</c> and a time-ordered GUID, so ids sort by creation.</summary>
    public static string NewEventId(DateTimeOffset now) => "msg_" + Guid.CreateVersion7(now).ToString("N");

    /// <summary>An event sent to the named endpoints only, whatever they subscribe to (<c>webhook.test</c>); returns its id.</summary>
    public Task<string> RecordForEndpointsAsync(IStoreSession session, string workspaceId, string type, IReadOnlyList<string> endpointIds,
        IReadOnlyDictionary<string, string?> data, CancellationToken cancellationToken) =>
        EnqueueAsync(session, workspaceId, type, null, endpointIds, writer => WriteFields(writer, data), cancellationToken);

    private async Task<string> EnqueueAsync(IStoreSession session, string workspaceId, string type, string? postId, IReadOnlyList<string> endpoints,
        Action<Utf8JsonWriter> writeData, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var payload = Envelope(type, now, writeData);
        var id = NewEventId(now);
        await session.Webhooks.EnqueueAsync(new WebhookEvent(id, workspaceId, type, postId, payload, now), endpoints, cancellationToken);
        // Inside the transaction: the worker's claim is a write, so it waits for this commit and then sees the deliveries.
        signal?.Poke();
        return id;
    }

    /// <summary>The Standard Webhooks body: <c>{"type": …, "timestamp": …, "data": {…}}</c>.</summary>
    public static string Envelope(string type, DateTimeOffset timestamp, Action<Utf8JsonWriter> writeData)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("timestamp", timestamp.ToUniversalTime());
            writer.WritePropertyName("data");
            writer.WriteStartObject();
            writeData(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WritePost(Utf8JsonWriter writer, Post post, IReadOnlyList<PostTarget> targets, IReadOnlyDictionary<string, string?>? extra)
    {
        writer.WriteString("postId", post.Id);
        writer.WriteString("workspaceId", post.WorkspaceId);
        writer.WriteString("platformSetId", post.PlatformSetId);
        writer.WriteString("status", post.Status.ToWireName());
        writer.WriteNumber("version", post.Version);
        if (post.ScheduledFor is { } scheduledFor)
            writer.WriteString("scheduledFor", scheduledFor.ToUniversalTime());
        writer.WriteStartArray("targets");
        foreach (var target in targets)
        {
            writer.WriteStartObject();
            writer.WriteString("platform", target.Platform.ToWireName());
            writer.WriteString("status", target.Status.ToWireName());
            if (target.PlatformPostId is { } platformPostId) writer.WriteString("platformPostId", platformPostId);
            if (target.PublicUrl is { } publicUrl) writer.WriteString("publicUrl", publicUrl);
            if (target.ErrorCode is { } errorCode) writer.WriteString("errorCode", errorCode);
            if (target.ErrorMessage is { } errorMessage) writer.WriteString("errorMessage", errorMessage);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (extra is not null)
            WriteFields(writer, extra);
    }

    private static void WriteFields(Utf8JsonWriter writer, IReadOnlyDictionary<string, string?> fields)
    {
        foreach (var (name, value) in fields)
        {
            if (value is null) writer.WriteNull(name);
            else writer.WriteString(name, value);
        }
    }
}
