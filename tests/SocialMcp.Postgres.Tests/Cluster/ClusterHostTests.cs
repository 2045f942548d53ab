using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using SocialMcp.Platforms.Tokens.KeyRing;
using SocialMcp.Server.Access;
using SocialMcp.Server.Authorization;
using SocialMcp.Server.Hosting;
using SocialMcp.Storage.Postgres;

namespace SocialMcp.Tests.Cluster;

/// <summary>Three real hosts (the builder <c>serve</c> uses) starting together on one fresh PostgreSQL database.</summary>
public sealed class ClusterHostTests
{
    [Fact]
    public async Task InitializeStore_ThreeHostsOnAFreshDatabase_MigrateOnce_ShareOneKeyRing_TheAuthorizationTables_AndTheRateLimits()
    {
        var cluster = await PostgresTestCluster.SharedAsync();
        var database = await cluster.CreateDatabaseAsync();
        var folder = Path.Combine(Path.GetTempPath(), "socialmcp-cluster-" + Guid.NewGuid().ToString("N"));
        var hosts = new List<IHost>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var builder = SocialMcpHost.CreateBuilder(new Dictionary<string, string?>
                {
                    ["Storage:Provider"] = "postgres",
                    ["Storage:ConnectionString"] = cluster.ConnectionStringFor(database),
                    ["Media:Root"] = Path.Combine(folder, "media" + i),
                    ["RateLimits:CreatePerWindow"] = "1",
                    ["RateLimits:Window"] = "01:00:00",
                });
                builder.Services.AddSocialMcpAuthorizationStore();
                // As AddSocialMcpServer registers them.
                builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName);
                builder.Services.AddSingleton<ToolRateLimiter>();
                hosts.Add(builder.Build());
            }

            await Task.WhenAll(hosts.Select(host => Task.Run(() => host.Services.InitializeStoreAsync(CancellationToken.None))));
            // The authorization tables are created on first use (issue 18), by whichever host uses them first.
            await Task.WhenAll(hosts.Select(host => Task.Run(() =>
            {
                using var scope = host.Services.CreateScope();
                scope.ServiceProvider.GetRequiredService<AuthorizationDatabase>().EnsureCreated();
            })));

            Assert.All(hosts, host =>
            {
                Assert.IsType<KeyTable>(host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
                Assert.Contains(host.Services.GetServices<IHostedService>(), service => service is PostgresChangeListener);
            });
            await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor(database));
            await connection.OpenAsync();
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM data_protection_keys;"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM schema_migrations WHERE version = 2;"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM pg_tables WHERE tablename = 'operators';"));
            // One call per window in total, whichever host answers it.
            Assert.True(hosts[0].Services.GetRequiredService<ToolRateLimiter>().TryAcquire("key:k", ToolOperation.Create).Admitted);
            Assert.False(hosts[1].Services.GetRequiredService<ToolRateLimiter>().TryAcquire("key:k", ToolOperation.Create).Admitted);
        }
        finally
        {
            foreach (var host in hosts)
                host.Dispose();
            await cluster.DropDatabaseAsync(database);
            try { Directory.Delete(folder, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
