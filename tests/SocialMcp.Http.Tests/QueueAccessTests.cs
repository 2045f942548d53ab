using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Access;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>The queue tools over HTTP with API keys: their scopes, and another workspace's platform set is not found.</summary>
public sealed class QueueAccessTests
{
    private const string Week = """{"timeZone": "Europe/Berlin", "slots": [{"day": "monday", "time": "09:00"}]}""";

    private static async Task<string> KeyAsync(TestServer server, string workspaceId, params string[] scopes)
    {
        var (_, plaintext) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(workspaceId, "test", scopes, CancellationToken.None);
        return plaintext;
    }

    private static async Task<JsonElement> CallAsync(TestServer server, string key, string tool, string argumentsJson)
    {
        using var response = await server.SendAsync(server.Post(JsonRpc.Request(1, "tools/call", $$"""{"name": "{{tool}}", "arguments": {{argumentsJson}}}"""), key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonRpc.ReadSseMessageAsync(response)).GetProperty("result").GetProperty("structuredContent").Clone();
    }

    private static string? ErrorCode(JsonElement result) =>
        result.TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() : null;

    [Fact]
    public async Task PostingSchedule_SetNeedsPostsWrite_GetNeedsPostsRead()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var reader = await KeyAsync(server, LocalWorkspace.Id, Scopes.PostsRead);
        var writer = await KeyAsync(server, LocalWorkspace.Id, Scopes.PostsWrite);

        Assert.Equal("FORBIDDEN_SCOPE", ErrorCode(await CallAsync(server, reader, "set_posting_schedule", Week)));
        Assert.Null(ErrorCode(await CallAsync(server, writer, "set_posting_schedule", Week)));
        var read = await CallAsync(server, reader, "get_posting_schedule", "{}");

        Assert.Null(ErrorCode(read));
        Assert.Equal("Europe/Berlin", read.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task AnotherWorkspacesPlatformSet_IsNotFound_ForEveryQueueTool()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var other = await server.Services.GetRequiredService<WorkspaceService>().CreateAsync("other", CancellationToken.None);
        var mine = await KeyAsync(server, LocalWorkspace.Id, Scopes.PostsRead, Scopes.PostsWrite);
        var theirs = await KeyAsync(server, other.Id, Scopes.PostsRead, Scopes.PostsWrite);
        await CallAsync(server, mine, "set_posting_schedule", Week);
        var mySet = (await CallAsync(server, mine, "get_posting_schedule", "{}")).GetProperty("platformSetId").GetString();

        Assert.Equal("PLATFORM_SET_NOT_FOUND", ErrorCode(await CallAsync(server, theirs, "get_posting_schedule", $$"""{"platformSetId": "{{mySet}}"}""")));
        Assert.Equal("PLATFORM_SET_NOT_FOUND", ErrorCode(await CallAsync(server, theirs, "set_posting_schedule",
            $$"""{"platformSetId": "{{mySet}}", "slots": []}""")));
        Assert.Equal("PLATFORM_SET_NOT_FOUND", ErrorCode(await CallAsync(server, theirs, "list_posts",
            $$"""{"platformSetId": "{{mySet}}", "from": "2026-11-23T00:00:00Z", "to": "2026-11-30T00:00:00Z"}""")));
        // Their own default set has no schedule; mine is untouched.
        Assert.Empty((await CallAsync(server, theirs, "get_posting_schedule", "{}")).GetProperty("slots").EnumerateArray());
        Assert.Single((await CallAsync(server, mine, "get_posting_schedule", "{}")).GetProperty("slots").EnumerateArray());
    }
}
