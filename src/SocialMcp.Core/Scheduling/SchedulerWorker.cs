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
/// <see cref="SchedulerSignal"/> is poked. There is no polling interval that adds lag.
/// </summary>
public sealed class SchedulerWorker(
    IStore store,
    PostService posts,
    SchedulerSignal signal,
    SchedulerStatus status,
    TimeProvider time,
    IOptions<SchedulingOptions> options,
    ILogger<SchedulerWorker> logger) : BackgroundService
{
    /// <summary>This worker's name on the leases it takes: unique per process and per worker.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

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
                TimeSpan delay;
                try
                {
                    delay = await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A locked or unreadable database: try again soon. The health report goes stale meanwhile, as it should.
                    logger.LogError(ex, "Scheduler pass failed; retrying");
                    delay = TimeSpan.FromSeconds(Math.Min(30, options.Value.RecheckInterval.TotalSeconds));
                }
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

    /// <summary>Fires everything due, then answers how long to sleep.</summary>
    private async Task<TimeSpan> PassAsync(CancellationToken cancellationToken)
    {
        await FireDueAsync(cancellationToken);
        var now = time.GetUtcNow();
        var next = await store.ReadAsync(session => session.Posts.NextDueAtAsync(now, cancellationToken), cancellationToken);
        var recheck = options.Value.RecheckInterval;
        var delay = next is { } due ? TimeSpan.FromTicks(Math.Clamp((due - now).Ticks, 0, recheck.Ticks)) : recheck;
        status.Sleeping(now, now + delay);
        return delay;
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
