using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>One account whose tokens need attention: ids, counts and the platform's error code only, never a token.</summary>
public sealed record AccountTokenTrouble(
    string AccountId, string WorkspaceId, Platform Platform, string Handle, int RefreshFailures, string? LastRefreshError,
    DateTimeOffset? LastRefreshAttemptAt, bool ReconnectRequired);

/// <summary>Accounts whose refreshes keep failing and accounts that wait for a reconnect, across workspaces.</summary>
public sealed record TokenRefreshReport(int RepeatedFailures, int ReconnectRequired, IReadOnlyList<AccountTokenTrouble> Accounts)
{
    public bool Ok => RepeatedFailures == 0;
}

/// <summary>What the <c>health</c> tool and <c>/healthz</c> say about token refreshes: repeated failures (<c>OAuth:RepeatedFailureThreshold</c>).</summary>
public sealed class TokenRefreshHealth(IStore store, IOptions<OAuthOptions> options)
{
    public async Task<TokenRefreshReport> ReportAsync(CancellationToken cancellationToken)
    {
        var threshold = options.Value.RepeatedFailureThreshold;
        var accounts = await store.ReadAsync(s => s.Accounts.ListTokenTroubleAsync(threshold, cancellationToken), cancellationToken);
        var troubles = accounts.Select(a => new AccountTokenTrouble(
            a.Id, a.WorkspaceId, a.Platform, a.Handle, a.RefreshFailures, a.LastRefreshError, a.LastRefreshAttemptAt, a.ReconnectRequired)).ToList();
        return new TokenRefreshReport(
            troubles.Count(t => !t.ReconnectRequired && t.RefreshFailures >= threshold), troubles.Count(t => t.ReconnectRequired), troubles);
    }
}
