using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using SocialMcp.Tests.Accounts;

namespace SocialMcp.Tests.Storage;

/// <summary>The conditional UPDATEs issue 12 relies on, against a real SQLite file.</summary>
public sealed class OAuthStorageTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RefreshLease_TakenByOneOwner_IsRefusedToAnotherUntilItRunsOut()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var store = harness.Services.Store;
        var now = harness.Clock.GetUtcNow();

        Assert.True(await store.WriteAsync(s => s.Accounts.TryTakeRefreshLeaseAsync(account.Id, "a", now, now.AddMinutes(2), Ct), Ct));
        Assert.False(await store.WriteAsync(s => s.Accounts.TryTakeRefreshLeaseAsync(account.Id, "b", now.AddMinutes(1), now.AddMinutes(3), Ct), Ct));
        Assert.True(await store.WriteAsync(s => s.Accounts.TryTakeRefreshLeaseAsync(account.Id, "b", now.AddMinutes(2), now.AddMinutes(4), Ct), Ct));
        Assert.False(await store.WriteAsync(s => s.Accounts.ReleaseRefreshLeaseAsync(account.Id, "a", Ct), Ct));
        Assert.True(await store.WriteAsync(s => s.Accounts.ReleaseRefreshLeaseAsync(account.Id, "b", Ct), Ct));
        Assert.Equal(now.AddMinutes(2), (await harness.ReadAccountAsync(account.Id)).LastRefreshAttemptAt);
    }

    [Fact]
    public async Task StoreRenewedTokens_WithoutANewRefreshToken_KeepsTheOldOneAndItsExpiry()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        harness.Platform.RefreshLifetime = TimeSpan.FromDays(180);
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var now = harness.Clock.GetUtcNow().AddHours(1);

        await harness.Services.Store.WriteAsync(s => s.Accounts.StoreRenewedTokensAsync(
            new RenewedTokens(account.Id, "dp:new-access", now.AddHours(2), null, null, [], now, "owner"), Ct), Ct);

        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.Equal("dp:new-access", stored.TokenReference);
        Assert.Equal(account.RefreshTokenReference, stored.RefreshTokenReference);
        Assert.Equal(account.RefreshExpiresAt, stored.RefreshExpiresAt);
        Assert.Equal(account.TokenScopes, stored.TokenScopes);
        Assert.Equal(account.TokenVersion + 1, stored.TokenVersion);
        Assert.Equal(now, stored.LastRefreshedAt);
    }

    [Fact]
    public async Task RecordRefreshFailure_AfterAnotherRefresherRenewed_DoesNotMarkTheFreshTokensDead()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var store = harness.Services.Store;
        var now = harness.Clock.GetUtcNow();
        await store.WriteAsync(s => s.Accounts.StoreRenewedTokensAsync(
            new RenewedTokens(account.Id, "dp:newer", now.AddHours(2), "dp:newer-refresh", null, [], now, "other"), Ct), Ct);

        await store.WriteAsync(s => s.Accounts.RecordRefreshFailureAsync(account.Id, "late", account.TokenVersion, "dead_grant: invalid_grant", true, Ct), Ct);

        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.False(stored.ReconnectRequired);
        Assert.Equal(0, stored.RefreshFailures);
    }

    [Fact]
    public async Task ConnectState_IsConsumedOnce()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var started = await harness.Flow.StartAsync(new ConnectRequest
        {
            WorkspaceId = OAuthHarness.Ws,
            Platform = Platform.X,
            RedirectUri = OAuthHarness.Callback,
            Channel = ConnectChannel.Tool,
        }, Ct);
        var hash = AccountConnectFlow.HashOf(FakePlatformOAuth.StateOf(started.AuthorizationUrl));
        var store = harness.Services.Store;
        var now = harness.Clock.GetUtcNow();

        var first = await store.WriteAsync(s => s.Connects.ConsumeAsync(hash, Platform.X, now, Ct), Ct);
        var second = await store.WriteAsync(s => s.Connects.ConsumeAsync(hash, Platform.X, now, Ct), Ct);

        Assert.Equal(started.ConnectionId, first!.Id);
        Assert.Equal(ConnectStates.Exchanging, first.Status);
        Assert.Equal(ConnectChannel.Tool, first.Channel);
        Assert.Null(second);
        Assert.StartsWith("dp:", first.VerifierReference);
    }
}
