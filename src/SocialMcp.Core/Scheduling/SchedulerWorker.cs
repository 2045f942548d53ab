using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// Fires scheduled posts when they are due. It leases due posts one SQL statement at a time (so several workers on one
/// database never fire the same post), publishes them through <see cref="PostService.FireScheduledAsync"/>, then sleeps
/// through the <see cref="TimeProvider"/> until the next due time, <c>Scheduling:RecheckInterval</c> at most, or until
/// <see cref="SchedulerSignal"/> is poked. There is no polling interval that adds lag. Each pass first takes over posts
/// left in <c>publishing</c> by a publisher that stopped — its lease ran out, or it was a process on this machine that is
/// gone (so a restart after a crash recovers at once) — and finishes them through <see cref="PostService.RecoverAsync"/>.
/// </summary>
public sealed class SchedulerWorker(
    IStore store,
    PostService posts,
    SchedulerSignal signal,
    SchedulerStatus status,
    PublisherIdentity identity,
    TimeProvider time,
    IOptions<SchedulingOptions> options,
    ILogger<SchedulerWorker> logger) : BackgroundService
{
    /// <summary>This process's name on the leases it takes (<see cref="PublisherIdentity"/>).</summary>
    public string Owner => identity.Owner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        status.Started(time.GetUtcNow());
        var faulted = false;
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                // Taken before reading: a poke that lands while this pass reads the database still ends the sleep after it.
                var poked = signal.NextPoke;
                DateTimeOffset wakeAt;
                try
                {
                    wakeAt = await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A locked or unreadable database: try again soon. The health report goes stale meanwhile, as it should.
                    logger.LogError(ex, "Scheduler pass failed; retrying");
                    wakeAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(30, options.Value.RecheckInterval.TotalSeconds));
                }
                // Measured from now, not from when the pass decided: time that passed meanwhile is not slept twice.
                var delay = wakeAt - time.GetUtcNow();
                if (delay > TimeSpan.Zero)
                    await SleepAsync(delay, poked, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            faulted = true;
            logger.LogCritical(ex, "Scheduler stopped on an unexpected error");
            throw;
        }
        finally
        {
            status.Ended(faulted);
        }
    }

    /// <summary>Fires everything due, then answers when to wake.</summary>
    private async Task<DateTimeOffset> PassAsync(CancellationToken cancellationToken)
    {
        await RecoverOrphanedAsync(cancellationToken);
        await FireDueAsync(cancellationToken);
        var now = time.GetUtcNow();
        var next = await store.ReadAsync(session => session.Posts.NextDueAtAsync(now, cancellationToken), cancellationToken);
        var recheck = options.Value.RecheckInterval;
        var delay = next is { } due ? TimeSpan.FromTicks(Math.Clamp((due - now).Ticks, 0, recheck.Ticks)) : recheck;
        status.Sleeping(now, now + delay);
        return now + delay;
    }

    /// <summary>Finishes posts whose publisher stopped mid-publish, a batch at a time like <see cref="FireDueAsync"/>.</summary>
    private async Task RecoverOrphanedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var owners = await store.ReadAsync(session => session.Posts.ListPublishingLeaseOwnersAsync(time.GetUtcNow(), cancellationToken), cancellationToken);
        var gone = owners.Where(PublisherIdentity.IsGone).ToList();
        while (true)
        {
            var batch = new List<DuePost>();
            while (batch.Count < settings.MaxConcurrentPosts)
            {
                var now = time.GetUtcNow();
                var claimed = await store.WriteAsync(
                    session => session.Posts.ClaimOrphanedPublishingAsync(Owner, now, now + settings.LeaseDuration, gone, cancellationToken), cancellationToken);
                if (claimed is null)
                    break;
                batch.Add(claimed);
            }
            if (batch.Count == 0)
                return;
            await Task.WhenAll(batch.Select(orphan => RecoverAsync(orphan, cancellationToken)));
            status.Looped(time.GetUtcNow());
        }
    }

    private async Task RecoverAsync(DuePost orphan, CancellationToken cancellationToken)
    {
        try
        {
            var recovered = await posts.RecoverAsync(orphan.WorkspaceId, orphan.PostId, Owner, cancellationToken);
            if (recovered is not null)
                logger.LogInformation("Recovered post {PostId}: {Status}", orphan.PostId, recovered.Post.Status.ToWireName());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease stays: the post is tried again when it runs out, not in a tight loop.
            logger.LogError(ex, "Recovering post {PostId} failed; it is tried again when the lease runs out", orphan.PostId);
        }
    }

    private async Task FireDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        while (true)
        {
            var batch = new List<DuePost>();
            while (batch.Count < settings.MaxConcurrentPosts)
            {
                var now = time.GetUtcNow();
                var claimed = await store.WriteAsync(
                    session => session.Posts.ClaimDueAsync(Owner, now, now + settings.LeaseDuration, cancellationToken), cancellationToken);
                if (claimed is null)
                    break;
                batch.Add(claimed);
            }
            if (batch.Count == 0)
                return;

            await Task.WhenAll(batch.Select(due => FireAsync(due, cancellationToken)));
            status.Looped(time.GetUtcNow());
        }
    }

    private async Task FireAsync(DuePost due, CancellationToken cancellationToken)
    {
        try
        {
            var fired = await posts.FireScheduledAsync(due.WorkspaceId, due.PostId, Owner, cancellationToken);
            if (fired is null)
                logger.LogInformation("Scheduled post {PostId} was cancelled or moved before it fired; skipped", due.PostId);
            else
                logger.LogInformation("Scheduled post {PostId} fired: {Status}", due.PostId, fired.Post.Status.ToWireName());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease stays: no worker takes the post again before it runs out, so a failing post cannot spin.
            logger.LogError(ex, "Firing scheduled post {PostId} failed; it is tried again when the lease runs out", due.PostId);
        }
    }

    private async Task SleepAsync(TimeSpan delay, Task poked, CancellationToken stoppingToken)
    {
        using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sleep = Task.Delay(delay, time, sleeping.Token);
        await Task.WhenAny(sleep, poked);
        // Woken by a poke: drop the timer.
        await sleeping.CancelAsync();
    }
}
