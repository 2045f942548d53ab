using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocialMcp.Core.Scheduling;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Http.Tests;

public sealed class DatabaseHealthTests
{
    [Fact]
    public async Task Healthz_WhenTheDatabaseFileCannotBeOpened_Is503Unhealthy()
    {
        // No background loop may open the database while the test swaps the file for a directory (a loop's connection
        // would keep the deleted file open, or recreate it before the directory is made): none of ours is started — the
        // scheduler, webhook deliveries, verification, the heartbeat (registered by a factory) and token refresh.
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["OAuth:BackgroundRefresh"] = "false" },
            configureServices: services =>
            {
                foreach (var loop in services.Where(d => d.ServiceType == typeof(IHostedService)
                    && (d.ImplementationType?.Assembly == typeof(SchedulerWorker).Assembly || d.ImplementationFactory is not null)).ToList())
                    services.Remove(loop);
            });
        server.Services.GetRequiredService<SqliteConnectionFactory>().ClearPool();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(server.Directory, "http.db*"))
            File.Delete(file);
        // A directory where the database file was: SQLite cannot open it, and cannot create a new file there either.
        Directory.CreateDirectory(server.DatabasePath);

        using var response = await server.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", root.GetProperty("status").GetString());
        var database = root.GetProperty("checks").GetProperty("database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.DoesNotContain(server.Directory, database.GetProperty("description").GetString());
    }
}
