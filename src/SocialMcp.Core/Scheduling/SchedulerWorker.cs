using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Telemetry;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// Fires scheduled posts when they are due. It leases due posts by one SQL statement per wake-up, as many as it has free
/// slots (so several workers on one database never fire the same post, and one write unit claims them all), publishes them through <see cref="PostService.FireScheduledAsync"/>, then sleeps
/// through the <see cref="TimeProvider"/> until the next due time, <c>Scheduling:RecheckInterval</c> at most, or until
/// <see cref="SchedulerSignal"/> is poked. There is no polling interval that adds lag. Each pass first takes over posts
/// left in <c>publishing</c> by a publisher that stopped — its lease ran out, or it was a process on this machine that is
/// gone (so a restart after a crash recovers at once) — and finishes them through <see cref="PostService.RecoverAsync"/>.
/// The same claim also leases partial or failed posts due for their one automatic retry at a rate limit's reset
/// (<see cref="PostService.AutoRetryAsync"/>), in time order with the scheduled ones.
/// A post claimed later than its lateness allows (<c>Scheduling:MaxLateness</c>, or the post's own) is marked <c>missed</c>
/// instead of published (<see cref="PostService.MissIfTooLateAsync"/>). A stdio server (<see cref="SchedulerRole.DefersToService"/>)
/// claims no due post while a background service's heartbeat is alive (<see cref="RunnerPresence"/>): it only recovers
/// publishes that stopped, and looks again every heartbeat in case the service stops.
/// </summary>
public sealed class SchedulerWorker(
    IStore store,
    PostService posts,
    SchedulerSignal signal,
    SchedulerStatus status,
    PublisherIdentity identity,
    SchedulerRole role,
    RunnerPresence presence,
    OverdueAlarm overdue,
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
                    await SleepAsync(delay, wakeAt, poked, stoppingToken);
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
        // Leases of processes on this machine that are gone (killed, crashed) need not run out first.
        var owners = await store.ReadAsync(session => session.Posts.ListLeaseOwnersAsync(time.GetUtcNow(), cancellationToken), cancellationToken);
        var gone = owners.Where(PublisherIdentity.IsGone).ToList();
        await RecoverOrphanedAsync(gone, cancellationToken);
        // Due posts are the service's while it is alive: a stdio server that fired them too would only race it for the leases.
        var deferring = role.DefersToService && await presence.IsServiceAliveAsync(cancellationToken);
        await CountDueAsync(cancellationToken);
        if (!deferring)
            await FireDueAsync(gone, cancellationToken);
        await RaiseOverdueAsync(cancellationToken);
        var now = time.GetUtcNow();
        var next = await store.ReadAsync(session => session.Posts.NextDueAtAsync(now, cancellationToken), cancellationToken);
        var recheck = options.Value.RecheckInterval;
        var delay = next is { } due ? TimeSpan.FromTicks(Math.Clamp((due - now).Ticks, 0, recheck.Ticks)) : recheck;
        // Deferring, the due posts it leaves stay due: look again after a heartbeat (the service may have stopped), not at once.
        if (deferring && delay < options.Value.RunnerHeartbeat)
            delay = options.Value.RunnerHeartbeat;
        status.Sleeping(now, now + delay);
        return now + delay;
    }

    /// <summary>
    /// Telemetry: how many posts wait to be claimed as the pass starts, for the due-queue gauge. Counted only while a meter
    /// listens, so a server without telemetry runs no extra query; the gauge's callback reads this count, never the database.
    /// </summary>
    private async Task CountDueAsync(CancellationToken cancellationToken)
    {
        if (!SocialMcpTelemetry.DueQueueDepth.Enabled)
            return;
        var now = time.GetUtcNow();
        var due = await store.ReadAsync(session => session.Posts.SummarizeDueAsync(now, cancellationToken), cancellationToken);
        SocialMcpTelemetry.ReportDueQueueDepth(due.Count);
    }

    /// <summary>The overdue alarm (issue 16); a deferring runner raises it too: the alarm is about posts nobody fired.</summary>
    private async Task RaiseOverdueAsync(CancellationToken cancellationToken)
    {
        try
        {
            await overdue.RaiseAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The alarm must never stop the scheduler from firing posts: it is raised again on the next pass.
            logger.LogError(ex, "Raising the overdue alarm failed; trying again on the next pass");
        }
    }

    /// <summary>Finishes posts whose publisher stopped mid-publish, through the same pipeline as <see cref="FireDueAsync"/>.</summary>
    private Task RecoverOrphanedAsync(IReadOnlyCollection<string> gone, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return RunClaimedAsync((now, free) => store.WriteAsync(
                session => session.Posts.ClaimOrphanedPublishingAsync(Owner, now, now + settings.LeaseDuration, gone, free, cancellationToken), cancellationToken),
            RecoverAsync, cancellationToken);
    }

    private async Task RecoverAsync(DuePost orphan, CancellationToken cancellationToken)
    {
        using var activity = SocialMcpTelemetry.StartRootActivity(SocialMcpTelemetry.Spans.SchedulerRecover);
        activity?.SetTag(SocialMcpTelemetry.Tags.PostId, orphan.PostId);
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

    private Task FireDueAsync(IReadOnlyCollection<string> gone, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return RunClaimedAsync((now, free) => store.WriteAsync(
                session => session.Posts.ClaimDueAsync(Owner, now, now + settings.LeaseDuration, free, cancellationToken, gone), cancellationToken),
            FireAsync, cancellationToken);
    }

    /// <summary>
    /// Claims and handles posts with up to <c>Scheduling:MaxConcurrentPosts</c> in flight: as soon as a slot frees up it claims,
    /// in one write unit, as many posts as there are free slots then (every slot that freed while the last claim ran), not
    /// one unit per slot, and not only when a whole batch is done, so one slow post does not hold the others back. Each
    /// claimed post has its slot before it is claimed, so nothing claimed waits. Returns once a claim finds fewer posts than
    /// it asked for (nothing more is due) and everything claimed is done.
    /// </summary>
    private async Task RunClaimedAsync(Func<DateTimeOffset, int, Task<IReadOnlyList<DuePost>>> claim, Func<DuePost, CancellationToken, Task> handle,
        CancellationToken cancellationToken)
    {
        var capacity = options.Value.MaxConcurrentPosts;
        using var slots = new SemaphoreSlim(capacity);
        var inFlight = new List<Task>();
        try
        {
            while (true)
            {
                await slots.WaitAsync(cancellationToken);
                var free = 1;
                while (free < capacity && slots.Wait(0))
                    free++;
                IReadOnlyList<DuePost> claimed;
                try
                {
                    claimed = await claim(time.GetUtcNow(), free);
                }
                catch
                {
                    slots.Release(free);
                    throw;
                }
                if (claimed.Count < free)
                    slots.Release(free - claimed.Count);
                foreach (var due in claimed)
                {
                    inFlight.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await handle(due, cancellationToken);
                        }
                        finally
                        {
                            slots.Release();
                            status.Looped(time.GetUtcNow());
                        }
                    }, CancellationToken.None));
                }
                inFlight.RemoveAll(t => t.IsCompleted);
                if (claimed.Count < free)
                    break;
            }
        }
        finally
        {
            // Also when a claim failed: what was started finishes before the semaphore goes away.
            await Task.WhenAll(inFlight);
        }
    }

    private async Task FireAsync(DuePost due, CancellationToken cancellationToken)
    {
        // Telemetry: a publish the scheduler starts is a trace of its own; the lag is measured at the claim, which was just now.
        var kind = due.AutoRetry ? "auto_retry" : "scheduled";
        using var activity = SocialMcpTelemetry.StartRootActivity(SocialMcpTelemetry.Spans.SchedulerPublish);
        if (activity is not null)
        {
            activity.SetTag(SocialMcpTelemetry.Tags.PostId, due.PostId);
            activity.SetTag(SocialMcpTelemetry.Tags.Workspace, due.WorkspaceId);
            activity.SetTag(SocialMcpTelemetry.Tags.Kind, kind);
        }
        if (SocialMcpTelemetry.SchedulerLag.Enabled)
        {
            var lag = time.GetUtcNow() - due.ScheduledFor;
            SocialMcpTelemetry.SchedulerLag.Record(Math.Max(0, lag.TotalMilliseconds), new KeyValuePair<string, object?>(SocialMcpTelemetry.Tags.Kind, kind));
        }
        try
        {
            if (due.AutoRetry)
            {
                var retried = await posts.AutoRetryAsync(due.WorkspaceId, due.PostId, Owner, cancellationToken);
                logger.LogInformation("Automatic retry of post {PostId} at its rate-limit reset: {Status}", due.PostId,
                    retried?.Post.Status.ToWireName() ?? "given up (the post moved on)");
                return;
            }
            // The claim read the post's own lateness: a post within it is fired with no unit of its own for the check. One
            // that looks too late is marked missed by a write unit that reads it again (it may have been rescheduled since).
            var missed = time.GetUtcNow() - due.ScheduledFor <= (due.MaxLateness ?? options.Value.MaxLateness) ? null
                : await posts.MissIfTooLateAsync(due.WorkspaceId, due.PostId, Owner, options.Value.MaxLateness, cancellationToken);
            if (missed is not null)
            {
                logger.LogWarning("Scheduled post {PostId} was due at {ScheduledFor:O}, later than its lateness allows: marked missed, not published",
                    due.PostId, due.ScheduledFor);
                return;
            }
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

    private async Task SleepAsync(TimeSpan delay, DateTimeOffset wakeAt, Task poked, CancellationToken stoppingToken)
    {
        using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sleep = Task.Delay(delay, time, sleeping.Token);
        // The clock may have passed the wake time between measuring the delay and starting the timer (a clock that jumps,
        // as a test's does): the timer would then wait the whole delay again from the new time. Checked after the timer
        // exists, so a jump either is seen here or fires the timer.
        if (time.GetUtcNow() < wakeAt)
            await Task.WhenAny(sleep, poked);
        // Woken by a poke: drop the timer.
        await sleeping.CancelAsync();
    }
}
