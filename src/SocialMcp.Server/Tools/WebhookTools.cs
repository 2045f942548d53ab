using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Webhooks;
using SocialMcp.Server.Access;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>Webhook endpoints, their delivery log and replay (issue 16, docs/webhooks.md). Every tool needs webhooks:write.</summary>
[McpServerToolType]
public sealed class WebhookTools(WebhookService webhooks, IWorkspaceContext workspace, TimeProvider time)
{
    [McpServerTool(Name = "create_webhook", Title = "Create a webhook endpoint", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.WebhooksWrite, ToolOperation.Create)]
    [Description("""
        Creates a webhook endpoint: the server POSTs signed events (Standard Webhooks: webhook-id, webhook-timestamp,
        webhook-signature headers) to url as they happen. eventTypes subscribes to some types only (omit for all). The answer
        carries the signing secret (whsec_…) ONCE: store it in the receiver now; it is never shown again (rotate_webhook_secret
        makes a new one). url must be https and public (plain http or a private address only for a host in Media:AllowedHosts).
        Errors: WEBHOOK_URL_REFUSED ($.url), VALIDATION_FAILED (an unknown event type at $.eventTypes[i]), WEBHOOK_LIMIT_REACHED.
        """)]
    public async Task<CallToolResult> CreateWebhook(string url, string? description = null, IReadOnlyList<string>? eventTypes = null,
        CancellationToken cancellationToken = default)
    {
        var created = await webhooks.CreateAsync(workspace.WorkspaceId, url, description, eventTypes, cancellationToken);
        return ToolResults.Success(new WebhookSecretResult(
            $"Created webhook {created.Endpoint.Id}. Store the secret now in the receiver: it is shown only this once.",
            created.Endpoint.ToResult(time.GetUtcNow()), created.Secret));
    }

    [McpServerTool(Name = "list_webhooks", Title = "List webhook endpoints", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.WebhooksWrite, ToolOperation.Read)]
    [Description("""
        Lists the workspace's webhook endpoints: url, subscribed eventTypes (omitted: all), status enabled or disabled (with
        disabledAt and disabledReason: an endpoint that failed every attempt for Webhooks:DisableAfter is disabled and a
        webhook.disabled event goes to the other endpoints), consecutiveFailures, and previousSecretValidUntil during a
        rotation's overlap. Never a secret.
        """)]
    public async Task<CallToolResult> ListWebhooks(CancellationToken cancellationToken = default)
    {
        var endpoints = await webhooks.ListAsync(workspace.WorkspaceId, cancellationToken);
        var now = time.GetUtcNow();
        return ToolResults.Success(new WebhookListResult($"{endpoints.Count} webhook endpoint(s).", endpoints.Select(e => e.ToResult(now)).ToList()));
    }

    [McpServerTool(Name = "delete_webhook", Title = "Delete a webhook endpoint", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.WebhooksWrite, ToolOperation.Create)]
    [Description("""
        Deletes a webhook endpoint with its pending deliveries and its delivery log; nothing more is sent to it.
        Errors: WEBHOOK_NOT_FOUND (see list_webhooks).
        """)]
    public async Task<CallToolResult> DeleteWebhook(string webhookId, CancellationToken cancellationToken = default)
    {
        var deleted = await webhooks.DeleteAsync(workspace.WorkspaceId, webhookId, cancellationToken);
        return ToolResults.Success(new WebhookDeletedResult($"Deleted webhook {deleted.Id}.", deleted.Id, deleted.Url));
    }

    [McpServerTool(Name = "test_webhook", Title = "Send a test event to a webhook endpoint", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = true)]
    [ToolAccess(Scopes.WebhooksWrite, ToolOperation.Create)]
    [Description("""
        Sends a webhook.test event to the endpoint now, signed like every event, and answers how the one attempt went:
        outcome succeeded (a 2xx answer) or failed, statusCode, latencyMs and error. A test is not retried and does not count
        towards disabling. Errors: WEBHOOK_NOT_FOUND.
        """)]
    public async Task<CallToolResult> TestWebhook(string webhookId, CancellationToken cancellationToken = default)
    {
        var test = await webhooks.TestAsync(workspace.WorkspaceId, webhookId, cancellationToken);
        var attempt = test.Attempt;
        var outcome = attempt?.Outcome ?? WebhookDeliveryStatus.Cancelled;
        var summary = attempt is null ? "The endpoint was deleted before the test was sent."
            : attempt.Outcome == WebhookDeliveryStatus.Succeeded ? $"The endpoint answered {attempt.StatusCode} in {attempt.LatencyMs} ms."
            : $"The test failed: {attempt.Error}";
        return ToolResults.Success(new WebhookTestToolResult(summary, test.EventId, test.DeliveryId, outcome, attempt?.StatusCode, attempt?.LatencyMs, attempt?.Error));
    }

    [McpServerTool(Name = "rotate_webhook_secret", Title = "Rotate a webhook endpoint's signing secret", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.WebhooksWrite, ToolOperation.Create)]
    [Description("""
        Makes a new signing secret for the endpoint and answers it ONCE. The previous secret stays valid for
        Webhooks:SecretOverlap (default 24 h): meanwhile each delivery carries two signatures in webhook-signature (the new
        one first), so the receiver can switch to the new secret at any time in the overlap. Errors: WEBHOOK_NOT_FOUND.
        """)]
    public async Task<CallToolResult> RotateWebhookSecret(string webhookId, CancellationToken cancellationToken = default)
    {
        var rotated = await webhooks.RotateSecretAsync(workspace.WorkspaceId, webhookId, cancellationToken);
        return ToolResults.Success(new WebhookSecretResult(
            $"Rotated the secret of {rotated.Endpoint.Id}; the previous one also signs until {rotated.Endpoint.PreviousSecretExpiresAt:O}. Store the new secret now: it is shown only this once.",
            rotated.Endpoint.ToResult(time.GetUtcNow()), rotated.Secret));
    }

    [McpServerTool(Name = "list_webhook_deliveries", Title = "Read the webhook delivery log", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.WebhooksWrite, ToolOperation.Read)]
    [Description("""
        The delivery log, newest first: each delivery's id, eventId (the webhook-id), eventType, status (pending, succeeded,
        failed after Webhooks:RetryFor, cancelled when its endpoint was disabled), attempts, lastStatusCode, lastLatencyMs,
        lastError and nextAttemptAt. Filters: webhookId, status, eventType, from and to (the event's creation, [from, to), ISO
        8601 with an offset), limit (1-200, default 50). With deliveryId it answers that one delivery and every attempt it
        made. Errors: WEBHOOK_DELIVERY_NOT_FOUND, VALIDATION_FAILED (a bad status, eventType or time).
        """)]
    public async Task<CallToolResult> ListWebhookDeliveries(string? webhookId = null, string? status = null, string? eventType = null,
        string? from = null, string? to = null, int? limit = null, string? deliveryId = null, CancellationToken cancellationToken = default)
    {
        if (deliveryId is not null)
        {
            var (delivery, attempts) = await webhooks.GetDeliveryAsync(workspace.WorkspaceId, deliveryId, cancellationToken);
            return ToolResults.Success(new WebhookDeliveriesResult($"Delivery {delivery.Id}: {delivery.Status} after {delivery.AttemptCount} attempt(s).",
                [delivery.ToResult()], attempts.Select(a => a.ToResult()).ToList()));
        }
        var query = new WebhookDeliveryQuery(webhookId, status, eventType, ZonedTimes.ParseOptional(from, null, "$.from"),
            ZonedTimes.ParseOptional(to, null, "$.to"), limit ?? 50);
        var deliveries = await webhooks.ListDeliveriesAsync(workspace.WorkspaceId, query, cancellationToken);
        return ToolResults.Success(new WebhookDeliveriesResult($"{deliveries.Count} deliver(ies), newest first.", deliveries.Select(d => d.ToResult()).ToList(), null));
    }

    [McpServerTool(Name = "replay_webhook_deliveries", Title = "Replay webhook deliveries", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.WebhooksWrite, ToolOperation.Create)]
    [Description("""
        Sends events again, with the same webhook-id (receivers drop what they already have) and fresh signatures: either one
        delivery (deliveryId), or every event of an endpoint's subscription created in [from, to) (webhookId, from, to; ISO
        8601 with an offset; at most 1000 events, oldest first). Each replay is a new delivery row, so the log keeps the
        original. Errors: WEBHOOK_NOT_FOUND, WEBHOOK_DELIVERY_NOT_FOUND, INVALID_STATUS_TRANSITION (a disabled endpoint),
        VALIDATION_FAILED (neither deliveryId nor webhookId with from and to, or from not before to).
        """)]
    public async Task<CallToolResult> ReplayWebhookDeliveries(string? deliveryId = null, string? webhookId = null, string? from = null,
        string? to = null, CancellationToken cancellationToken = default)
    {
        WebhookReplay replay;
        if (deliveryId is not null)
            replay = await webhooks.ReplayDeliveryAsync(workspace.WorkspaceId, deliveryId, cancellationToken);
        else if (webhookId is not null && from is not null && to is not null)
            replay = await webhooks.ReplayRangeAsync(workspace.WorkspaceId, webhookId, ZonedTimes.Parse(from, null, "$.from"),
                ZonedTimes.Parse(to, null, "$.to"), cancellationToken);
        else
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "Give deliveryId, or webhookId with from and to.",
                deliveryId is null && webhookId is null ? "$.deliveryId" : from is null ? "$.from" : "$.to",
                Hint: "replay_webhook_deliveries {\"deliveryId\": \"dlv_…\"} or {\"webhookId\": \"whk_…\", \"from\": \"…Z\", \"to\": \"…Z\"}.")]);
        return ToolResults.Success(new WebhookReplayResult($"Queued {replay.DeliveryIds.Count} replay deliver(ies).", replay.DeliveryIds, replay.EventIds));
    }
}

public sealed record WebhookResult
{
    public required string Id { get; init; }
    public required string Url { get; init; }
    public string? Description { get; init; }
    /// <summary>Omitted: every event type.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }
    public required string Status { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }
    public string? DisabledReason { get; init; }
    public required int ConsecutiveFailures { get; init; }
    public DateTimeOffset? PreviousSecretValidUntil { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

public sealed record WebhookSecretResult(string Summary, WebhookResult Webhook, string Secret);

public sealed record WebhookListResult(string Summary, IReadOnlyList<WebhookResult> Webhooks);

public sealed record WebhookDeletedResult(string Summary, string Id, string Url);

public sealed record WebhookTestToolResult(string Summary, string EventId, string DeliveryId, string Outcome, int? StatusCode, int? LatencyMs, string? Error);

public sealed record WebhookDeliveryResult(
    string Id, string EventId, string EventType, string? PostId, string WebhookId, string Status, int Attempts, int? LastStatusCode,
    int? LastLatencyMs, string? LastError, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset EventCreatedAt);

public sealed record WebhookAttemptResult(int Attempt, DateTimeOffset AttemptedAt, string Outcome, int? StatusCode, int LatencyMs, string? Error);

public sealed record WebhookDeliveriesResult(string Summary, IReadOnlyList<WebhookDeliveryResult> Deliveries, IReadOnlyList<WebhookAttemptResult>? Attempts);

public sealed record WebhookReplayResult(string Summary, IReadOnlyList<string> DeliveryIds, IReadOnlyList<string> EventIds);

internal static class WebhookResults
{
    public static WebhookResult ToResult(this WebhookEndpoint endpoint, DateTimeOffset now) => new()
    {
        Id = endpoint.Id,
        Url = endpoint.Url,
        Description = endpoint.Description,
        EventTypes = endpoint.EventTypes,
        Status = endpoint.DisabledAt is null ? "enabled" : "disabled",
        DisabledAt = endpoint.DisabledAt,
        DisabledReason = endpoint.DisabledReason,
        ConsecutiveFailures = endpoint.ConsecutiveFailures,
        PreviousSecretValidUntil = endpoint.PreviousSecretExpiresAt > now ? endpoint.PreviousSecretExpiresAt : null,
        CreatedAt = endpoint.CreatedAt,
    };

    public static WebhookDeliveryResult ToResult(this WebhookDelivery d) => new(d.Id, d.EventId, d.EventType, d.PostId, d.EndpointId, d.Status,
        d.AttemptCount, d.LastStatusCode, d.LastLatencyMs, d.LastError, d.LastAttemptAt, d.NextAttemptAt, d.EventCreatedAt);

    public static WebhookAttemptResult ToResult(this WebhookAttempt a) => new(a.Attempt, a.AttemptedAt, a.Outcome, a.StatusCode, a.LatencyMs, a.Error);
}
