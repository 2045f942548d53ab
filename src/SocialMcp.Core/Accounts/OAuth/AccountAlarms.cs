using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Webhooks;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>
/// The account alarms of issue 16, written inside the transaction of the change they report:
/// <c>account.reconnect_required</c> when an account becomes reconnect-required (a dead grant at a refresh, a token a refresh
/// cannot renew, a publish refused after a refresh) — once per transition, not again while it stays so — and
/// <c>account.expiring</c> once for each set of tokens whose health becomes expiring (<see cref="TokenHealth"/>), found by the
/// refresh worker's periodic pass. A renewal or reconnect bumps token_version, so the next expiry is announced again.
/// Sandbox accounts raise neither.
/// </summary>
public sealed class AccountAlarms(IStore store, WebhookOutbox outbox, IOptions<OAuthOptions> options, TimeProvider time, ILogger<AccountAlarms> logger)
{
    /// <summary>
    /// Runs <paramref name="change"/> (which may mark the account reconnect-required) and raises account.reconnect_required in
    /// the same transaction if it moved the account there. Call inside a store transaction.
    /// </summary>
    public async Task<T> ReconnectRequiredIfChangedAsync<T>(IStoreSession session, string accountId, string reason, Func<Task<T>> change,
        CancellationToken cancellationToken)
    {
        var before = await session.Accounts.GetByIdAsync(accountId, cancellationToken);
        var result = await change();
        if (before is null || before.IsSandbox || before.ReconnectRequired)
            return result;
        var after = await session.Accounts.GetByIdAsync(accountId, cancellationToken);
        if (after is not { ReconnectRequired: true })
            return result;
        await outbox.RecordAsync(session, after.WorkspaceId, WebhookEventTypes.AccountReconnectRequired, Data(after, reason), cancellationToken);
        logger.LogWarning("The {Platform} account {AccountId} must be reconnected ({Reason})", after.Platform.ToWireName(), after.Id, reason);
        return result;
    }

    /// <summary>Marks the account reconnect-required with the alarm; call inside a store transaction.</summary>
    public Task<bool> MarkReconnectRequiredAsync(IStoreSession session, string accountId, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReconnectRequiredIfChangedAsync(session, accountId, error,
            () => session.Accounts.MarkReconnectRequiredAsync(accountId, error, now, cancellationToken), cancellationToken);

    /// <summary>Raises account.expiring for every account whose tokens became expiring since it was last raised; returns how many.</summary>
    public async Task<int> RaiseExpiringAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var candidates = await store.ReadAsync(
            s => s.Alarms.ListExpiringCandidatesAsync(now + settings.ReconnectWarning, settings.RepeatedFailureThreshold, cancellationToken), cancellationToken);
        var raised = 0;
        foreach (var accountId in candidates)
        {
            var fired = await store.WriteAsync(async session =>
            {
                var account = await session.Accounts.GetByIdAsync(accountId, cancellationToken);
                if (account is null || account.IsSandbox
                    || TokenHealth.Of(account, now, settings.ReconnectWarning, settings.RepeatedFailureThreshold) != TokenHealth.Expiring)
                    return false;
                // The mark is the guard: two processes that both see the account write the event once.
                if (!await session.Alarms.MarkExpiringNotifiedAsync(account.Id, account.TokenVersion, cancellationToken))
                    return false;
                var data = Data(account, ExpiringReason(account, settings));
                data["expiresAt"] = (TokenRenewal.UsesRefreshToken(account) && account.RefreshExpiresAt is { } refreshDies ? refreshDies : account.TokenExpiresAt)
                    ?.UtcDateTime.ToString("O");
                await outbox.RecordAsync(session, account.WorkspaceId, WebhookEventTypes.AccountExpiring, data, cancellationToken);
                return true;
            }, cancellationToken);
            if (fired)
                raised++;
        }
        return raised;
    }

    private static string ExpiringReason(Account account, OAuthOptions settings) =>
        account.RefreshFailures >= settings.RepeatedFailureThreshold
            ? $"refreshes_failing: {account.RefreshFailures} in a row" + (account.LastRefreshError is { } error ? $" ({error})" : "")
            : TokenRenewal.UsesRefreshToken(account) ? "refresh_token_expiring" : "token_expiring";

    private static Dictionary<string, string?> Data(Account account, string reason) => new()
    {
        ["accountId"] = account.Id,
        ["platform"] = account.Platform.ToWireName(),
        ["handle"] = account.Handle,
        ["platformSetId"] = account.PlatformSetId,
        ["reason"] = reason,
    };
}
