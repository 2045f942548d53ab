using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>
/// Renews every account whose access token comes due (<see cref="TokenRenewal.DueAt"/>), then sleeps through the
/// <see cref="TimeProvider"/> until the next one is due — <c>OAuth:RefreshRecheckInterval</c> at most, so accounts connected
/// meanwhile are picked up. A failed refresh is tried again after the retry delay, doubling. Off with
/// <c>OAuth:BackgroundRefresh=false</c>; tokens are then renewed only when used. Each pass also raises
/// <c>account.expiring</c> for tokens that became expiring (<see cref="AccountAlarms"/>).
/// </summary>
public sealed class TokenRefreshWorker(
    IStore store,
    IAccountTokenRefresher refresher,
    AccountAlarms alarms,
    IOptions<OAuthOptions> options,
    TimeProvider time,
    ILogger<TokenRefreshWorker> logger) : BackgroundService
{
    /// <summary>When the worker wakes next; null before its first pass. For the health report and the tests.</summary>
    public DateTimeOffset? SleepingUntil { get; private set; }

    /// <summary>Passes completed so far.</summary>
    public int Passes => _passes;

    private int _passes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.BackgroundRefresh)
            return;
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                DateTimeOffset wakeAt;
                try
                {
                    wakeAt = await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Token refresh pass failed; retrying");
                    wakeAt = time.GetUtcNow() + options.Value.RefreshRetryDelay;
                }
                SleepingUntil = wakeAt;
                Interlocked.Increment(ref _passes);
                var delay = wakeAt - time.GetUtcNow();
                if (delay > TimeSpan.Zero)
                    await Task.Delay(delay, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Renews what is due, then answers when to wake.</summary>
    public async Task<DateTimeOffset> PassAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var accounts = await store.ReadAsync(s => s.Accounts.ListRefreshableAsync(cancellationToken), cancellationToken);
        var now = time.GetUtcNow();
        var wakeAt = now + settings.RefreshRecheckInterval;
        foreach (var account in accounts)
        {
            if (TokenRenewal.NextAttemptAt(account, settings, now) is not { } next)
                continue;
            if (next > now)
            {
                wakeAt = next < wakeAt ? next : wakeAt;
                continue;
            }
            await refresher.RefreshAsync(account.Id, force: false, cancellationToken);
            var after = await store.ReadAsync(s => s.Accounts.GetByIdAsync(account.Id, cancellationToken), cancellationToken);
            if (after is not null && TokenRenewal.NextAttemptAt(after, settings, time.GetUtcNow()) is { } again)
            {
                // Never sooner than a lease poll: an account another process is renewing is looked at again, not spun on.
                var floor = time.GetUtcNow() + settings.RefreshLeasePoll;
                again = again < floor ? floor : again;
                wakeAt = again < wakeAt ? again : wakeAt;
            }
        }
        await RaiseExpiringAsync(cancellationToken);
        return wakeAt;
    }

    /// <summary>account.expiring for tokens that became expiring (issue 16); a failure here never stops the renewals.</summary>
    private async Task RaiseExpiringAsync(CancellationToken cancellationToken)
    {
        try
        {
            await alarms.RaiseExpiringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Raising account.expiring failed; trying again on the next pass");
        }
    }
}
