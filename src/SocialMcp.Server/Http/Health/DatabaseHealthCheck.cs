using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;

namespace SocialMcp.Server.Http.Health;

/// <summary>
/// Live when the store (SQLite or PostgreSQL) answers a real query: it reads the local workspace through the same store the tools
/// use, so a missing, locked or corrupt database, an unreachable server, or a schema without migrations, reports unhealthy.
/// </summary>
internal sealed class DatabaseHealthCheck(IStore store, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var workspace = await store.ReadAsync(session => session.Workspaces.GetAsync(LocalWorkspace.Id, cancellationToken), cancellationToken);
            return workspace is null
                ? HealthCheckResult.Degraded("The database answers but the local workspace is missing.")
                : HealthCheckResult.Healthy("The database answers queries.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception can name paths: it goes to the log, not into the response.
            logger.LogError(ex, "Database health check failed");
            return HealthCheckResult.Unhealthy("The database cannot be read.");
        }
    }
}
