namespace SocialMcp.Core.Webhooks;

/// <summary>The outcome of one POST to an endpoint: its status code, or why there was none.</summary>
public sealed record WebhookSendResult(int? StatusCode, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Sends a signed webhook body. The implementation (SocialMcp.Platforms) goes through the fetch guard at connect time, so a
/// host that resolves to a private address at delivery (DNS rebinding) is refused even if it was public at creation.
/// </summary>
public interface IWebhookTransport
{
    Task<WebhookSendResult> SendAsync(string url, IReadOnlyList<KeyValuePair<string, string>> headers, string body, TimeSpan timeout,
        CancellationToken cancellationToken);
}

/// <summary>Whether an endpoint URL may be stored: the fetch guard's check, done when the endpoint is created.</summary>
public interface IWebhookUrlGuard
{
    /// <summary>Null when the URL is acceptable; otherwise why not (no address or secret in it).</summary>
    Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken);
}

/// <summary>
/// Wakes the delivery worker. The outbox pokes it when it enqueues, inside the change's transaction: the worker's claim is a
/// write, so it waits for that transaction to commit and then sees the new deliveries.
/// </summary>
public sealed class WebhookSignal : Scheduling.WakeSignal;
