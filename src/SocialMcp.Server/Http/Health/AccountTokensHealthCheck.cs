using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SocialMcp.Server.Accounts;

namespace SocialMcp.Server.Http.Health;

/// <summary>
/// Degraded (never unhealthy: /healthz stays 200) while real accounts need reconnecting or their refreshes keep failing.
/// The server still serves every other account, so a container orchestrator must not restart it for this; the
/// description says what an operator should look at. Counts only: /healthz answers without an API key.
/// </summary>
internal sealed class AccountTokensHealthCheck(AccountTokenReport report, ILogger<AccountTokensHealthCheck> logger) : IHealthCheck
{
    public const string Name = "accounts";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var (real, reconnect, failing) = await report.AcrossWorkspacesAsync(cancellationToken);
            if (reconnect == 0 && failing == 0)
                return HealthCheckResult.Healthy($"{real} connected account{(real == 1 ? "" : "s")}, tokens healthy.");
            return HealthCheckResult.Degraded(
                $"{reconnect} account{(reconnect == 1 ? "" : "s")} need{(reconnect == 1 ? "s" : "")} reconnecting, {failing} with repeated refresh failures " +
                "(list_accounts shows which, with a reconnectUrl).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Account token health check failed");
            return HealthCheckResult.Degraded("The accounts' token health cannot be read.");
        }
    }
}
