namespace SocialMcp.Core.Webhooks;

/// <summary>A workspace's webhook endpoint. The secrets are vault references (<see cref="Publishing.ITokenCipher"/>), never secrets.</summary>
/// <param name="EventTypes">The subscribed types; null: every type of <see cref="WebhookEventTypes.All"/>.</param>
public sealed record WebhookEndpoint(
    string Id,
    string WorkspaceId,
    string Url,
    string? Description,
    IReadOnlyList<string>? EventTypes,
    string SecretReference,
    string? PreviousSecretReference,
    DateTimeOffset? PreviousSecretExpiresAt,
    DateTimeOffset? DisabledAt,
    string? DisabledReason,
    int ConsecutiveFailures,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Delivery statuses: <c>pending</c> (due at its next attempt), <c>succeeded</c>, <c>failed</c> (gave up), <c>cancelled</c>.</summary>
public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static IReadOnlyList<string> All { get; } = [Pending, Succeeded, Failed, Cancelled];
}

/// <summary>One row of the delivery log.</summary>
public sealed record WebhookDelivery(
    string Id,
    string EventId,
    string EventType,
    string? PostId,
    string EndpointId,
    string Status,
    int AttemptCount,
    int? LastStatusCode,
    int? LastLatencyMs,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset EventCreatedAt,
    DateTimeOffset CreatedAt);

/// <summary>What the delivery log filters on; every filter is optional. [From, To) bounds the event's creation.</summary>
public sealed record WebhookDeliveryQuery(
    string? EndpointId = null,
    string? Status = null,
    string? EventType = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = 50,
    string? EventId = null);

/// <summary>One attempt of a delivery. <paramref name="Outcome"/>: <c>succeeded</c> or <c>failed</c>.</summary>
public sealed record WebhookAttempt(
    string DeliveryId,
    int Attempt,
    DateTimeOffset AttemptedAt,
    string Outcome,
    int? StatusCode,
    int LatencyMs,
    string? Error);

/// <summary>Everything one attempt needs: the delivery, its event's stored body and the endpoint's address and secrets.</summary>
public sealed record WebhookDeliveryWork(
    string DeliveryId,
    string EventId,
    string EventType,
    string Payload,
    string EndpointId,
    string WorkspaceId,
    string Url,
    string SecretReference,
    string? PreviousSecretReference,
    DateTimeOffset? PreviousSecretExpiresAt,
    bool EndpointDisabled,
    int AttemptCount,
    DateTimeOffset CreatedAt);
