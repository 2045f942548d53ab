using SocialMcp.Core.Accounts;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Tests.Accounts;

public sealed class AccountTokenRefresherTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RefreshAsync_TwentyConcurrentCallers_MakeOnePlatformCall()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        harness.Platform.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 20).Select(_ => harness.Refresher.RefreshAsync(account.Id, force: true, Ct)).ToList();
        await Until(() => harness.Platform.RefreshCalls == 1);
        harness.Platform.Gate.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.All(results, r => Assert.Equal(RefreshResult.Refreshed, r));
        Assert.Equal(1, harness.Platform.RefreshCalls);
        Assert.Equal(account.TokenVersion + 1, (await harness.ReadAccountAsync(account.Id)).TokenVersion);
    }

    [Fact]
    public async Task RefreshAsync_TwoProcessesOnOneDatabaseFile_MakeOnePlatformCall()
    {
        await using var first = await OAuthHarness.CreateAsync();
        await using var second = await first.CreateSecondProcessAsync();
        var account = await first.ConnectedAccountAsync(Platform.X);
        first.Platform.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var inFirst = first.Refresher.RefreshAsync(account.Id, force: true, Ct);
        await Until(() => first.Platform.RefreshCalls == 1);
        var inSecond = second.Refresher.RefreshAsync(account.Id, force: true, Ct);
        // The second process finds the lease taken and waits on its clock to look again.
        await second.Clock.WaitForDelayAsync(TimeSpan.FromSeconds(1));
        first.Platform.Gate.SetResult();
        Assert.Equal(RefreshResult.Refreshed, await inFirst);
        second.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(RefreshResult.Refreshed, await inSecond);
        Assert.Equal(1, first.Platform.RefreshCalls);
        var stored = await second.ReadAccountAsync(account.Id);
        Assert.Equal(first.Platform.LatestRefreshToken, second.Cipher.Reveal(stored.RefreshTokenReference));
    }

    [Fact]
    public async Task RefreshAsync_LeaseOfAProcessThatIsGone_IsTakenOverAtOnce()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var now = harness.Clock.GetUtcNow();
        var gone = $"{Environment.MachineName}/{int.MaxValue - 1}/killed";
        var alive = $"another-machine/1/alive";
        await harness.Services.Store.WriteAsync(s => s.Accounts.TryTakeRefreshLeaseAsync(account.Id, gone, now, now.AddMinutes(2), Ct), Ct);

        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        Assert.Equal(1, harness.Platform.RefreshCalls);

        await harness.Services.Store.WriteAsync(s => s.Accounts.TryTakeRefreshLeaseAsync(account.Id, alive, now, now.AddMinutes(2), Ct), Ct);
        var waiting = harness.Refresher.RefreshAsync(account.Id, force: true, Ct);
        await harness.Clock.WaitForDelayAsync(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted); // a live holder is waited for
        // Move the clock a second at a time until the live holder's lease (two minutes) has run out and the waiter took over.
        var patience = System.Diagnostics.Stopwatch.StartNew();
        while (!waiting.IsCompleted && patience.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (harness.Clock.PendingTimers > 0)
                harness.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }
        Assert.Equal(RefreshResult.Refreshed, await waiting); // its lease ran out: this one refreshed
        Assert.Equal(2, harness.Platform.RefreshCalls);
    }

    [Fact]
    public async Task RefreshAsync_RotatingRefreshToken_StoresTheNewOneBeforeReturning_SoTheNextRefreshWorks()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var original = harness.Platform.LatestRefreshToken;

        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));

        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.NotEqual(original, harness.Platform.LatestRefreshToken);
        Assert.Equal(harness.Platform.LatestRefreshToken, harness.Cipher.Reveal(stored.RefreshTokenReference));
        Assert.Equal(harness.Platform.LatestAccessToken, harness.Cipher.Reveal(stored.TokenReference));
        Assert.Equal(harness.Clock.GetUtcNow(), stored.LastRefreshedAt);
        // The original refresh token died when the new one was issued: only the stored one can work now.
        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        Assert.Equal(2, harness.Platform.RefreshCalls);
        Assert.DoesNotContain(await harness.AllStoredTextAsync(), text => text.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefreshAsync_RefreshTokenThatDoesNotRotate_KeepsTheStoredOne()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.YouTube);
        var refreshToken = harness.Cipher.Reveal(account.RefreshTokenReference);

        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));

        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.Equal(refreshToken, harness.Cipher.Reveal(stored.RefreshTokenReference));
        Assert.Equal(harness.Platform.LatestAccessToken, harness.Cipher.Reveal(stored.TokenReference));
    }

    [Fact]
    public async Task RefreshAsync_DeadGrant_MarksReconnectRequired_WithTheCodeAndNoToken()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        harness.Platform.RevokeAll();

        var result = await harness.Refresher.RefreshAsync(account.Id, force: true, Ct);

        Assert.Equal(RefreshResult.ReconnectRequired, result);
        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.True(stored.ReconnectRequired);
        Assert.Contains("invalid_grant", stored.LastRefreshError);
        Assert.DoesNotContain("SECRET", stored.LastRefreshError);
        Assert.Equal(TokenHealth.ReconnectRequired, TokenHealth.Of(stored, harness.Clock.GetUtcNow()));
        var view = Assert.Single(await harness.Services.Get<AccountService>().ListAccountsAsync(OAuthHarness.Ws, Platform.X, stored.PlatformSetId, Ct));
        Assert.Equal(TokenHealth.ReconnectRequired, view.TokenHealth);
        // Nothing is tried again until a person reconnects.
        Assert.Equal(RefreshResult.ReconnectRequired, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        Assert.Equal(1, harness.Platform.RefreshCalls);
    }

    [Fact]
    public async Task RefreshAsync_TransientFailures_AreCountedUntilExpiring_AndASuccessClearsThem()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        harness.Platform.FailNextRefreshes(OAuthFailureKind.Transient, OAuthFailureKind.Transient, OAuthFailureKind.Misconfigured);

        for (var i = 0; i < 3; i++)
            Assert.Equal(RefreshResult.Failed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));

        var failing = await harness.ReadAccountAsync(account.Id);
        Assert.Equal(3, failing.RefreshFailures);
        Assert.False(failing.ReconnectRequired);
        Assert.Equal("misconfigured: invalid_client", failing.LastRefreshError);
        Assert.Equal(TokenHealth.Expiring, TokenHealth.Of(failing, harness.Clock.GetUtcNow()));
        var report = await harness.Services.Get<TokenRefreshHealth>().ReportAsync(Ct);
        Assert.Equal(1, report.RepeatedFailures);
        Assert.Equal(account.Id, Assert.Single(report.Accounts).AccountId);
        // The old refresh token still works: a failure never dropped it.
        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        var renewed = await harness.ReadAccountAsync(account.Id);
        Assert.Equal(0, renewed.RefreshFailures);
        Assert.Null(renewed.LastRefreshError);
        Assert.Equal(TokenHealth.Healthy, TokenHealth.Of(renewed, harness.Clock.GetUtcNow()));
        Assert.True((await harness.Services.Get<TokenRefreshHealth>().ReportAsync(Ct)).Ok);
    }

    [Fact]
    public async Task RefreshAsync_NotYetDue_WithoutForce_CallsNothing()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);

        Assert.Equal(RefreshResult.NotNeeded, await harness.Refresher.RefreshAsync(account.Id, force: false, Ct));
        harness.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(10));
        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: false, Ct));

        Assert.Equal(1, harness.Platform.RefreshCalls);
    }

    [Fact]
    public async Task RefreshAsync_ReconnectOnlyPlatform_IsNeverRefreshed_AndTurnsExpiringThenReconnectRequired()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        harness.Platform.AccessLifetime = TimeSpan.FromDays(60);
        var account = await harness.ConnectedAccountAsync(Platform.LinkedIn);

        Assert.Equal(RefreshResult.NotNeeded, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        Assert.Equal(TokenHealth.Healthy, TokenHealth.Of(account, harness.Clock.GetUtcNow()));
        harness.Clock.Advance(TimeSpan.FromDays(53) + TimeSpan.FromMinutes(1));
        Assert.Equal(TokenHealth.Expiring, TokenHealth.Of(account, harness.Clock.GetUtcNow()));
        harness.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(TokenHealth.ReconnectRequired, TokenHealth.Of(account, harness.Clock.GetUtcNow()));
        Assert.Equal(RefreshResult.ReconnectRequired, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));

        Assert.Equal(0, harness.Platform.RefreshCalls);
    }

    [Fact]
    public async Task TokenVault_AccessTokenInsideItsMargin_IsRenewedBeforeUse()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var vault = harness.Services.Get<ITokenVault>();
        var first = await vault.GetAccessTokenAsync(account, Ct);

        harness.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(5));
        var renewed = await vault.GetAccessTokenAsync(account, Ct);

        Assert.NotEqual(first, renewed);
        Assert.Equal(harness.Platform.LatestAccessToken, renewed);
        Assert.Equal(1, harness.Platform.RefreshCalls);
        // The caller's stale copy still gets the stored token, without another refresh.
        Assert.Equal(renewed, await vault.GetAccessTokenAsync(account, Ct));
        Assert.Equal(1, harness.Platform.RefreshCalls);
    }

    [Fact]
    public async Task RefreshAsync_InstagramTokenYoungerThanADay_IsNotExtendedUntilItIs()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        // Half of 30 hours would be due at 15 hours; Instagram extends only a token at least 24 hours old.
        harness.Platform.AccessLifetime = TimeSpan.FromHours(30);
        var account = await harness.ConnectedAccountAsync(Platform.Instagram);

        harness.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        Assert.Equal(RefreshResult.NotNeeded, await harness.Refresher.RefreshAsync(account.Id, force: false, Ct));
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: false, Ct));

        Assert.Equal(1, harness.Platform.RefreshCalls);
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromHours(30), (await harness.ReadAccountAsync(account.Id)).TokenExpiresAt);
    }

    /// <summary>Waits (yielding, never sleeping) for something other tasks make true; a guard against a hung test, not a timing.</summary>
    internal static async Task Until(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException("The condition never became true.");
            await Task.Yield();
        }
    }
}
