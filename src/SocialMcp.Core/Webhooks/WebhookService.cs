using Microsoft.Extensions.Options;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Webhooks;

/// <summary>A created endpoint or a rotated secret: the only two answers that carry the secret, once.</summary>
public sealed record WebhookWithSecret(WebhookEndpoint Endpoint, string Secret);

/// <summary>A replay: the new deliveries (same event ids, so the same <c>webhook-id</c>).</summary>
public sealed record WebhookReplay(IReadOnlyList<string> DeliveryIds, IReadOnlyList<string> EventIds);

/// <summary>What a test send did: the attempt, or null when the endpoint was deleted meanwhile.</summary>
public sealed record WebhookTestResult(string EventId, string DeliveryId, WebhookAttempt? Attempt);

/// <summary>
/// Webhook endpoints (create, list, delete, rotate), the delivery log and replay, and test sends (docs/webhooks.md). Secrets
/// are kept through <see cref="ITokenCipher"/> (a vault reference in the row) and returned only by create and rotate.
/// </summary>
public sealed class WebhookService(
    IStore store,
    ITokenCipher cipher,
    IWebhookUrlGuard urlGuard,
    WebhookOutbox outbox,
    WebhookDeliverer deliverer,
    WebhookSignal signal,
    PublisherIdentity identity,
    TimeProvider time,
    IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>Most events one range replay re-sends.</summary>
    public const int MaxReplay = 1000;

    public async Task<WebhookWithSecret> CreateAsync(string workspaceId, string url, string? description, IReadOnlyList<string>? eventTypes,
        CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        if (eventTypes is not null)
        {
            for (var i = 0; i < eventTypes.Count; i++)
            {
                if (!WebhookEventTypes.All.Contains(eventTypes[i], StringComparer.Ordinal))
                    problems.Add(new Problem(ErrorCodes.ValidationFailed, $"'{eventTypes[i]}' is not a webhook event type.", $"$.eventTypes[{i}]",
                        Hint: "Use one of: " + string.Join(", ", WebhookEventTypes.All) + "; or omit eventTypes for all of them."));
            }
            if (eventTypes.Count == 0)
                problems.Add(new Problem(ErrorCodes.ValidationFailed, "eventTypes is empty: the endpoint would receive nothing.", "$.eventTypes",
                    Hint: "Name at least one event type, or omit eventTypes for all of them."));
        }
        if (description is { Length: > 200 })
            problems.Add(new Problem(ErrorCodes.ValidationFailed, "description is longer than 200 characters.", "$.description", Hint: "Shorten it."));
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
        var uri = await CheckUrlAsync(url, cancellationToken);

        var now = time.GetUtcNow();
        var secret = WebhookSigner.NewSecret();
        var endpoint = new WebhookEndpoint("whk_" + Guid.CreateVersion7(now).ToString("N"), workspaceId, uri.AbsoluteUri, description,
            eventTypes?.Distinct(StringComparer.Ordinal).ToList(), cipher.Protect(secret), null, null, null, null, 0, now, now);
        var max = options.CurrentValue.MaxEndpointsPerWorkspace;
        await store.WriteAsync(async session =>
        {
            if (await session.Webhooks.CountEndpointsAsync(workspaceId, cancellationToken) >= max)
                throw new LimitReachedException(new Problem(ErrorCodes.WebhookLimitReached, $"This workspace has {max} webhook endpoints already.",
                    Hint: "Delete one you no longer use (delete_webhook), or raise Webhooks:MaxEndpointsPerWorkspace."));
            await session.Webhooks.InsertEndpointAsync(endpoint, cancellationToken);
            return true;
        }, cancellationToken);
        return new WebhookWithSecret(endpoint, secret);
    }

    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string workspaceId, CancellationToken cancellationToken) =>
        store.ReadAsync(session => session.Webhooks.ListEndpointsAsync(workspaceId, cancellationToken), cancellationToken);

    public async Task<WebhookEndpoint> GetAsync(string workspaceId, string webhookId, CancellationToken cancellationToken) =>
        await store.ReadAsync(session => session.Webhooks.GetEndpointAsync(workspaceId, webhookId, cancellationToken), cancellationToken)
        ?? throw NotFound(webhookId);

    public async Task<WebhookEndpoint> DeleteAsync(string workspaceId, string webhookId, CancellationToken cancellationToken) =>
        await store.WriteAsync(async session =>
        {
            var endpoint = await session.Webhooks.GetEndpointAsync(workspaceId, webhookId, cancellationToken) ?? throw NotFound(webhookId);
            await session.Webhooks.DeleteEndpointAsync(workspaceId, webhookId, cancellationToken);
            return endpoint;
        }, cancellationToken);

    /// <summary>A new secret; the current one becomes the previous and still signs (a second signature) for <c>Webhooks:SecretOverlap</c>.</summary>
    public async Task<WebhookWithSecret> RotateSecretAsync(string workspaceId, string webhookId, CancellationToken cancellationToken)
    {
        var secret = WebhookSigner.NewSecret();
        var reference = cipher.Protect(secret);
        var endpoint = await store.WriteAsync(async session =>
        {
            var endpoint = await session.Webhooks.GetEndpointAsync(workspaceId, webhookId, cancellationToken) ?? throw NotFound(webhookId);
            var now = time.GetUtcNow();
            var expires = now + options.CurrentValue.SecretOverlap;
            await session.Webhooks.RotateSecretAsync(endpoint.Id, reference, endpoint.SecretReference, expires, now, cancellationToken);
            return endpoint with { SecretReference = reference, PreviousSecretReference = endpoint.SecretReference, PreviousSecretExpiresAt = expires, UpdatedAt = now };
        }, cancellationToken);
        return new WebhookWithSecret(endpoint, secret);
    }

    /// <summary>Sends a <c>webhook.test</c> event to the endpoint now (once, not retried) and answers how the attempt went.</summary>
    public async Task<WebhookTestResult> TestAsync(string workspaceId, string webhookId, CancellationToken cancellationToken)
    {
        var (eventId, deliveryId) = await store.WriteAsync(async session =>
        {
            var endpoint = await session.Webhooks.GetEndpointAsync(workspaceId, webhookId, cancellationToken) ?? throw NotFound(webhookId);
            var now = time.GetUtcNow();
            var id = await outbox.RecordForEndpointsAsync(session, workspaceId, WebhookEventTypes.WebhookTest, [endpoint.Id],
                new Dictionary<string, string?> { ["webhookId"] = endpoint.Id, ["message"] = "A test event from SocialMcp." }, cancellationToken);
            var deliveries = await session.Webhooks.ListDeliveriesAsync(workspaceId, new WebhookDeliveryQuery(EndpointId: endpoint.Id, EventId: id, Limit: 1), cancellationToken);
            var delivery = deliveries[0];
            // Leased here, in the transaction that made it, so the worker cannot send it too.
            await session.Webhooks.ClaimDueDeliveryAsync(identity.Owner, now, now + options.CurrentValue.AttemptTimeout + TimeSpan.FromSeconds(30), delivery.Id, cancellationToken);
            return (id, delivery.Id);
        }, cancellationToken);
        var attempt = await deliverer.DeliverAsync(deliveryId, cancellationToken);
        return new WebhookTestResult(eventId, deliveryId, attempt);
    }

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string workspaceId, WebhookDeliveryQuery query, CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        if (query.Status is { } status && !WebhookDeliveryStatus.All.Contains(status, StringComparer.Ordinal))
            problems.Add(new Problem(ErrorCodes.ValidationFailed, $"'{status}' is not a delivery status.", "$.status",
                Hint: "Use pending, succeeded, failed or cancelled."));
        if (query.EventType is { } type && type != WebhookEventTypes.WebhookTest && !WebhookEventTypes.All.Contains(type, StringComparer.Ordinal))
            problems.Add(new Problem(ErrorCodes.ValidationFailed, $"'{type}' is not a webhook event type.", "$.eventType",
                Hint: "Use one of: " + string.Join(", ", WebhookEventTypes.All) + ", webhook.test."));
        if (query.From is { } from && query.To is { } to && from >= to)
            problems.Add(new Problem(ErrorCodes.ValidationFailed, "from must be before to.", "$.from", Hint: "The range is [from, to)."));
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
        return store.ReadAsync(session => session.Webhooks.ListDeliveriesAsync(workspaceId, query with { Limit = Math.Clamp(query.Limit, 1, 200) }, cancellationToken),
            cancellationToken);
    }

    /// <summary>One delivery and every attempt it made.</summary>
    public async Task<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)> GetDeliveryAsync(string workspaceId, string deliveryId,
        CancellationToken cancellationToken) =>
        await store.ReadAsync(async session =>
        {
            var delivery = await session.Webhooks.GetDeliveryAsync(workspaceId, deliveryId, cancellationToken) ?? throw DeliveryNotFound(deliveryId);
            return (delivery, await session.Webhooks.ListAttemptsAsync(deliveryId, cancellationToken));
        }, cancellationToken);

    /// <summary>Replays one delivery: a new delivery of the same event (same <c>webhook-id</c>) to the same endpoint, due now.</summary>
    public async Task<WebhookReplay> ReplayDeliveryAsync(string workspaceId, string deliveryId, CancellationToken cancellationToken)
    {
        var replay = await store.WriteAsync(async session =>
        {
            var delivery = await session.Webhooks.GetDeliveryAsync(workspaceId, deliveryId, cancellationToken) ?? throw DeliveryNotFound(deliveryId);
            await RequireEnabledAsync(session, workspaceId, delivery.EndpointId, "$.deliveryId", cancellationToken);
            var id = await session.Webhooks.InsertDeliveryAsync(delivery.EventId, delivery.EndpointId, time.GetUtcNow(), cancellationToken);
            return new WebhookReplay([id], [delivery.EventId]);
        }, cancellationToken);
        signal.Poke();
        return replay;
    }

    /// <summary>Replays every event of the endpoint's subscription created in [from, to), oldest first (at most <see cref="MaxReplay"/>).</summary>
    public async Task<WebhookReplay> ReplayRangeAsync(string workspaceId, string webhookId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        if (from >= to)
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "from must be before to.", "$.from", Hint: "The range is [from, to).")]);
        var replay = await store.WriteAsync(async session =>
        {
            var endpoint = await RequireEnabledAsync(session, workspaceId, webhookId, "$.webhookId", cancellationToken);
            var events = await session.Webhooks.ListEventIdsAsync(workspaceId, endpoint.EventTypes, from, to, MaxReplay, cancellationToken);
            var now = time.GetUtcNow();
            var deliveries = new List<string>(events.Count);
            foreach (var eventId in events)
                deliveries.Add(await session.Webhooks.InsertDeliveryAsync(eventId, endpoint.Id, now, cancellationToken));
            return new WebhookReplay(deliveries, events);
        }, cancellationToken);
        signal.Poke();
        return replay;
    }

    private static async Task<WebhookEndpoint> RequireEnabledAsync(IStoreSession session, string workspaceId, string webhookId, string path,
        CancellationToken cancellationToken)
    {
        var endpoint = await session.Webhooks.GetEndpointAsync(workspaceId, webhookId, cancellationToken) ?? throw NotFound(webhookId);
        if (endpoint.DisabledAt is not null)
            throw new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition, $"Webhook '{webhookId}' is disabled ({endpoint.DisabledReason}).", path,
                Hint: "Fix the receiver, then create the endpoint again (create_webhook) and replay the range you missed to it."));
        return endpoint;
    }

    private async Task<Uri> CheckUrlAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.UserInfo))
            throw Refused("The webhook URL is not an absolute https URL (without user name or password).");
        if (await urlGuard.RefusalAsync(uri, cancellationToken) is { } refusal)
            throw Refused(refusal);
        return uri;
    }

    private static DomainValidationException Refused(string message) => new([new Problem(ErrorCodes.WebhookUrlRefused, message, "$.url",
        Hint: "Give a public https URL of your receiver; for a receiver on this machine or a private network, add its host to Media:AllowedHosts.")]);

    private static NotFoundException NotFound(string webhookId) => new(new Problem(ErrorCodes.WebhookNotFound,
        $"No webhook with id '{webhookId}' exists in this workspace.", "$.webhookId", Hint: "Call list_webhooks for the ids."));

    private static NotFoundException DeliveryNotFound(string deliveryId) => new(new Problem(ErrorCodes.WebhookDeliveryNotFound,
        $"No webhook delivery with id '{deliveryId}' exists in this workspace.", "$.deliveryId", Hint: "Call list_webhook_deliveries for the ids."));
}
