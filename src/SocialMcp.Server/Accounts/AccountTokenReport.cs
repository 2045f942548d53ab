using SocialMcp.Core.Accounts;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;

namespace SocialMcp.Server.Accounts;

/// <summary>
/// An account's refresh history as agents and health checks see it: how many refreshes failed in a row, the last
/// failure (a platform error code or short text, never a token) and when the token was last renewed.
/// </summary>
public sealed record RefreshFacts(int Failures, string? LastError, DateTimeOffset? LastRefreshedAt)
{
    public static readonly RefreshFacts None = new(0, null, null);

    public bool Repeated => Failures >= TokenHealth.DefaultRepeatedFailureThreshold;

    /// <summary>The one place the server reads an account's refresh columns (refresh_failures, last_refresh_error, last_refreshed_at).</summary>
    public static RefreshFacts Of(Account account) =>
        account.IsSandbox ? None : new(account.RefreshFailures, account.LastRefreshError, account.LastRefreshedAt);
}

/// <summary>A real account that needs a person or an operator: reconnect it, or look at why its refreshes fail.</summary>
public sealed record AccountAttention(Account Account, string TokenHealth, RefreshFacts Refresh);

/// <summary>The accounts the <c>health</c> tool and <c>/healthz</c> point out. Sandbox accounts never need attention.</summary>
public sealed class AccountTokenReport(AccountService accounts, WorkspaceService workspaces)
{
    public async Task<(int RealAccounts, IReadOnlyList<AccountAttention> Attention)> ForWorkspaceAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var views = await accounts.ListAccountsAsync(workspaceId, null, null, cancellationToken);
        var real = views.Where(v => !v.Account.IsSandbox).ToList();
        return (real.Count, real
            .Select(v => new AccountAttention(v.Account, v.TokenHealth, RefreshFacts.Of(v.Account)))
            .Where(a => a.TokenHealth == TokenHealth.ReconnectRequired || a.Refresh.Repeated)
            .ToList());
    }

    /// <summary>Every workspace's, for /healthz: counts only, since that endpoint answers without an API key.</summary>
    public async Task<(int RealAccounts, int ReconnectRequired, int RepeatedFailures)> AcrossWorkspacesAsync(CancellationToken cancellationToken)
    {
        var (total, reconnect, failing) = (0, 0, 0);
        foreach (var workspace in await workspaces.ListAsync(cancellationToken))
        {
            var (real, attention) = await ForWorkspaceAsync(workspace.Id, cancellationToken);
            total += real;
            reconnect += attention.Count(a => a.TokenHealth == TokenHealth.ReconnectRequired);
            failing += attention.Count(a => a.Refresh.Repeated);
        }
        return (total, reconnect, failing);
    }
}
