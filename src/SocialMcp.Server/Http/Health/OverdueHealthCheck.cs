using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;
using SocialMcp.Core.Scheduling;

namespace SocialMcp.Server.Http.Health;

/// <summary>
/// Degraded while any post is overdue (due more than <c>Scheduling:OverdueAfter</c> ago and still scheduled or publishing),
/// with the count and the oldest due time; counted by a query, so it shows also when no runner is alive to raise the alarm.
/// </summary>
internal sealed class OverdueHealthCheck(OverdueAlarm overdue, IOptions<SchedulingOptions> options, ILogger<OverdueHealthCheck> logger) : IHealthCheck
{
    public const string Name = "overdue";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var late = await overdue.SummarizeAsync(cancellationToken);
            return late.Count == 0
                ? HealthCheckResult.Healthy($"No post is overdue (due more than {options.Value.OverdueAfter:c} ago and not out).")
                : HealthCheckResult.Degraded($"{late.Count} post{(late.Count == 1 ? " is" : "s are")} overdue: due more than {options.Value.OverdueAfter:c} ago " +
                    $"and still scheduled or publishing; the oldest was due at {late.OldestScheduledFor:O}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Overdue health check failed");
            return HealthCheckResult.Degraded("The overdue posts cannot be read.");
        }
    }
}
