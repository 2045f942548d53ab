using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Tokens.KeyRing;
using SocialMcp.Storage.Postgres;
using SocialMcp.Tests.Accounts;

namespace SocialMcp.Tests.Cluster;

/// <summary>The token key ring in the shared database, and one token refresh per account across instances.</summary>
public sealed class ClusterKeyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task EnsureKey_TwoInstancesOnAFreshDatabase_CreateOneKey_AndATokenProtectedOnAIsRevealedOnB()
    {
        await using var cluster = await ClusterInstances.StartAsync(2, listen: false);

        await Task.WhenAll(cluster.All.Select(instance => Task.Run(() => instance.Get<SharedKeyRing>().EnsureKey())));

        await using (var connection = await cluster[0].OpenConnectionAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT count(*) FROM data_protection_keys;";
            Assert.Equal(1L, Convert.ToInt64(await command.ExecuteScalarAsync()));
        }
        var reference = cluster[0].Get<ITokenCipher>().Protect("access-token-of-a");
        Assert.Equal("access-token-of-a", cluster[1].Get<ITokenCipher>().Reveal(reference));
    }

    [Fact]
    public async Task RefreshAsync_TwoInstancesOnOneDatabase_MakeOnePlatformCall()
    {
        await using var first = await OAuthHarness.CreateAsync(configure: KeysInTheDatabase);
        first.Services.Get<SharedKeyRing>().EnsureKey();
        await using var second = await OAuthHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = first.Services.ConnectionString,
        }, KeysInTheDatabase, first.Platform);
        second.Services.Get<SharedKeyRing>().EnsureKey();
        var account = await first.ConnectedAccountAsync(Platform.X);
        first.Platform.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var inFirst = first.Refresher.RefreshAsync(account.Id, force: true, Ct);
        await AccountTokenRefresherTests.Until(() => first.Platform.RefreshCalls == 1);
        var inSecond = second.Refresher.RefreshAsync(account.Id, force: true, Ct);
        // The second instance finds the lease row taken and waits on its clock to look again.
        await second.Clock.WaitForDelayAsync(TimeSpan.FromSeconds(1));
        first.Platform.Gate.SetResult();
        Assert.Equal(RefreshResult.Refreshed, await inFirst);
        second.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(RefreshResult.Refreshed, await inSecond);
        Assert.Equal(1, first.Platform.RefreshCalls);
        var stored = await second.ReadAccountAsync(account.Id);
        Assert.Equal(first.Platform.LatestRefreshToken, second.Cipher.Reveal(stored.RefreshTokenReference));
    }

    // The harness gives each instance its own key folder; here the key ring lives in the database, as a PostgreSQL deployment has it.
    private static void KeysInTheDatabase(IServiceCollection services)
    {
        services.AddSharedKeyRing(provider => provider.GetRequiredService<PostgresDataSource>().DataSource.OpenConnection);
        services.AddOptions<KeyManagementOptions>().PostConfigure<KeyTable>((keys, table) => keys.XmlRepository = table);
    }
}
