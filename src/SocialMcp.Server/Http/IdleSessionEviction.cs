using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SocialMcp.Server.Http;

/// <summary>
/// Ends stateful sessions that have been idle for <see cref="McpHttpOptions.SessionIdleTimeout"/>, and every session
/// when the server stops. Waits through the injected <see cref="TimeProvider"/>, so tests move a fake clock.
/// </summary>
internal sealed class IdleSessionEviction(
    McpHttpSessions sessions, IOptions<McpHttpOptions> options, TimeProvider time, ILogger<IdleSessionEviction> logger) : BackgroundService
{
    // Checking a few times per timeout keeps a session's real lifetime within a quarter of a timeout of the setting.
    internal static TimeSpan SweepInterval(TimeSpan idleTimeout) =>
        TimeSpan.FromTicks(Math.Clamp(idleTimeout.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Stateful)
            return;

        var idleTimeout = options.Value.SessionIdleTimeout;
        var interval = SweepInterval(idleTimeout);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stoppingToken);
                try
                {
                    var ended = await sessions.EvictIdleAsync(idleTimeout);
                    if (ended > 0)
                        logger.LogInformation("Ended {Count} MCP session(s) idle for {IdleTimeout}", ended, idleTimeout);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A session that fails to close must not stop the sweep (nor, through it, the host).
                    logger.LogError(ex, "Ending idle MCP sessions failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await sessions.DisposeAsync();
    }
}
