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

    // Endpoints.
    Task InsertEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);
    Task<WebhookEndpoint?> GetEndpointAsync(string workspaceId, string endpointId, CancellationToken cancellationToken);
    Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string workspaceId, CancellationToken cancellationToken);
    Task<int> CountEndpointsAsync(string workspaceId, CancellationToken cancellationToken);

    /// <summary>Deletes the endpoint with its deliveries and their attempts; the events stay (other endpoints may have them).</summary>
    Task<bool> DeleteEndpointAsync(string workspaceId, string endpointId, CancellationToken cancellationToken);

    Task<bool> RotateSecretAsync(string endpointId, string secretReference, string previousSecretReference, DateTimeOffset previousExpiresAt,
        DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Disables the endpoint (when still enabled) and cancels its pending deliveries.</summary>
    Task<bool> DisableEndpointAsync(string endpointId, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    // Delivery.

    /// <summary>Whether some pending delivery is due and free to claim: a read, so an idle worker never takes the write lock.</summary>
    Task<bool> AnyDueDeliveryAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Leases one due pending delivery (or only <paramref name="deliveryId"/>) whose lease is free and that no earlier event
    /// of the same post still waits for at the same endpoint; null when there is none.
    /// </summary>
    Task<string?> ClaimDueDeliveryAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, string? deliveryId, CancellationToken cancellationToken);

    /// <summary>The owners of leases on pending deliveries that have not run out.</summary>
    Task<IReadOnlyList<string>> ListLeaseOwnersAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Frees the pending deliveries leased by <paramref name="owners"/> (processes that are gone).</summary>
    Task<int> ReleaseLeasesAsync(IReadOnlyCollection<string> owners, CancellationToken cancellationToken);

    Task<WebhookDeliveryWork?> GetDeliveryWorkAsync(string deliveryId, CancellationToken cancellationToken);

    /// <summary>
    /// Records an attempt and the delivery's new state (lease released): <paramref name="status"/> and, when pending, the
    /// next attempt. False when the delivery is no longer pending (cancelled or deleted meanwhile): nothing is written.
    /// </summary>
    Task<bool> CompleteAttemptAsync(WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Sets the endpoint's run of failed attempts (0 after a success).</summary>
    Task SetConsecutiveFailuresAsync(string endpointId, int failures, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>When the endpoint's current run of failed attempts began (the first failure after its last success), if failing.</summary>
    Task<DateTimeOffset?> FailingSinceAsync(string endpointId, CancellationToken cancellationToken);

    // The log and replay.
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string workspaceId, WebhookDeliveryQuery query, CancellationToken cancellationToken);
    Task<WebhookDelivery?> GetDeliveryAsync(string workspaceId, string deliveryId, CancellationToken cancellationToken);
    Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string deliveryId, CancellationToken cancellationToken);

    /// <summary>A new pending delivery, due now, of a stored event to an endpoint (a replay); returns its id.</summary>
    Task<string> InsertDeliveryAsync(string eventId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The workspace's events created in [from, to) of the given types (null: any but webhook.test), oldest first.</summary>
    Task<IReadOnlyList<string>> ListEventIdsAsync(string workspaceId, IReadOnlyList<string>? eventTypes, DateTimeOffset from, DateTimeOffset to,
        int limit, CancellationToken cancellationToken);
}
