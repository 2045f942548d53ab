using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// What kind of process runs this scheduler (<see cref="RunnerKinds"/>), and whether it leaves due scheduled posts to a
/// live background service. A stdio server lives only while the agent's app is open, so it defers; an HTTP server and the
/// service itself are long-lived and fire whatever is due.
/// </summary>
public sealed record SchedulerRole(string Kind, bool DefersToService)
{
    /// <summary>What a host gets unless it says otherwise: a long-lived server that fires everything (tests, HTTP).</summary>
    public static readonly SchedulerRole LongLivedServer = new(RunnerKinds.Server, DefersToService: false);

    /// <summary>The stdio server: a short-lived process that leaves due posts to a live service.</summary>
    public static readonly SchedulerRole StdioServer = new(RunnerKinds.Server, DefersToService: true);

    /// <summary><c>socialmcp service run</c>: the background runner.</summary>
    public static readonly SchedulerRole Service = new(RunnerKinds.Service, DefersToService: false);
}

/// <summary>Whether some process fires scheduled posts on this database, as schedule_post and health report it.</summary>
public sealed record RunnerReport
{
    /// <summary>A runner (the service, or else a server) was seen within <see cref="SchedulingOptions.RunnerAliveWindow"/>.</summary>
    public required bool Alive { get; init; }

    /// <summary>The kind of the runner reported: <c>service</c> when one is alive (or was ever seen), else <c>server</c>.</summary>
    public string? Kind { get; init; }

    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>Whether a background service (<c>socialmcp service</c>) is alive: posts then fire with no agent connected.</summary>
    public required bool ServiceAlive { get; init; }

    /// <summary>What to do when posts would fire only while an agent keeps a server open; null when a service runs.</summary>
    public string? Hint { get; init; }
}

/// <summary>Reads the heartbeats in <c>scheduler_runners</c>: is a background service alive, and what to tell the agent.</summary>
public sealed class RunnerPresence(IStore store, SchedulerRole role, TimeProvider time, IOptions<SchedulingOptions> options)
{
    public const string InstallHint =
        "No background runner is alive, so scheduled posts go out only while a SocialMcp server process runs (for a stdio "
        + "server: while the agent's app is open); a post found more than its maxLatenessMinutes late becomes missed. Ask the "
        + "operator to run `socialmcp service install` once on this machine so posts fire with no agent connected.";

    /// <summary>Whether a background service was seen within the alive window.</summary>
    public async Task<bool> IsServiceAliveAsync(CancellationToken cancellationToken)
    {
        var service = await store.ReadAsync(session => session.Runners.GetLatestAsync(RunnerKinds.Service, cancellationToken), cancellationToken);
        return IsAlive(service, time.GetUtcNow());
    }

    public async Task<RunnerReport> CheckAsync(CancellationToken cancellationToken)
    {
        var (service, server) = await store.ReadAsync(async session => (
            await session.Runners.GetLatestAsync(RunnerKinds.Service, cancellationToken),
            await session.Runners.GetLatestAsync(RunnerKinds.Server, cancellationToken)), cancellationToken);
        var now = time.GetUtcNow();
        if (IsAlive(service, now))
            return new RunnerReport { Alive = true, Kind = RunnerKinds.Service, LastSeenAt = service!.LastSeenAt, ServiceAlive = true };
        var serverAlive = IsAlive(server, now);
        // A long-lived server (HTTP) that is alive fires posts whenever they are due; only a stdio server needs the service.
        var hint = serverAlive && !role.DefersToService ? null : InstallHint;
        var shown = serverAlive ? server : service ?? server;
        return new RunnerReport { Alive = serverAlive, Kind = shown?.Kind, LastSeenAt = shown?.LastSeenAt, ServiceAlive = false, Hint = hint };
    }

    private bool IsAlive(RunnerRecord? runner, DateTimeOffset now) =>
        runner is not null && now - runner.LastSeenAt <= options.Value.RunnerAliveWindow;
}

/// <summary>
/// Writes this process's heartbeat to <c>scheduler_runners</c> every <c>Scheduling:RunnerHeartbeat</c> while the scheduler
/// runs (kind from <see cref="SchedulerRole"/>), and removes it on a clean stop, so a stopped runner is at once not alive.
/// </summary>
public sealed class RunnerHeartbeat(
    IStore store, SchedulerRole role, PublisherIdentity identity, TimeProvider time, IOptions<SchedulingOptions> options,
    ILogger<RunnerHeartbeat> logger) : BackgroundService
{
    private DateTimeOffset _startedAt;

    /// <summary>Writes one heartbeat now (the loop's step; tests call it to stand for a runner).</summary>
    public Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_startedAt == default)
            _startedAt = now;
        return store.WriteAsync(async session =>
        {
            await session.Runners.HeartbeatAsync(new RunnerRecord(identity.Owner, role.Kind, _startedAt, now), cancellationToken);
            return true;
        }, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    await BeatAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A locked database: the next beat tries again; a runner misses three before it counts as gone.
                    logger.LogWarning(ex, "Writing the scheduler heartbeat failed; trying again in {Interval}", options.Value.RunnerHeartbeat);
                }
                await Task.Delay(options.Value.RunnerHeartbeat, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.WriteAsync(session => session.Runners.RemoveAsync(identity.Owner, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not fatal: the row stops being alive by itself after three heartbeats.
            logger.LogWarning(ex, "Removing the scheduler heartbeat on stop failed");
        }
    }
}
