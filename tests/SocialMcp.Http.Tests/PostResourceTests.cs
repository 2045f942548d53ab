using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Access;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.Resources;

namespace SocialMcp.Http.Tests;

/// <summary>Posts as MCP resources over HTTP: reads, workspace isolation, scopes, listing and subscriptions.</summary>
public sealed class PostResourceTests
{
    private static readonly Dictionary<string, string?> Stateful = new() { ["Http:Stateful"] = "true" };

    private static async Task<string> CreatePostAsync(McpClient client, string text = "A resource") =>
        (await ToolCalls.CallOkAsync(client, "create_post", $$"""{"content": {"text": "{{text}}"}, "platforms": ["x"]}""")).GetProperty("id").GetString()!;

    private static async Task<string> KeyAsync(TestServer server, string workspaceId, params string[] scopes) =>
        (await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync(workspaceId, "test", scopes, CancellationToken.None)).Plaintext;

    [Fact]
    public async Task ReadResource_OwnPost_ReturnsTheSameJsonAsGetPost()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var id = await CreatePostAsync(client);

        var read = await client.ReadResourceAsync(PostResources.UriOf(id));

        var contents = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
        Assert.Equal(PostResources.UriOf(id), contents.Uri);
        Assert.Equal("application/json", contents.MimeType);
        var got = await ToolCalls.CallOkAsync(client, "get_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal(JsonSerializer.Serialize(got), JsonSerializer.Serialize(JsonDocument.Parse(contents.Text).RootElement));
    }

    [Fact]
    public async Task ReadResource_UnknownId_IsResourceNotFound()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync(PostResources.UriOf("no-such-post")).AsTask());

        Assert.Equal(McpErrorCode.ResourceNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task ReadResource_AnotherWorkspacesPost_IsResourceNotFound()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var other = await server.Services.GetRequiredService<WorkspaceService>().CreateAsync("other", CancellationToken.None);
        await using var mine = await server.ConnectAsync(apiKey: await KeyAsync(server, LocalWorkspace.Id));
        await using var theirs = await server.ConnectAsync(apiKey: await KeyAsync(server, other.Id));
        var id = await CreatePostAsync(mine);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => theirs.ReadResourceAsync(PostResources.UriOf(id)).AsTask());

        Assert.Equal(McpErrorCode.ResourceNotFound, error.ErrorCode);
        Assert.DoesNotContain("forbidden", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReadResource_KeyWithoutPostsRead_IsAnErrorNamingTheScope()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        await using var writer = await server.ConnectAsync(apiKey: await KeyAsync(server, LocalWorkspace.Id));
        await using var accountsOnly = await server.ConnectAsync(apiKey: await KeyAsync(server, LocalWorkspace.Id, Scopes.AccountsRead));
        var id = await CreatePostAsync(writer);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => accountsOnly.ReadResourceAsync(PostResources.UriOf(id)).AsTask());

        Assert.Contains(Scopes.PostsRead, error.Message);
    }

    [Fact]
    public async Task ListResources_ListsTheCallersRecentPosts_AndTheTemplate()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var id = await CreatePostAsync(client, "Listed as a resource");

        var resources = await client.ListResourcesAsync();
        var templates = await client.ListResourceTemplatesAsync();

        var resource = Assert.Single(resources, r => r.Uri == PostResources.UriOf(id));
        Assert.Equal("application/json", resource.MimeType);
        Assert.Contains(templates, t => t.UriTemplate == PostResources.UriTemplate);
    }

    [Fact]
    public async Task ListResources_MoreThanOnePage_PagesByCursor()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var ids = new List<string>();
        for (var i = 0; i < 21; i++)
            ids.Add(await CreatePostAsync(client, $"Post {i}"));

        var first = await client.ListResourcesAsync(new ListResourcesRequestParams());
        var second = await client.ListResourcesAsync(new ListResourcesRequestParams { Cursor = first.NextCursor });

        Assert.Equal(20, first.Resources.Count);
        Assert.NotNull(first.NextCursor);
        Assert.Single(second.Resources);
        Assert.Null(second.NextCursor);
        Assert.Equal(ids.Order(), first.Resources.Concat(second.Resources).Select(r => r.Uri["socialmcp://posts/".Length..]).Order());
    }

    [Fact]
    public async Task Subscribe_StatefulSession_ReceivesResourceUpdatedWhenThePostChanges()
    {
        await using var server = await TestServer.StartAsync(Stateful);
        await using var client = await server.ConnectAsync();
        Assert.True(client.ServerCapabilities.Resources?.Subscribe);
        var id = await CreatePostAsync(client);
        var uri = PostResources.UriOf(id);
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        await client.SubscribeToResourceAsync(uri, (notification, _) =>
        {
            updated.TrySetResult(notification.Uri);
            return ValueTask.CompletedTask;
        });
        Assert.Equal(1, server.Services.GetRequiredService<PostSubscriptions>().Count);
        server.Services.GetRequiredService<IPostChangeNotifier>().PostChanged(LocalWorkspace.Id, id);

        Assert.Equal(uri, await updated.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Subscribe_AnotherWorkspacesPost_IsResourceNotFound()
    {
        await using var server = await TestServer.StartAsync(Stateful, apiKeys: true);
        var other = await server.Services.GetRequiredService<WorkspaceService>().CreateAsync("other", CancellationToken.None);
        await using var mine = await server.ConnectAsync(apiKey: await KeyAsync(server, LocalWorkspace.Id));
        await using var theirs = await server.ConnectAsync(apiKey: await KeyAsync(server, other.Id));
        var id = await CreatePostAsync(mine);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => theirs.SubscribeToResourceAsync(PostResources.UriOf(id)));

        Assert.Equal(McpErrorCode.ResourceNotFound, error.ErrorCode);
        Assert.Equal(0, server.Services.GetRequiredService<PostSubscriptions>().Count);
    }

    [Fact]
    public async Task Unsubscribe_AndSessionEnd_DropTheSubscription()
    {
        await using var server = await TestServer.StartAsync(Stateful);
        var subscriptions = server.Services.GetRequiredService<PostSubscriptions>();
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Sessions.SessionEnded += id => ended.TrySetResult(id);
        await using var client = await server.ConnectAsync();
        var uri = PostResources.UriOf(await CreatePostAsync(client));

        await client.SubscribeToResourceAsync(uri);
        await client.UnsubscribeFromResourceAsync(uri);
        Assert.Equal(0, subscriptions.Count);

        await client.SubscribeToResourceAsync(uri);
        Assert.Equal(1, subscriptions.Count);
        await client.DisposeAsync();
        await ended.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, subscriptions.Count);
    }

    [Fact]
    public async Task Subscribe_StatelessHttp_IsRefused()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync("2025-06-18");
        var uri = PostResources.UriOf(await CreatePostAsync(client));

        await Assert.ThrowsAsync<McpProtocolException>(() => client.SubscribeToResourceAsync(uri));

        Assert.Equal(0, server.Services.GetRequiredService<PostSubscriptions>().Count);
    }

    /// <summary>Opens subscriptions/listen for the given URIs and collects what arrives on its stream.</summary>
    private sealed class Listening : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<IAsyncDisposable> _handlers = [];
        private readonly Task _request;

        public TaskCompletionSource<JsonElement> Acknowledged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<JsonElement> Updated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Listening(McpClient client, params string[] uris)
        {
            _handlers.Add(client.RegisterNotificationHandler(NotificationMethods.SubscriptionsAcknowledgedNotification, (n, _) =>
            {
                Acknowledged.TrySetResult(JsonSerializer.SerializeToElement(n.Params));
                return default;
            }));
            _handlers.Add(client.RegisterNotificationHandler(NotificationMethods.ResourceUpdatedNotification, (n, _) =>
            {
                Updated.TrySetResult(JsonSerializer.SerializeToElement(n.Params));
                return default;
            }));
            var parameters = new JsonObject
            {
                ["notifications"] = new JsonObject { ["resourceSubscriptions"] = new JsonArray([.. uris.Select(u => (JsonNode?)JsonValue.Create(u))]) },
            };
            _request = client.SendRequestAsync(new JsonRpcRequest { Method = RequestMethods.SubscriptionsListen, Params = parameters }, _stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try { await _request; } catch (Exception) { /* cancelled: the stream ends */ }
            foreach (var handler in _handlers)
                await handler.DisposeAsync();
        }
    }

    [Fact]
    public async Task SubscriptionsListen_2026Revision_GrantsOwnPostsOnly_AndStreamsTheirUpdatesTaggedWithTheListenId()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var id = await CreatePostAsync(client);
        var uri = PostResources.UriOf(id);

        await using var listening = new Listening(client, uri, PostResources.UriOf(Guid.NewGuid().ToString()), "file:///etc/passwd");
        var ack = await listening.Acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([uri], ack.GetProperty("notifications").GetProperty("resourceSubscriptions").EnumerateArray().Select(u => u.GetString()));
        Assert.True(ack.GetProperty("_meta").TryGetProperty(MetaKeys.SubscriptionId, out _));

        await ToolCalls.CallOkAsync(client, "cancel_post", $$"""{"postId": "{{id}}"}""");

        var updated = await listening.Updated.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(uri, updated.GetProperty("uri").GetString());
        Assert.Equal(ack.GetProperty("_meta").GetProperty(MetaKeys.SubscriptionId).ToString(),
            updated.GetProperty("_meta").GetProperty(MetaKeys.SubscriptionId).ToString());
    }

    [Fact]
    public async Task SubscriptionsListen_AnotherWorkspacesPost_IsNotGranted()
    {
        await using var server = await TestServer.StartAsync(apiKeys: true);
        var other = await server.Services.GetRequiredService<WorkspaceService>().CreateAsync("other-listen", CancellationToken.None);
        await using var owner = await server.ConnectAsync(apiKey: await KeyAsync(server, LocalWorkspace.Id));
        await using var stranger = await server.ConnectAsync(apiKey: await KeyAsync(server, other.Id));
        var uri = PostResources.UriOf(await CreatePostAsync(owner));

        await using var listening = new Listening(stranger, uri);
        var ack = await listening.Acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(ack.GetProperty("notifications").GetProperty("resourceSubscriptions").EnumerateArray());
    }
}
