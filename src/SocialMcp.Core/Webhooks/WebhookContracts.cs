namespace SocialMcp.Core.Webhooks;

/// <summary>
/// One event in the outbox: written in the transaction of the change it reports, with one delivery row per endpoint that
/// subscribed to its type at that moment, so a crash can lose neither. <see cref="Id"/> is the Standard Webhooks
/// <c>webhook-id</c> (<c>msg_…</c>): the same on every attempt and every replay, so receivers can drop duplicates.
/// </summary>
/// <param name="Payload">The whole JSON body sent: <c>{"type", "timestamp", "data"}</c>.</param>
public sealed record WebhookEvent(
    string Id,
    string WorkspaceId,
    string Type,
    string? PostId,
    string Payload,
    DateTimeOffset CreatedAt);

/// <summary>
/// The outbox side of the webhook store: what a change's transaction writes. Delivery, endpoints, the log and replay are
/// the webhook service's (same repository, more methods).
/// </summary>
public interface IWebhookRepository
{
    /// <summary>The enabled endpoints of the workspace that take <paramref name="eventType"/> (all of its types, or that one).</summary>
    Task<IReadOnlyList<string>> ListSubscribedEndpointIdsAsync(string workspaceId, string eventType, CancellationToken cancellationToken);

    /// <summary>Stores the event and a pending delivery of it to each endpoint, due now.</summary>
    Task EnqueueAsync(WebhookEvent webhookEvent, IReadOnlyList<string> endpointIds, CancellationToken cancellationToken);
}
