using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Server.Access;
using SocialMcp.Server.Tools;

namespace SocialMcp.Server.Resources;

/// <summary>
/// Each post of the caller's workspace as the resource <c>socialmcp://posts/{id}</c>: the same JSON as get_post. Another
/// workspace's post and an unknown id are both "resource not found".
/// </summary>
[McpServerResourceType]
public sealed class PostResources(PostService posts, CallerContext caller)
{
    public const string UriTemplate = "socialmcp://posts/{id}";
    public const string MimeType = "application/json";
    private const string UriPrefix = "socialmcp://posts/";

    [McpServerResource(UriTemplate = UriTemplate, Name = "post", Title = "A post", MimeType = MimeType)]
    [Description("""
        One post as JSON, exactly what get_post returns: status, version and each platform target's status, URL and last error.
        Subscribe to it to be told by notifications/resources/updated when its status changes, then read it again: with
        subscriptions/listen (resourceSubscriptions) on the 2026-07-28 revision, or resources/subscribe on earlier ones.
        """)]
    public async Task<TextResourceContents> ReadPost([Description("The post id, as returned by create_post or list_posts.")] string id,
        CancellationToken cancellationToken)
    {
        var uri = UriOf(id);
        var details = await GetOrNotFoundAsync(posts, caller.WorkspaceId, id, uri, cancellationToken);
        return new TextResourceContents { Uri = uri, MimeType = MimeType, Text = JsonSerializer.Serialize(details.ToResult(), SocialJson.Options) };
    }

    public static string UriOf(string postId) => UriPrefix + postId;

    /// <summary>True for a URI of this template with a non-empty id that is a single path segment.</summary>
    public static bool TryParse([NotNullWhen(true)] string? uri, [NotNullWhen(true)] out string? postId)
    {
        postId = null;
        if (uri is null || !uri.StartsWith(UriPrefix, StringComparison.Ordinal))
            return false;
        var id = uri[UriPrefix.Length..];
        if (id.Length == 0 || id.IndexOfAny(['/', '?', '#']) >= 0)
            return false;
        postId = Uri.UnescapeDataString(id);
        return true;
    }

    /// <summary>The post, or the SDK's resource-not-found error (never "forbidden": another workspace's post is not found).</summary>
    internal static async Task<PostDetails> GetOrNotFoundAsync(PostService posts, string workspaceId, string postId, string uri, CancellationToken cancellationToken)
    {
        try
        {
            return await posts.GetAsync(workspaceId, postId, cancellationToken);
        }
        catch (NotFoundException)
        {
            throw NotFound(uri);
        }
    }

    internal static McpProtocolException NotFound(string? uri) =>
        new($"Resource not found: '{uri}'. Check the post id, or call list_posts.", McpErrorCode.ResourceNotFound);

    /// <summary>The caller's scope check for reading or subscribing to a post, as tools check theirs.</summary>
    internal static void EnsureCanRead(Caller caller, string? uri)
    {
        if (!caller.Scopes.Contains(Core.Access.Scopes.PostsRead))
        {
            throw new McpProtocolException(
                $"This API key lacks the scope '{Core.Access.Scopes.PostsRead}', which reading '{uri}' needs. Ask the person running the server for a key with it.",
                McpErrorCode.InvalidRequest);
        }
    }
}
