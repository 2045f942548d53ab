using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Posts;
using SocialMcp.Server.Access;

namespace SocialMcp.Server.Resources;

/// <summary>
/// <c>subscriptions/listen</c> (protocol revision 2026-07-28, SEP-2575) for post resources. The request stays open; the server
/// first acknowledges the post URIs it will report on (the caller's own posts, with posts:read; anything else is left out),
/// then sends <c>notifications/resources/updated</c> on the request's own stream whenever one of them changes, each tagged
/// with the listen request's id, until the client cancels. It works on stdio and on stateless HTTP alike, because nothing
/// is sent outside the request.
/// </summary>
internal static class PostListen
{
    public static async ValueTask<EmptyResult> HandleAsync(RequestContext<SubscriptionsListenRequestParams> context, CancellationToken cancellationToken)
    {
        var services = context.Services ?? throw new InvalidOperationException("The request has no services.");
        var caller = Caller.From(context.User);
        var requested = context.Params?.Notifications?.ResourceSubscriptions ?? [];
        var granted = new List<string>();
        if (caller.Scopes.Contains(Scopes.PostsRead))
        {
            var posts = services.GetRequiredService<PostService>();
            foreach (var uri in requested.Distinct(StringComparer.Ordinal))
            {
                if (PostResources.TryParse(uri, out var postId) && await ExistsAsync(posts, caller.WorkspaceId, postId, cancellationToken))
                    granted.Add(uri);
            }
        }

        var server = context.Server;
        var subscriptionId = JsonSerializer.SerializeToNode(context.JsonRpcRequest.Id, McpJsonUtilities.DefaultOptions);
        await SendAsync(server, NotificationMethods.SubscriptionsAcknowledgedNotification, new JsonObject
        {
            ["notifications"] = new JsonObject { ["resourceSubscriptions"] = new JsonArray([.. granted.Select(u => (JsonNode?)JsonValue.Create(u))]) },
        }, subscriptionId, cancellationToken);

        var subscriptions = services.GetRequiredService<PostSubscriptions>();
        var registrations = granted.Select(uri => subscriptions.AddListener(uri, caller.WorkspaceId,
            ct => SendAsync(server, NotificationMethods.ResourceUpdatedNotification, new JsonObject { ["uri"] = uri }, subscriptionId, ct))).ToList();
        try
        {
            // Held open until the client cancels (notifications/cancelled on stdio, a closed stream on HTTP).
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var registration in registrations)
                registration.Dispose();
        }
        return new EmptyResult();
    }

    private static async Task<bool> ExistsAsync(PostService posts, string workspaceId, string postId, CancellationToken cancellationToken)
    {
        try
        {
            await posts.GetAsync(workspaceId, postId, cancellationToken);
            return true;
        }
        catch (Core.Errors.NotFoundException)
        {
            return false;
        }
    }

    private static Task SendAsync(McpServer server, string method, JsonObject parameters, JsonNode? subscriptionId, CancellationToken cancellationToken)
    {
        parameters["_meta"] = new JsonObject { [MetaKeys.SubscriptionId] = subscriptionId?.DeepClone() };
        return server.SendMessageAsync(new JsonRpcNotification { Method = method, Params = parameters }, cancellationToken);
    }
}
