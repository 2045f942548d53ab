using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>The C# SDK client drives the tools over streamable HTTP, as an agent would.</summary>
public sealed class SdkClientTests
{
    [Theory]
    [InlineData(null, "2026-07-28")]       // the SDK's default: server/discover, no initialize, no session
    [InlineData("2025-06-18", "2025-06-18")] // an initialize-handshake client, served without a session
    public async Task Stateless_CreatePublishGet_Works(string? requestedVersion, string negotiatedVersion)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync(requestedVersion);

        Assert.Equal("socialmcp", client.ServerInfo?.Name);
        Assert.Equal(negotiatedVersion, client.NegotiatedProtocolVersion);
        Assert.Null(client.SessionId);
        await CreatePublishGetAsync(client);
        Assert.Equal(0, server.Sessions.Count);
    }

    [Fact]
    public async Task Stateful_CreatePublishGet_WorksInOneSessionThatEndsWithTheClient()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Http:Stateful"] = "true" });
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Sessions.SessionEnded += id => ended.TrySetResult(id);

        await using var client = await server.ConnectAsync();
        // A stateful server refuses the 2026-07-28 revision (it has no sessions), so the client falls back to initialize.
        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        var sessionId = client.SessionId;
        Assert.False(string.IsNullOrEmpty(sessionId));
        Assert.Equal(1, server.Sessions.Count);

        await CreatePublishGetAsync(client);
        await client.DisposeAsync(); // sends DELETE (disposing twice is harmless)

        Assert.Equal(sessionId, await ended.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, server.Sessions.Count);
    }

    private static async Task CreatePublishGetAsync(McpClient client)
    {
        var created = await ToolCalls.CallOkAsync(client, "create_post", """{"content": {"text": "Over HTTP"}, "platforms": ["x", "linkedin"]}""");
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("draft", created.GetProperty("status").GetString());

        var published = await ToolCalls.CallOkAsync(client, "publish_post", $$"""{"postId": "{{id}}", "version": {{created.GetProperty("version").GetInt32()}}}""");
        Assert.Equal("published", published.GetProperty("status").GetString());

        var fetched = await ToolCalls.CallOkAsync(client, "get_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("published", fetched.GetProperty("status").GetString());
        Assert.All(fetched.GetProperty("targets").EnumerateArray(),
            target => Assert.StartsWith("sandbox://", target.GetProperty("url").GetString()));
    }

}
