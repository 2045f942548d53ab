using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Scheduling;

namespace SocialMcp.Server.Http.Health;

/// <summary>
/// Healthy only while the scheduler worker loops: unhealthy when it never started, stopped, faulted or has not looped
/// within its recheck interval; degraded when it loops but a due post has waited too long.
/// </summary>
internal sealed class SchedulerHealthCheck(SchedulerHealth scheduler, ILogger<SchedulerHealthCheck> logger) : IHealthCheck
{
    public const string Name = "scheduler";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var report = await scheduler.CheckAsync(cancellationToken);
            return report.Status switch
            {
                "ok" => HealthCheckResult.Healthy(report.Summary),
                "degraded" => HealthCheckResult.Degraded(report.Summary),
                _ => HealthCheckResult.Unhealthy(report.Summary),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Scheduler health check failed");
            return HealthCheckResult.Unhealthy("The scheduler's due posts cannot be read.");
        }
    }
}
