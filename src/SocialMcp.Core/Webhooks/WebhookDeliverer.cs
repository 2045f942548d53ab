using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Telemetry;

namespace SocialMcp.Core.Webhooks;

/// <summary>
/// Makes one attempt of a leased delivery: signs the event's stored body with the endpoint's secret (and, during a
/// rotation's overlap, the previous one too), POSTs it, and records the attempt and the delivery's new state in one
/// transaction. A failure schedules the next attempt on the backoff (<see cref="NextAttemptAt"/>) until
/// <c>Webhooks:RetryFor</c> after the delivery was created; an endpoint whose attempts have all failed for
/// <c>Webhooks:DisableAfter</c> is disabled, its pending deliveries cancelled, and <c>webhook.disabled</c> recorded.
/// </summary>
public sealed class WebhookDeliverer(
    IStore store,
    IWebhookTransport transport,
    ITokenCipher cipher,
    WebhookOutbox outbox,
    TimeProvider time,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookDeliverer> logger)
{
    /// <summary>The waits after the 1st, 2nd, … failed attempt; after the last, every 2 h. Each gets up to ±10 % jitter.</summary>
    private static readonly TimeSpan[] Backoff =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
    ];

    /// <summary>Attempts a delivery this process has leased; null when it is gone (its endpoint was deleted meanwhile).</summary>
    public async Task<WebhookAttempt?> DeliverAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var work = await store.ReadAsync(session => session.Webhooks.GetDeliveryWorkAsync(deliveryId, cancellationToken), cancellationToken);
        if (work is null)
            return null;
        var settings = options.CurrentValue;
        var attemptedAt = time.GetUtcNow();
        var secrets = Secrets(work, attemptedAt);
        WebhookSendResult result;
        var started = Stopwatch.GetTimestamp();
        if (secrets.Count == 0)
        {
            // The key ring lost the key that protects the secret: nothing can be signed, and an unsigned body is never sent.
            result = new WebhookSendResult(null, "The signing secret cannot be read (its key is gone); rotate the secret.");
        }
        else
        {
            var timestamp = attemptedAt.ToUnixTimeSeconds();
            var headers = new List<KeyValuePair<string, string>>
            {
                new("webhook-id", work.EventId),
                new("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("webhook-signature", WebhookSigner.SignatureHeader(secrets, work.EventId, timestamp, work.Payload)),
            };
            result = await transport.SendAsync(work.Url, headers, work.Payload, settings.AttemptTimeout, cancellationToken);
        }
        var latencyMs = (int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var outcome = result.Succeeded ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.Failed;
        var error = result.Succeeded ? null : result.Error ?? $"The endpoint answered {result.StatusCode}.";
        var attempt = new WebhookAttempt(work.DeliveryId, work.AttemptCount + 1, attemptedAt, outcome, result.StatusCode, latencyMs, error);
        SocialMcpTelemetry.WebhookDeliveries.Add(1, new("outcome", outcome), new("event_type", work.EventType));
        SocialMcpTelemetry.WebhookLatency.Record(latencyMs, new KeyValuePair<string, object?>("outcome", outcome));

        var recorded = await store.WriteAsync(session => RecordAsync(session, work, attempt, settings, cancellationToken), cancellationToken);
        return recorded ? attempt : null;
    }

    private async Task<bool> RecordAsync(IStoreSession session, WebhookDeliveryWork work, WebhookAttempt attempt, WebhookOptions settings,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (attempt.Outcome == WebhookDeliveryStatus.Succeeded)
        {
            if (!await session.Webhooks.CompleteAttemptAsync(attempt, WebhookDeliveryStatus.Succeeded, null, cancellationToken))
                return false;
            await session.Webhooks.SetConsecutiveFailuresAsync(work.EndpointId, 0, now, cancellationToken);
            return true;
        }
        // A test is sent once, now, and says how it went: it is not retried and does not count towards disabling.
        var isTest = work.EventType == WebhookEventTypes.WebhookTest;
        var next = isTest ? null : NextAttemptAt(work.CreatedAt, attempt.Attempt, now, settings.RetryFor, Random.Shared.NextDouble());
        var status = next is null ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        if (!await session.Webhooks.CompleteAttemptAsync(attempt, status, next, cancellationToken))
            return false;
        if (isTest || work.EndpointDisabled)
            return true;
        var endpoint = await session.Webhooks.GetEndpointAsync(work.WorkspaceId, work.EndpointId, cancellationToken);
        if (endpoint is null)
            return true;
        await session.Webhooks.SetConsecutiveFailuresAsync(work.EndpointId, endpoint.ConsecutiveFailures + 1, now, cancellationToken);
        var failingSince = await session.Webhooks.FailingSinceAsync(work.EndpointId, cancellationToken) ?? now;
        if (now - failingSince >= settings.DisableAfter)
            await DisableAsync(session, endpoint, failingSince, endpoint.ConsecutiveFailures + 1, now, cancellationToken);
        else if (next is null)
            logger.LogWarning("Webhook delivery {DeliveryId} of event {EventId} gave up after {Attempts} attempts", work.DeliveryId, work.EventId, attempt.Attempt);
        return true;
    }

    private async Task DisableAsync(IStoreSession session, WebhookEndpoint endpoint, DateTimeOffset failingSince, int failures, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var reason = $"Every delivery attempt failed since {failingSince:O} ({failures} attempts).";
        if (!await session.Webhooks.DisableEndpointAsync(endpoint.Id, reason, now, cancellationToken))
            return;
        logger.LogWarning("Webhook endpoint {EndpointId} disabled: every attempt failed since {FailingSince:O}", endpoint.Id, failingSince);
        // The endpoint is disabled already, so this goes to the workspace's other endpoints that take the type.
        await outbox.RecordAsync(session, endpoint.WorkspaceId, WebhookEventTypes.WebhookDisabled, new Dictionary<string, string?>
        {
            ["webhookId"] = endpoint.Id,
            ["url"] = endpoint.Url,
            ["reason"] = reason,
            ["disabledAt"] = now.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken);
    }

    /// <summary>
    /// When to try again after failed attempt number <paramref name="attempt"/>: the backoff step with ±10 % jitter
    /// (<paramref name="jitter"/> in [0, 1)), but no later than <paramref name="retryFor"/> after the delivery was created
    /// (one last attempt then); null once that deadline has passed: give up.
    /// </summary>
    public static DateTimeOffset? NextAttemptAt(DateTimeOffset createdAt, int attempt, DateTimeOffset now, TimeSpan retryFor, double jitter)
    {
        var deadline = createdAt + retryFor;
        if (now >= deadline)
            return null;
        var step = Backoff[Math.Clamp(attempt - 1, 0, Backoff.Length - 1)];
        var next = now + step * (0.9 + 0.2 * jitter);
        return next < deadline ? next : deadline;
    }

    /// <summary>The secrets that sign now: the current one, then the previous one while its overlap lasts.</summary>
    private List<string> Secrets(WebhookDeliveryWork work, DateTimeOffset now)
    {
        var secrets = new List<string>(2);
        if (cipher.Reveal(work.SecretReference) is not { } current)
            return secrets;
        secrets.Add(current);
        if (work.PreviousSecretExpiresAt > now && cipher.Reveal(work.PreviousSecretReference) is { } previous)
            secrets.Add(previous);
        return secrets;
    }
}
