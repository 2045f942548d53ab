using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;
using SocialMcp.Server.Access;
using SocialMcp.Server.Tools;

namespace SocialMcp.Server.Resources;

/// <summary>
/// Posts as MCP resources: the <c>socialmcp://posts/{id}</c> template, resources/list of the caller's most recent posts
/// (paged by cursor), the caller and scope for reads (as <see cref="Mcp.ToolCallFilter"/> does for tools), and
/// subscriptions. Filters only act on post URIs, so other resources (the conformance fixtures) keep their own handling.
/// </summary>
public static class PostResourceSetup
{
    internal const int ListPageSize = 20;

    public static IMcpServerBuilder WithPostResources(this IMcpServerBuilder builder)
    {
        builder.Services.TryAddSingleton<PostSubscriptions>();
        // Replaces Core's no-op default, whichever of AddSocialCore and this runs first.
        builder.Services.Replace(ServiceDescriptor.Singleton<IPostChangeNotifier>(sp => sp.GetRequiredService<PostSubscriptions>()));
        builder.Services.PostConfigure<McpServerOptions>(options =>
        {
            // The SDK derives resources from what is registered, but never the subscribe capability.
            options.Capabilities ??= new();
            options.Capabilities.Resources ??= new();
            options.Capabilities.Resources.Subscribe = true;
            // The 2026-07-28 revision's subscriptions/listen: ours, so a post update reaches only its own workspace's listeners.
            options.Handlers.SubscriptionsListenHandler = PostListen.HandleAsync;
        });

        return builder
            .WithResources<PostResources>()
            .WithListResourcesHandler(ListAsync)
            .WithRequestFilters(filters =>
            {
                filters.AddReadResourceFilter(next => (context, cancellationToken) =>
                {
                    var caller = Caller.From(context.User);
                    if (context.Services?.GetService<CallerContext>() is { } callerContext)
                        callerContext.Caller = caller;
                    if (PostResources.TryParse(context.Params?.Uri, out _))
                        PostResources.EnsureCanRead(caller, context.Params?.Uri);
                    return next(context, cancellationToken);
                });
                filters.AddSubscribeToResourcesFilter(next => async (context, cancellationToken) =>
                {
                    var uri = context.Params?.Uri;
                    if (!PostResources.TryParse(uri, out var postId))
                        return await next(context, cancellationToken);
                    var caller = Caller.From(context.User);
                    PostResources.EnsureCanRead(caller, uri);
                    // A stateless HTTP request has no session to send updates to later.
                    if (context.User is not null && context.Server.SessionId is null)
                    {
                        throw new McpProtocolException(
                            "Subscriptions need a session: this request has none (Http:SessionMode=Stateless, or no initialize). Use subscriptions/listen on 2026-07-28, or poll with resources/read or get_post.",
                            McpErrorCode.InvalidRequest);
                    }
                    var services = context.Services ?? throw new InvalidOperationException("The request has no services.");
                    await PostResources.GetOrNotFoundAsync(services.GetRequiredService<PostService>(), caller.WorkspaceId, postId, uri, cancellationToken);
                    services.GetRequiredService<PostSubscriptions>().Add(uri, context.Server, caller.WorkspaceId);
                    return new EmptyResult();
                });
                filters.AddUnsubscribeFromResourcesFilter(next => async (context, cancellationToken) =>
                {
                    var uri = context.Params?.Uri;
                    if (!PostResources.TryParse(uri, out _))
                        return await next(context, cancellationToken);
                    context.Services?.GetRequiredService<PostSubscriptions>().Remove(uri, context.Server);
                    return new EmptyResult();
                });
            });
    }

    /// <summary>
    /// The caller's most recent posts, newest first, <see cref="ListPageSize"/> a page; the cursor is the offset of the next
    /// page. A key without posts:read lists none (reading one then says which scope is missing).
    /// </summary>
    private static async ValueTask<ListResourcesResult> ListAsync(RequestContext<ListResourcesRequestParams> context, CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        if (!caller.Scopes.Contains(Scopes.PostsRead))
            return new ListResourcesResult();

        var offset = 0;
        if (context.Params?.Cursor is { } cursor
            && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new McpProtocolException($"Invalid cursor '{cursor}': pass the nextCursor of the previous page.", McpErrorCode.InvalidParams);
        }

        var services = context.Services ?? throw new InvalidOperationException("The request has no services.");
        var page = await services.GetRequiredService<PostService>()
            .ListAsync(caller.WorkspaceId, new PostQuery(null, null, ListPageSize, offset), cancellationToken);
        var next = offset + page.Posts.Count;
        return new ListResourcesResult
        {
            Resources = page.Posts.Select(p => new Resource
            {
                Uri = PostResources.UriOf(p.Post.Id),
                Name = "post " + p.Post.Id,
                Title = Preview(p.Post.Content.Text),
                Description = OutputMapping.Summarize(p),
                MimeType = PostResources.MimeType,
            }).ToList(),
            NextCursor = page.Posts.Count > 0 && next < page.Total ? next.ToString(CultureInfo.InvariantCulture) : null,
        };
    }

    private static string? Preview(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 59), "…");
}
