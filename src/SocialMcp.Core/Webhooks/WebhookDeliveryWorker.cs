using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Webhooks;

/// <summary>
/// Sends due webhook deliveries. Each is leased with one SQL statement (lease_owner, lease_until), so several processes on one
/// database never send the same delivery at once, and a crashed sender's lease runs out. The claim skips a delivery while an
/// earlier event of the same post waits at the same endpoint, so a post's events arrive in the order they were created even
/// through an outage. Leases held by a process on this machine that is gone are freed at once (as the scheduler does).
/// The worker sleeps on the injected clock for <c>Webhooks:PollInterval</c> or until the outbox pokes
/// <see cref="WebhookSignal"/>.
/// </summary>
public sealed class WebhookDeliveryWorker(
    IStore store,
    WebhookDeliverer deliverer,
    WebhookSignal signal,
    PublisherIdentity identity,
    TimeProvider time,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    /// <summary>How long a claim keeps other senders off: an attempt's timeout and a margin to record it.</summary>
    private TimeSpan Lease => options.CurrentValue.AttemptTimeout + TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                // Taken before the pass: a poke that lands while it runs still ends the sleep after it.
                var poked = signal.NextPoke;
                try
                {
                    await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Webhook delivery pass failed; retrying");
                }
                using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(Task.Delay(options.CurrentValue.PollInterval, time, sleeping.Token), poked);
                await sleeping.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends everything due, up to <c>Webhooks:MaxConcurrentDeliveries</c> at once; returns how many were attempted.</summary>
    public async Task<int> PassAsync(CancellationToken cancellationToken)
    {
        // Leases of processes on this machine that are gone (killed mid-send) need not run out first.
        var (owners, anyDue) = await store.ReadAsync(async session =>
        {
            var now = time.GetUtcNow();
            return (await session.Webhooks.ListLeaseOwnersAsync(now, cancellationToken), await session.Webhooks.AnyDueDeliveryAsync(now, cancellationToken));
        }, cancellationToken);
        var gone = owners.Where(PublisherIdentity.IsGone).ToList();
        if (gone.Count > 0)
            await store.WriteAsync(session => session.Webhooks.ReleaseLeasesAsync(gone, cancellationToken), cancellationToken);
        // An idle pass (nothing due, no dead sender's lease freed) ends on that read, without a write transaction.
        if (!anyDue && gone.Count == 0)
            return 0;
        var attempted = 0;
        while (true)
        {
            var batch = new List<string>();
            for (var i = 0; i < options.CurrentValue.MaxConcurrentDeliveries; i++)
            {
                var now = time.GetUtcNow();
                var claimed = await store.WriteAsync(
                    session => session.Webhooks.ClaimDueDeliveryAsync(identity.Owner, now, now + Lease, null, cancellationToken), cancellationToken);
                if (claimed is null)
                    break;
                batch.Add(claimed);
            }
            if (batch.Count == 0)
                return attempted;
            await Task.WhenAll(batch.Select(id => DeliverAsync(id, cancellationToken)));
            attempted += batch.Count;
        }
    }

    private async Task DeliverAsync(string deliveryId, CancellationToken cancellationToken)
    {
        try
        {
            await deliverer.DeliverAsync(deliveryId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease stays until it runs out, so a delivery that cannot be recorded is not retried in a tight loop.
            logger.LogError(ex, "Webhook delivery {DeliveryId} failed unexpectedly; tried again when its lease runs out", deliveryId);
        }
    }
}
