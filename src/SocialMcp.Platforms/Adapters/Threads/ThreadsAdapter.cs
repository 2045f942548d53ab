using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Instagram;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Threads;

/// <summary>
/// Threads publishing (docs/platforms.md#threads-publish-flow): <c>POST {threads-user-id}/threads</c> (TEXT, IMAGE, VIDEO, or carousel
/// children + CAROUSEL parent) → <c>GET {container-id}?fields=status,error_message</c> →
/// <c>POST {threads-user-id}/threads_publish</c> → <c>GET {threads-media-id}?fields=permalink</c>; withdraw is
/// <c>DELETE {threads-media-id}</c> (100 a day, needs threads_delete). The flow, handles and error mapping are
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

    protected override async Task<string> CreateContainerAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
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

    private static List<KeyValuePair<string, string>> WithText(PublishRequest request, List<KeyValuePair<string, string>> fields)
    {
        if (!string.IsNullOrEmpty(request.Text))
            fields.Add(new("text", request.Text));
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
