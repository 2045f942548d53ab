using Microsoft.Data.Sqlite;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>Limits, platform sets and the audit log, seen through the stdio server.</summary>
public sealed class StdioAccessEndToEndTests
{
    [Fact]
    public async Task ReadsOverTheConfiguredLimit_AreRateLimitedWithTheResetTime()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["SOCIALMCP_RateLimits__ReadPerWindow"] = "2",
            ["SOCIALMCP_RateLimits__Window"] = "01:00:00",
        });
        await server.CallOkAsync("list_posts");
        await server.CallOkAsync("list_accounts");

        var error = await server.CallFailingAsync("get_post", $$"""{"postId": "{{Guid.NewGuid()}}"}""", "RATE_LIMITED");

        Assert.Contains("resets at", error.GetProperty("message").GetString());
        // Other operations have their own budget.
        await server.CallOkAsync("create_post", """{"content": {"text": "still allowed"}, "platforms": ["x"]}""");
    }

    [Fact]
    public async Task PlatformSetTools_CreateRenameUseAndDelete()
    {
        await using var server = await ServerProcess.StartAsync();

        var created = await server.CallOkAsync("create_platform_set", """{"name": "Acme", "withSandboxAccounts": true}""");
        var setId = created.GetProperty("platformSet").GetProperty("id").GetString()!;
        Assert.Equal(8, created.GetProperty("platformSet").GetProperty("accountCount").GetInt32());
        await server.CallFailingAsync("create_platform_set", """{"name": "Acme"}""", "PLATFORM_SET_NAME_TAKEN", "$.name");

        var renamed = await server.CallOkAsync("rename_platform_set", $$"""{"platformSetId": "{{setId}}", "name": "Acme EU"}""");
        Assert.Equal("Acme EU", renamed.GetProperty("platformSet").GetProperty("name").GetString());

        var sets = await server.CallOkAsync("list_platform_sets");
        Assert.Equal(2, sets.GetProperty("platformSets").GetArrayLength());
        var defaultId = sets.GetProperty("platformSets").EnumerateArray().Single(s => s.GetProperty("isDefault").GetBoolean()).GetProperty("id").GetString();
        await server.CallFailingAsync("delete_platform_set", $$"""{"platformSetId": "{{defaultId}}"}""", "DEFAULT_PLATFORM_SET_PROTECTED", "$.platformSetId");

        await server.CallOkAsync("create_post", $$"""{"content": {"text": "hi"}, "platforms": ["x"], "platformSetId": "{{setId}}"}""");
        await server.CallFailingAsync("delete_platform_set", $$"""{"platformSetId": "{{setId}}"}""", "PLATFORM_SET_IN_USE", "$.platformSetId");

        var spare = await server.CallOkAsync("create_platform_set", """{"name": "Spare"}""");
        var spareId = spare.GetProperty("platformSet").GetProperty("id").GetString();
        await server.CallOkAsync("delete_platform_set", $$"""{"platformSetId": "{{spareId}}"}""");
        await server.CallFailingAsync("rename_platform_set", $$"""{"platformSetId": "{{spareId}}", "name": "Back"}""", "PLATFORM_SET_NOT_FOUND", "$.platformSetId");
    }

    [Fact]
    public async Task EveryToolCall_IsAudited_WithClientToolOutcomeAndNoArguments()
    {
        await using var server = await ServerProcess.StartAsync();
        await server.CallOkAsync("create_post", """{"content": {"text": "secret-looking text 12345"}, "platforms": ["x"]}""");
        await server.CallFailingAsync("get_post", $$"""{"postId": "{{Guid.NewGuid()}}"}""", "POST_NOT_FOUND");

        await using var connection = new SqliteConnection($"Data Source={server.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT workspace_id, key_id, client_name, client_version, tool, outcome, duration_ms FROM audit_log ORDER BY id;";
        var rows = new List<(string Workspace, string? Key, string Client, string Version, string Tool, string Outcome, double Ms)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.GetDouble(6)));
            }
        }

        Assert.Equal([("create_post", "ok"), ("get_post", "POST_NOT_FOUND")], rows.Select(r => (r.Tool, r.Outcome)));
        Assert.All(rows, r =>
        {
            Assert.Equal("local", r.Workspace);
            Assert.Null(r.Key);
            Assert.Equal(("socialmcp-e2e", "1.0"), (r.Client, r.Version));
            Assert.True(r.Ms >= 0);
        });
    }
}
