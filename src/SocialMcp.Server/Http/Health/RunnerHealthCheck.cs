using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Scheduling;

namespace SocialMcp.Server.Http.Health;

/// <summary>
/// Says whether a background runner (<c>socialmcp service</c>) heartbeats on this database. Always healthy: an HTTP server
/// fires scheduled posts itself, so a missing service is information for the operator, not a fault of this server.
/// </summary>
internal sealed class RunnerHealthCheck(RunnerPresence runners, ILogger<RunnerHealthCheck> logger) : IHealthCheck
{
    public const string Name = "runner";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var report = await runners.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy(report.ServiceAlive
                ? $"Background runner (socialmcp service) alive, last seen {report.LastSeenAt:O}."
                : "No background runner (socialmcp service) is alive; this server fires scheduled posts while it runs.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Runner health check failed");
            return HealthCheckResult.Degraded("The scheduler runners' heartbeats cannot be read.");
        }
    }
}
