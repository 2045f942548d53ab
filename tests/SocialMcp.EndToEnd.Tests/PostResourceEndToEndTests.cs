using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>Posts as MCP resources, read and subscribed to over stdio by the C# SDK client.</summary>
public sealed class PostResourceEndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServerProcess Server => fixture.Server;

    private static string UriOf(string postId) => "socialmcp://posts/" + postId;

    private async Task<string> CreateDraftAsync(string text = "A post read as a resource") =>
        (await Server.CallOkAsync("create_post", $$"""{"content": {"text": "{{text}}"}, "platforms": ["x"]}""")).GetProperty("id").GetString()!;

    [Fact]
    public void Initialize_AdvertisesResourcesWithSubscribe()
    {
        Assert.True(Server.Client.ServerCapabilities.Resources?.Subscribe);
    }

    [Fact]
    public async Task ReadResource_Post_ReturnsTheSameJsonAsGetPost()
    {
        var id = await CreateDraftAsync();

        var read = await Server.Client.ReadResourceAsync(UriOf(id));

        var contents = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
        Assert.Equal("application/json", contents.MimeType);
        var got = await Server.CallOkAsync("get_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal(JsonSerializer.Serialize(got), JsonSerializer.Serialize(JsonDocument.Parse(contents.Text).RootElement));
    }

    [Fact]
    public async Task ReadResource_UnknownId_IsResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => Server.Client.ReadResourceAsync(UriOf("no-such-post")).AsTask());

        Assert.Equal(McpErrorCode.ResourceNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task ListResourceTemplates_IncludesThePostTemplate()
    {
        var templates = await Server.Client.ListResourceTemplatesAsync();

        Assert.Contains(templates, t => t.UriTemplate == "socialmcp://posts/{id}");
    }

    [Fact]
    public async Task Subscribe_On2026Revision_IsRefusedInFavourOfSubscriptionsListen()
    {
        var uri = UriOf(await CreateDraftAsync());

        // The 2026-07-28 revision replaces resources/subscribe with subscriptions/listen (SEP-2575).
        await Assert.ThrowsAsync<McpProtocolException>(() => Server.Client.SubscribeToResourceAsync(uri));
    }

    [Fact]
    public async Task SubscriptionsListen_OverStdio_AcknowledgesThePost_AndStreamsItsUpdate()
    {
        var id = await CreateDraftAsync();
        var uri = UriOf(id);
        var acknowledged = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var updated = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onAck = Server.Client.RegisterNotificationHandler(NotificationMethods.SubscriptionsAcknowledgedNotification, (n, _) =>
        {
            acknowledged.TrySetResult(JsonSerializer.SerializeToElement(n.Params));
            return default;
        });
        await using var onUpdate = Server.Client.RegisterNotificationHandler(NotificationMethods.ResourceUpdatedNotification, (n, _) =>
        {
            var parameters = JsonSerializer.SerializeToElement(n.Params);
            if (parameters.GetProperty("uri").GetString() == uri)
                updated.TrySetResult(parameters);
            return default;
        });
        using var stop = new CancellationTokenSource();
        var listen = Server.Client.SendRequestAsync(new JsonRpcRequest
        {
            Method = RequestMethods.SubscriptionsListen,
            Params = new System.Text.Json.Nodes.JsonObject
            {
                ["notifications"] = new System.Text.Json.Nodes.JsonObject { ["resourceSubscriptions"] = new System.Text.Json.Nodes.JsonArray(uri) },
            },
        }, stop.Token);

        var ack = await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(uri, Assert.Single(ack.GetProperty("notifications").GetProperty("resourceSubscriptions").EnumerateArray()).GetString());
        await Server.CallOkAsync("cancel_post", $$"""{"postId": "{{id}}"}""");
        var update = await updated.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ack.GetProperty("_meta").GetProperty(MetaKeys.SubscriptionId).ToString(),
            update.GetProperty("_meta").GetProperty(MetaKeys.SubscriptionId).ToString());
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listen);
    }

    [Fact]
    public async Task Subscribe_InitializeHandshakeClient_KnownPostIsAccepted_UnknownPostIsResourceNotFound()
    {
        await using var client = await ConnectAsync("2025-11-25");
        var created = await client.CallToolAsync("create_post", new Dictionary<string, object?>
        {
            ["content"] = new Dictionary<string, object?> { ["text"] = "Subscribed over stdio" },
            ["platforms"] = new[] { "x" },
        });
        var uri = UriOf(created.StructuredContent!.Value.GetProperty("id").GetString()!);

        await client.SubscribeToResourceAsync(uri);
        await client.UnsubscribeFromResourceAsync(uri);
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.SubscribeToResourceAsync(UriOf("no-such-post")));

        Assert.Equal(McpErrorCode.ResourceNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task Subscribe_ThenPublish_SendsResourceUpdated()
    {
        await using var client = await ConnectAsync("2025-11-25");
        var created = await client.CallToolAsync("create_post", new Dictionary<string, object?>
        {
            ["content"] = new Dictionary<string, object?> { ["text"] = "Published while subscribed" },
            ["platforms"] = new[] { "x" },
        });
        var id = created.StructuredContent!.Value.GetProperty("id").GetString()!;
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeToResourceAsync(UriOf(id), (notification, _) =>
        {
            updated.TrySetResult(notification.Uri);
            return ValueTask.CompletedTask;
        });

        await client.CallToolAsync("publish_post", new Dictionary<string, object?> { ["postId"] = id });

        Assert.Equal(UriOf(id), await updated.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A second server process on its own database, for a client pinned to a protocol revision.</summary>
    private static async Task<McpClient> ConnectAsync(string protocolVersion)
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "socialmcp",
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--db", Path.Combine(directory, "e2e.db")],
            WorkingDirectory = directory,
        });
        return await ServerProcess.ConnectAsync(transport, protocolVersion);
    }
}
