using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Telemetry;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>
/// Renews accounts' access through <see cref="IPlatformOAuth"/>. Refreshes of one account collapse into one: callers in this
/// process join the one in flight; another process sharing the database finds the account's refresh lease taken (a
/// conditional UPDATE), waits on the clock and reads the outcome instead of calling the platform again — a rotated
/// refresh token may be used only once (docs/platforms.md#x-auth-and-tokens, #tiktok-auth-and-tokens). The order of writes:
/// the attempt time with the lease; the platform call; then the new refresh token (or the old one kept), the new access
/// token, expiries and token_version + 1 in one statement; only then is the new access token handed to anyone. A crash
/// before that statement leaves the old tokens as they were.
/// </summary>
public sealed class AccountTokenRefresher(
    IStore store,
    IPlatformOAuth oauth,
    ITokenCipher cipher,
    PublisherIdentity identity,
    AccountAlarms alarms,
    IOptions<OAuthOptions> options,
    TimeProvider time,
    ILogger<AccountTokenRefresher> logger) : IAccountTokenRefresher
{
    private readonly ConcurrentDictionary<string, Task<RefreshResult>> _inFlight = new();

    /// <summary>The name this refresher writes on the leases it takes.</summary>
    public string Owner => identity.Owner;

    public Task<RefreshResult> RefreshAsync(string accountId, bool force, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_inFlight.TryGetValue(accountId, out var running))
                return running.WaitAsync(cancellationToken);
            var completion = new TaskCompletionSource<RefreshResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_inFlight.TryAdd(accountId, completion.Task))
                continue;
            _ = RunAsync(accountId, force, completion);
            return completion.Task.WaitAsync(cancellationToken);
        }
    }

    public async Task<Account> EnsureFreshAsync(Account account, CancellationToken cancellationToken)
    {
        if (account.IsSandbox || account.RefreshModel is null)
            return account;
        // The caller's copy may predate a renewal by the worker: its token reference would be the old one.
        var current = await ReadAsync(account.Id, cancellationToken) ?? account;
        var now = time.GetUtcNow();
        if (!TokenRenewal.CanRefresh(current, now) || TokenRenewal.DueAt(current, options.Value) is not { } due || due > now)
            return current;
        // Inside the margin but still valid, right after a failure: use it rather than hammer a failing token endpoint.
        var expired = current.TokenExpiresAt is { } expiry && expiry <= now;
        if (!expired && TokenRenewal.RetryNotBefore(current, options.Value) is { } retry && retry > now)
            return current;
        var result = await RefreshAsync(current.Id, force: false, cancellationToken);
        return result == RefreshResult.Refreshed ? await ReadAsync(current.Id, cancellationToken) ?? current : current;
    }

    private async Task RunAsync(string accountId, bool force, TaskCompletionSource<RefreshResult> completion)
    {
        try
        {
            // Not the first caller's token: the others joined this refresh and still want its outcome.
            completion.SetResult(await RefreshOnceAsync(accountId, force, CancellationToken.None));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Refreshing account {AccountId} failed unexpectedly", accountId);
            completion.SetResult(RefreshResult.Failed);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<RefreshResult>>(accountId, completion.Task));
        }
    }

    private async Task<RefreshResult> RefreshOnceAsync(string accountId, bool force, CancellationToken cancellationToken)
    {
        var account = await ReadAsync(accountId, cancellationToken);
        if (account is null)
            return RefreshResult.Failed;
        var seenVersion = account.TokenVersion;
        var seenFailures = account.RefreshFailures;
        var waited = false;
        while (true)
        {
            var now = time.GetUtcNow();
            if (account.ReconnectRequired)
                return RefreshResult.ReconnectRequired;
            if (account.TokenVersion != seenVersion)
                return RefreshResult.Refreshed; // another refresher renewed it while this one waited
            if (waited && account.RefreshFailures > seenFailures)
                return RefreshResult.Failed; // another refresher tried and failed meanwhile; the retry delay decides the next try
            if (!TokenRenewal.CanRefresh(account, now))
                return await CannotRefreshAsync(account, now, cancellationToken);
            if (!force && (TokenRenewal.DueAt(account, options.Value) is not { } due || due > now))
                return RefreshResult.NotNeeded;

            var leaseUntil = now + options.Value.RefreshLeaseDuration;
            if (await TryTakeLeaseAsync(accountId, now, leaseUntil, cancellationToken))
            {
                // Re-read under the lease: another process may have renewed and let go between the read and the lease.
                var leased = await ReadAsync(accountId, cancellationToken);
                if (leased is null || leased.TokenVersion != seenVersion || leased.ReconnectRequired)
                {
                    await store.WriteAsync(s => s.Accounts.ReleaseRefreshLeaseAsync(accountId, Owner, cancellationToken), cancellationToken);
                    return leased is null ? RefreshResult.Failed
                        : leased.ReconnectRequired ? RefreshResult.ReconnectRequired : RefreshResult.Refreshed;
                }
                return await RefreshHoldingLeaseAsync(leased, cancellationToken);
            }

            await Task.Delay(options.Value.RefreshLeasePoll, time, cancellationToken);
            waited = true;
            account = await ReadAsync(accountId, cancellationToken);
            if (account is null)
                return RefreshResult.Failed;
        }
    }

    /// <summary>
    /// Takes the account's refresh lease; a lease whose owner is a process on this machine that is gone (killed mid-refresh)
    /// is taken over at once rather than after it runs out.
    /// </summary>
    private async Task<bool> TryTakeLeaseAsync(string accountId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (await store.WriteAsync(s => s.Accounts.TryTakeRefreshLeaseAsync(accountId, Owner, now, leaseUntil, cancellationToken), cancellationToken))
            return true;
        var holder = await store.ReadAsync(s => s.Accounts.GetRefreshLeaseOwnerAsync(accountId, now, cancellationToken), cancellationToken);
        if (holder is null || !PublisherIdentity.IsGone(holder))
            return false;
        logger.LogWarning("Taking over the refresh lease of account {AccountId} from {Owner}, a process that is gone", accountId, holder);
        return await store.WriteAsync(
            s => s.Accounts.TryTakeRefreshLeaseAsync(accountId, Owner, now, leaseUntil, cancellationToken, takeOverFrom: holder), cancellationToken);
    }

    private async Task<RefreshResult> RefreshHoldingLeaseAsync(Account account, CancellationToken cancellationToken)
    {
        var accessToken = cipher.Reveal(account.TokenReference);
        var refreshToken = cipher.Reveal(account.RefreshTokenReference);
        if (TokenRenewal.UsesRefreshToken(account) ? refreshToken is null : accessToken is null)
            return await FailAsync(account, "token_unreadable", "the stored token cannot be decrypted (keys lost)", reconnect: true, cancellationToken);

        TokenGrant grant;
        try
        {
            grant = await oauth.RefreshAsync(account, new AccountTokens(accessToken ?? "", refreshToken, account.TokenExpiresAt), cancellationToken);
        }
        catch (OAuthException ex)
        {
            var code = ex.PlatformError ?? ex.Kind.ToString();
            return ex.Kind switch
            {
                OAuthFailureKind.DeadGrant => await FailAsync(account, "dead_grant", code, reconnect: true, cancellationToken),
                OAuthFailureKind.Misconfigured => await FailAsync(account, "misconfigured", code, reconnect: false, cancellationToken),
                _ => await FailAsync(account, "transient", code, reconnect: false, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception's text may hold a URL or a body: only its type is kept.
            return await FailAsync(account, "transient", ex.GetType().Name, reconnect: false, cancellationToken);
        }

        var now = time.GetUtcNow();
        var renewed = new RenewedTokens(
            account.Id,
            cipher.Protect(grant.AccessToken),
            grant.AccessExpiresAt,
            grant.RefreshToken is { } rotated ? cipher.Protect(rotated) : null,
            grant.RefreshExpiresAt,
            grant.Scopes,
            now,
            Owner);
        await store.WriteAsync(s => s.Accounts.StoreRenewedTokensAsync(renewed, cancellationToken), cancellationToken);
        CountRefresh(account, "renewed");
        logger.LogInformation("Renewed the {Platform} account {AccountId}; the access token now expires at {ExpiresAt}",
            account.Platform.ToWireName(), account.Id, grant.AccessExpiresAt);
        return RefreshResult.Refreshed;
    }

    private async Task<RefreshResult> FailAsync(Account account, string kind, string code, bool reconnect, CancellationToken cancellationToken)
    {
        var error = $"{kind}: {code}";
        if (error.Length > 200)
            error = error[..200];
        // A dead grant moves the account to reconnect_required: account.reconnect_required in the same transaction, once.
        await store.WriteAsync(s => alarms.ReconnectRequiredIfChangedAsync(s, account.Id, error,
            () => s.Accounts.RecordRefreshFailureAsync(account.Id, Owner, account.TokenVersion, error, reconnect, cancellationToken), cancellationToken),
            cancellationToken);
        CountRefresh(account, reconnect ? "reconnect_required" : "failed");
        logger.LogWarning("Refreshing the {Platform} account {AccountId} failed ({Kind}, {PlatformError}){Reconnect}",
            account.Platform.ToWireName(), account.Id, kind, code, reconnect ? "; it must be reconnected" : "");
        return reconnect ? RefreshResult.ReconnectRequired : RefreshResult.Failed;
    }

    /// <summary>No refresh can help: a pasted or reconnect-only token, or a refresh token (or long-lived token) that has died.</summary>
    private async Task<RefreshResult> CannotRefreshAsync(Account account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = account.TokenExpiresAt is { } expiry && expiry <= now;
        if (account.IsSandbox || account.RefreshModel is null or RefreshModel.ReconnectOnly)
            return expired ? RefreshResult.ReconnectRequired : RefreshResult.NotNeeded;
        var why = TokenRenewal.UsesRefreshToken(account) ? "refresh_token_expired" : "token_expired";
        await store.WriteAsync(s => alarms.MarkReconnectRequiredAsync(s, account.Id, why, now, cancellationToken), cancellationToken);
        return RefreshResult.ReconnectRequired;
    }

    /// <summary>One refresh that called (or could not call) the platform, for the <c>socialmcp.token.refreshes</c> counter.</summary>
    private static void CountRefresh(Account account, string outcome) =>
        SocialMcpTelemetry.TokenRefreshes.Add(1, new KeyValuePair<string, object?>("platform", account.Platform.ToWireName()),
            new KeyValuePair<string, object?>("outcome", outcome));

    private Task<Account?> ReadAsync(string accountId, CancellationToken cancellationToken) =>
        store.ReadAsync(s => s.Accounts.GetByIdAsync(accountId, cancellationToken), cancellationToken);
}
