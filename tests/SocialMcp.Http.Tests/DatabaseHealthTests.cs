using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

public sealed class DatabaseHealthTests
{
    [Fact]
    public async Task Healthz_WhenTheDatabaseFileCannotBeOpened_Is503Unhealthy()
    {
        await using var server = await TestServer.StartAsync();
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
