using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>publish_post as an agent sees it: progress notifications per platform, and a bounded wait that never stops the publish.</summary>
public sealed class PublishWaitTests
{
    [Theory]
    [InlineData(null)]         // 2026-07-28: progress rides on the request's own stream
    [InlineData("2025-06-18")] // initialize-handshake client
    public async Task PublishPost_WithAProgressToken_ReportsEachPlatformAsItFinishes(string? protocolVersion)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync(protocolVersion);
        var id = (await ToolCalls.CallOkAsync(client, "create_post", """{"content": {"text": "With progress"}, "platforms": ["x", "linkedin", "threads"]}"""))
            .GetProperty("id").GetString()!;
        // A handler that outlives the call: the SDK's per-call progress handler may be gone before the last notification is
        // dispatched, even though the server sends every notification ahead of the response.
        var values = new List<JsonElement>();
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) =>
        {
            lock (values)
            {
                values.Add(JsonSerializer.SerializeToElement(n.Params));
                if (values.Count == 3)
                    three.TrySetResult();
            }
            return default;
        });

        var response = await client.SendRequestAsync(new JsonRpcRequest
        {
            Method = RequestMethods.ToolsCall,
            Params = new JsonObject
            {
                ["name"] = "publish_post",
                ["arguments"] = new JsonObject { ["postId"] = id },
                ["_meta"] = new JsonObject { ["progressToken"] = "publish-1" },
            },
        });
        await three.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var published = response.Result!["structuredContent"]!;
        Assert.Equal("published", published["status"]!.GetValue<string>());
        Assert.Null(published["stillPublishing"]);
        Assert.All(published["targets"]!.AsArray(), t => Assert.False(string.IsNullOrEmpty(t!["attemptId"]!.GetValue<string>())));
        lock (values)
        {
            Assert.Equal(3, values.Count);
            Assert.All(values, v => Assert.Equal("publish-1", v.GetProperty("progressToken").GetString()));
            Assert.All(values, v => Assert.Equal(3, v.GetProperty("total").GetDouble()));
            Assert.Equal([1d, 2d, 3d], values.Select(v => v.GetProperty("progress").GetDouble()).Order());
            Assert.Equal(["linkedin", "threads", "x"], values.Select(v => v.GetProperty("message").GetString()!.Split(':')[0]).Order());
            Assert.All(values, v => Assert.Contains("published", v.GetProperty("message").GetString()));
        }
    }

    [Fact]
    public async Task PublishPost_PastTheWaitBound_AnswersStillPublishing_AndThePublishGoesOn()
    {
        // A zero bound: the answer comes before any platform has answered.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Scheduling:PublishWait"] = "00:00:00" });
        await using var client = await server.ConnectAsync();
        var id = (await ToolCalls.CallOkAsync(client, "create_post", """{"content": {"text": "Goes on in the background"}, "platforms": ["x", "facebook"]}"""))
            .GetProperty("id").GetString()!;

        var answer = await ToolCalls.CallOkAsync(client, "publish_post", $$"""{"postId": "{{id}}"}""");

        Assert.True(answer.GetProperty("stillPublishing").GetBoolean());
        Assert.Equal("publishing", answer.GetProperty("status").GetString());
        Assert.Contains("get_post", answer.GetProperty("summary").GetString());
        var status = "publishing";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (status == "publishing" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            status = (await ToolCalls.CallOkAsync(client, "get_post", $$"""{"postId": "{{id}}"}""")).GetProperty("status").GetString();
        }
        Assert.Equal("published", status);
    }

    [Fact]
    public async Task PublishPost_ARefusal_IsTheAnswerEvenWithAZeroWaitBound()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Scheduling:PublishWait"] = "00:00:00" });
        await using var client = await server.ConnectAsync();
        var id = (await ToolCalls.CallOkAsync(client, "create_post", """{"content": {"text": "Stale version"}, "platforms": ["x"]}"""))
            .GetProperty("id").GetString()!;

        var result = await client.CallToolAsync("publish_post", new Dictionary<string, object?> { ["postId"] = id, ["version"] = 7 });

        Assert.True(result.IsError);
        Assert.Equal("VERSION_CONFLICT", result.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        var post = await ToolCalls.CallOkAsync(client, "get_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal("draft", post.GetProperty("status").GetString());
    }
}
