using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Instagram;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Threads;

/// <summary>
/// Threads publishing (docs/platforms.md#threads-publish-flow): <c>POST {threads-user-id}/threads</c> (TEXT, IMAGE, VIDEO, or carousel
/// children + CAROUSEL parent) → <c>GET {container-id}?fields=status,error_message</c> →
/// <c>POST {threads-user-id}/threads_publish</c> → <c>GET {threads-media-id}?fields=permalink</c>; withdraw is
/// <c>DELETE {threads-media-id}</c> (100 a day, needs threads_delete). A reply (a thread's next part, a self-reply first
/// comment) carries <c>reply_to_id</c> on its container (docs/platforms.md#replies-threads). The flow, handles and error mapping are
/// Meta's container model, shared with Instagram (<see cref="GraphContainerAdapter"/>).
/// </summary>
public sealed class ThreadsAdapter(
    IHttpClientFactory clients,
    ITokenVault tokens,
    IOptionsMonitor<PlatformOptions> options,
    TimeProvider time,
    ILogger<ThreadsAdapter> logger)
    : GraphContainerAdapter(Platform.Threads, Edges, deleteEnabledByDefault: true, clients, tokens, options, time, logger)
{
    private static readonly GraphEdges Edges = new(
        Containers: "threads", Publish: "threads_publish", PublishingLimit: "threads_publishing_limit",
        StatusField: "status", StatusDetailField: "error_message", TextField: "text");

    protected override string? PublishedText(PublishRequest request) => request.Text;

    // A reply, a thread's next part and the first comment (a self-reply) are posts of their own (docs/platforms.md#replies-threads).
    protected override bool RepliesArePosts => true;

    // A reply is listed under the account's replies, not its threads (docs/platforms.md#replies-threads, unverified).
    protected override string PostsEdge(PublishRequest request) => request.ReplyToPlatformPostId is null ? "threads" : "replies";

    /// <summary>
    /// Graph's "object does not exist" naming the parent, at the container or at the publish (the parent may be deleted in
    /// between): the post we reply to is gone (answer shape unverified, docs/platforms.md#replies-threads).
    /// </summary>
    protected override async Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            return await base.PublishCoreAsync(request, call, cancellationToken);
        }
        catch (PlatformCallException ex) when (request.ReplyToPlatformPostId is { } parent && GraphApiError.IsUnknownObject(ex.Failure)
            && ex.Failure.PlatformMessage?.Contains(parent, StringComparison.Ordinal) == true)
        {
            throw new PlatformCallException(ex.Failure with
            {
                Code = ErrorCodes.ReplyParentNotFound,
                Message = $"Threads refused the reply: the post it answers ({parent}) does not exist or was deleted.",
            });
        }
    }

    protected override Task<string> CreateContainerAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken) =>
        CreateContainersAsync(request, call, cancellationToken);

    private async Task<string> CreateContainersAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        if (request.Media.Count == 0)
        {
            var fields = WithText(request, [new("media_type", "TEXT")]);
            // link_attachment (name unverified, docs/platforms.md#threads-publish-flow) gives a text post its link preview.
            if (!string.IsNullOrWhiteSpace(request.LinkUrl))
                fields.Add(new("link_attachment", request.LinkUrl));
            return await CreateOneContainerAsync(call, WithSettings(request, fields), cancellationToken);
        }

        if (request.Media.Count == 1)
            return await CreateOneContainerAsync(call, WithSettings(request, WithText(request, ItemFields(request.Media[0]))), cancellationToken);

        var children = new List<string>();
        foreach (var item in request.Media)
        {
            var fields = ItemFields(item);
            fields.Add(new("is_carousel_item", "true"));
            children.Add(await CreateOneContainerAsync(call, fields, cancellationToken));
        }
        await EnsureChildrenProcessedAsync(call, children, cancellationToken);
        return await CreateOneContainerAsync(call,
            WithSettings(request, WithText(request, [new("media_type", "CAROUSEL"), new("children", string.Join(',', children))])), cancellationToken);
    }

    private static List<KeyValuePair<string, string>> ItemFields(MediaItem item)
    {
        var fields = item.IsVideo
            ? new List<KeyValuePair<string, string>> { new("media_type", "VIDEO"), new("video_url", item.ResolvedUrl) }
            : [new("media_type", "IMAGE"), new("image_url", item.ResolvedUrl)];
        if (!string.IsNullOrWhiteSpace(item.AltText))
            fields.Add(new("alt_text", item.AltText));
        return fields;
    }

    /// <summary>The text, and <c>reply_to_id</c> for a reply, on the container that is published (never a carousel item).</summary>
    private static List<KeyValuePair<string, string>> WithText(PublishRequest request, List<KeyValuePair<string, string>> fields)
    {
        if (!string.IsNullOrEmpty(request.Text))
            fields.Add(new("text", request.Text));
        // reply_to_id (name unverified in our notes, docs/platforms.md#replies-threads) makes the post a reply.
        if (request.ReplyToPlatformPostId is { } parent)
            fields.Add(new("reply_to_id", parent));
        return fields;
    }

    // reply_control (everyone, accounts_you_follow, mentioned_only) is the one post option passed through; its name is unverified.
    private static List<KeyValuePair<string, string>> WithSettings(PublishRequest request, List<KeyValuePair<string, string>> fields)
    {
        if (request.Settings is { ValueKind: JsonValueKind.Object } settings && settings.TryGetProperty("reply_control", out var reply)
            && reply.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(reply.GetString()))
            fields.Add(new("reply_control", reply.GetString()!));
        return fields;
    }
}
