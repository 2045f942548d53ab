using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Access;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>The real API-key gate over HTTP: 401s, scopes, tenant isolation, rate limits with headers, audit.</summary>
public sealed class ApiKeyAccessTests
{
    private static async Task<string> KeyAsync(TestServer server, string workspaceId, params string[] scopes)
    {
        var (_, plaintext) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(workspaceId, "test", scopes, CancellationToken.None);
        return plaintext;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Result, HttpResponseMessage Response)> CallAsync(
        TestServer server, string? key, string tool, string argumentsJson = "{}")
    {
        var response = await server.SendAsync(server.Post(JsonRpc.Request(1, "tools/call", $$"""{"name": "{{tool}}", "arguments": {{argumentsJson}}}"""), key));
        if (response.StatusCode != HttpStatusCode.OK)
            return (response.StatusCode, default, response);
        var message = await JsonRpc.ReadSseMessageAsync(response);
        return (response.StatusCode, message.GetProperty("result").GetProperty("structuredContent").Clone(), response);
    }

    private static async Task<JsonElement> OkAsync(TestServer server, string key, string tool, string argumentsJson = "{}")
    {
        var (status, result, _) = await CallAsync(server, key, tool, argumentsJson);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(result.TryGetProperty("error", out _), $"{tool} failed: {result}");
        return result;
    }

    private static async Task<JsonElement> ErrorAsync(TestServer server, string key, string tool, string argumentsJson, string code)
    {
        var (status, result, _) = await CallAsync(server, key, tool, argumentsJson);
        Assert.Equal(HttpStatusCode.OK, status);
        var error = result.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error;
    }

    [Fact]
    public async Task NoKey_Is401WithBearerChallenge()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);

        var (status, _, response) = await CallAsync(server, null, "list_posts");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("smcp_live_000000000000_nosuchsecret")]
    [InlineData("not-even-a-key")]
    public async Task BadKey_Is401InvalidToken(string key)
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);

        var (status, _, response) = await CallAsync(server, key, "list_posts");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task RequestsWithoutAValidKey_OverThePerAddressLimit_Are429WithRetryAfter_ButAValidKeyStillWorks()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:UnauthenticatedPerWindow"] = "2",
            ["RateLimits:Window"] = "00:10:00",
        }, apiKeys: true);

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(server, null, "list_posts")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(server, "smcp_live_000000000000_guess", "list_posts")).Status);
        var (status, _, response) = await CallAsync(server, "smcp_live_000000000000_another", "list_posts");

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("RATE_LIMITED", body.GetProperty("error").GetProperty("code").GetString());
        await OkAsync(server, await KeyAsync(server, LocalWorkspace.Id), "list_posts");
    }

    [Fact]
    public async Task RevokedKey_Is401()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var workspaces = server.Services.GetRequiredService<WorkspaceService>();
        var (key, plaintext) = await workspaces.CreateKeyAsync(LocalWorkspace.Id, "soon revoked", null, CancellationToken.None);
        await OkAsync(server, plaintext, "list_posts");

        await workspaces.RevokeKeyAsync(key.Id, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(server, plaintext, "list_posts")).Status);
    }

    [Fact]
    public async Task CallOutsideScopes_IsForbiddenScopeNamingTheScope_ButToolsListShowsEveryTool()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var readOnly = await KeyAsync(server, LocalWorkspace.Id, Scopes.PostsRead);

        var error = await ErrorAsync(server, readOnly, "create_post", """{"content": {"text": "hi"}, "platforms": ["x"]}""", "FORBIDDEN_SCOPE");
        Assert.Contains(Scopes.PostsWrite, error.GetProperty("message").GetString());
        await ErrorAsync(server, readOnly, "publish_post", $$"""{"postId": "{{Guid.NewGuid()}}"}""", "FORBIDDEN_SCOPE");
        await ErrorAsync(server, readOnly, "list_accounts", "{}", "FORBIDDEN_SCOPE");
        await OkAsync(server, readOnly, "list_posts");

        using var list = await server.SendAsync(server.Post(JsonRpc.Request(2, "tools/list"), readOnly));
        var tools = (await JsonRpc.ReadSseMessageAsync(list)).GetProperty("result").GetProperty("tools");
        Assert.Contains(tools.EnumerateArray(), t => t.GetProperty("name").GetString() == "create_post");
    }

    [Fact]
    public async Task AnotherWorkspacesObjects_AreNotFound_ForEveryToolThatTakesAnId()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var other = await server.Services.GetRequiredService<WorkspaceService>().CreateAsync("other", CancellationToken.None);
        var mine = await KeyAsync(server, LocalWorkspace.Id);
        var theirs = await KeyAsync(server, other.Id);

        var created = await OkAsync(server, mine, "create_post", """{"content": {"text": "mine"}, "platforms": ["x", "linkedin"]}""");
        var postId = created.GetProperty("id").GetString();
        var published = await OkAsync(server, mine, "create_post", """{"content": {"text": "mine, live"}, "platforms": ["x"]}""");
        var livePostId = published.GetProperty("id").GetString();
        await OkAsync(server, mine, "publish_post", $$"""{"postId": "{{livePostId}}"}""");
        var set = await OkAsync(server, mine, "create_platform_set", """{"name": "Mine"}""");
        var setId = set.GetProperty("platformSet").GetProperty("id").GetString();
        var when = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        foreach (var (tool, args) in new[]
        {
            ("get_post", $$"""{"postId": "{{postId}}"}"""),
            ("update_post", $$"""{"postId": "{{postId}}", "version": 1, "content": {"text": "stolen"} }"""),
            ("cancel_post", $$"""{"postId": "{{postId}}"}"""),
            ("validate_post", $$"""{"postId": "{{postId}}"}"""),
            ("publish_post", $$"""{"postId": "{{postId}}"}"""),
            ("schedule_post", $$"""{"postId": "{{postId}}", "scheduledFor": "{{when}}"}"""),
            ("withdraw_post", $$"""{"postId": "{{livePostId}}"}"""),
            ("retry_post", $$"""{"postId": "{{livePostId}}"}"""),
        })
        {
            await ErrorAsync(server, theirs, tool, args, "POST_NOT_FOUND");
        }
        foreach (var (tool, args) in new[]
        {
            ("rename_platform_set", $$"""{"platformSetId": "{{setId}}", "name": "Stolen"}"""),
            ("set_default_platform_set", $$"""{"platformSetId": "{{setId}}"}"""),
            ("delete_platform_set", $$"""{"platformSetId": "{{setId}}"}"""),
            ("list_accounts", $$"""{"platformSetId": "{{setId}}"}"""),
            ("create_post", $$"""{"content": {"text": "x"}, "platforms": ["x"], "platformSetId": "{{setId}}"}"""),
        })
        {
            await ErrorAsync(server, theirs, tool, args, "PLATFORM_SET_NOT_FOUND");
        }
        Assert.Equal(0, (await OkAsync(server, theirs, "list_posts")).GetProperty("total").GetInt32());
        Assert.DoesNotContain((await OkAsync(server, theirs, "list_platform_sets")).GetProperty("platformSets").EnumerateArray(),
            s => s.GetProperty("id").GetString() == setId);

        // Nothing of the owner's changed.
        var after = await OkAsync(server, mine, "get_post", $$"""{"postId": "{{postId}}"}""");
        Assert.Equal(("draft", 1, "mine"), (after.GetProperty("status").GetString(), after.GetProperty("version").GetInt32(),
            after.GetProperty("content").GetProperty("text").GetString()));
    }

    [Fact]
    public async Task OverTheRateLimit_IsTheToolErrorRateLimited_AsOnStdio()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:ReadPerWindow"] = "2",
            ["RateLimits:Window"] = "00:10:00",
        }, apiKeys: true);
        var key = await KeyAsync(server, LocalWorkspace.Id);
        await OkAsync(server, key, "list_posts");
        await OkAsync(server, key, "list_posts");

        var error = await ErrorAsync(server, key, "list_posts", "{}", "RATE_LIMITED");

        Assert.Contains("the limit is 2 per window", error.GetProperty("message").GetString());
        Assert.Contains("seconds", error.GetProperty("hint").GetString());
        // Another key has its own budget; so does another operation.
        await OkAsync(server, await KeyAsync(server, LocalWorkspace.Id), "list_posts");
        await OkAsync(server, key, "create_post", """{"content": {"text": "still fine"}, "platforms": ["x"]}""");
    }

    [Fact]
    public async Task SdkClientWithKey_CreatesPublishesAndGets_AndTheAuditLogNamesTheKeyAndClient()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var (key, plaintext) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(LocalWorkspace.Id, "sdk", null, CancellationToken.None);
        // The default (2026-07-28) revision carries the client's name on every request, even without a session.
        await using var client = await server.ConnectAsync(null, plaintext);

        var created = await client.CallToolAsync("create_post", new Dictionary<string, object?>
        {
            ["content"] = new Dictionary<string, object?> { ["text"] = "Over HTTP with a key" },
            ["platforms"] = new[] { "x" },
        });
        var id = created.StructuredContent!.Value.GetProperty("id").GetString();
        var published = await client.CallToolAsync("publish_post", new Dictionary<string, object?> { ["postId"] = id });
        Assert.Equal("published", published.StructuredContent!.Value.GetProperty("status").GetString());

        await using var connection = new SqliteConnection($"Data Source={server.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id, client_name, tool, outcome FROM audit_log ORDER BY id;";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string Key, string Client, string Tool, string Outcome)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        Assert.Equal([(key.Id, "socialmcp-http-tests", "create_post", "ok"), (key.Id, "socialmcp-http-tests", "publish_post", "ok")], rows);
    }
}
