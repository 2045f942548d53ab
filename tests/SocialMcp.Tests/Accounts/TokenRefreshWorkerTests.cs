using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using static SocialMcp.Tests.Accounts.AccountTokenRefresherTests;

namespace SocialMcp.Tests.Accounts;

public sealed class TokenRefreshWorkerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Dictionary<string, string?> On = new() { ["OAuth:BackgroundRefresh"] = "true" };

    [Fact]
    public async Task Worker_FiveSecondToken_IsRenewedAtHalfItsLife_ThreeLifetimesInARow()
    {
        await using var harness = await OAuthHarness.CreateAsync(On);
        harness.Platform.AccessLifetime = TimeSpan.FromSeconds(5);
        var start = harness.Clock.GetUtcNow();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var worker = harness.Services.Get<TokenRefreshWorker>();
        await worker.StartAsync(Ct);

        for (var lifetime = 1; lifetime <= 3; lifetime++)
        {
            var due = start + TimeSpan.FromSeconds(2.5 * lifetime);
            await Until(() => worker.SleepingUntil == due && harness.Clock.PendingTimers > 0);
            harness.Clock.Advance(TimeSpan.FromSeconds(2.5));
            var expected = lifetime;
            await Until(() => harness.Platform.RefreshCalls == expected);
        }
        await Until(() => worker.SleepingUntil == start + TimeSpan.FromSeconds(10));
        await worker.StopAsync(Ct);

        Assert.Equal(new[] { start.AddSeconds(2.5), start.AddSeconds(5), start.AddSeconds(7.5) }, harness.Platform.RefreshTimes);
        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.Equal(start.AddSeconds(12.5), stored.TokenExpiresAt);
        Assert.Equal(harness.Platform.LatestAccessToken, harness.Cipher.Reveal(stored.TokenReference));
        Assert.Equal(TokenHealth.Healthy, TokenHealth.Of(stored, harness.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Worker_TransientFailure_RetriesAfterTheRetryDelay()
    {
        await using var harness = await OAuthHarness.CreateAsync(On);
        harness.Platform.AccessLifetime = TimeSpan.FromHours(2);
        var start = harness.Clock.GetUtcNow();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        harness.Platform.FailNextRefreshes(OAuthFailureKind.Transient);
        harness.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(10)); // due now
        var worker = harness.Services.Get<TokenRefreshWorker>();

        var wakeAt = await worker.PassAsync(Ct);

        Assert.Equal(1, harness.Platform.RefreshCalls);
        Assert.Equal(1, (await harness.ReadAccountAsync(account.Id)).RefreshFailures);
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), wakeAt);
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), await worker.PassAsync(Ct));
        Assert.Equal(1, harness.Platform.RefreshCalls); // not before the retry delay

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await worker.PassAsync(Ct);

        Assert.Equal(2, harness.Platform.RefreshCalls);
        var renewed = await harness.ReadAccountAsync(account.Id);
        Assert.Equal(0, renewed.RefreshFailures);
        Assert.Equal(start + TimeSpan.FromHours(2) - TimeSpan.FromMinutes(9) + TimeSpan.FromHours(2), renewed.TokenExpiresAt);
    }

    [Fact]
    public async Task Worker_NothingDue_SleepsAtMostTheRecheckInterval()
    {
        await using var harness = await OAuthHarness.CreateAsync(On);
        await harness.ConnectedAccountAsync(Platform.X);
        await harness.ConnectedAccountAsync(Platform.LinkedIn); // reconnect-only: never due

        var wakeAt = await harness.Services.Get<TokenRefreshWorker>().PassAsync(Ct);

        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), wakeAt);
        Assert.Equal(0, harness.Platform.RefreshCalls);
    }
}
