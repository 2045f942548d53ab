using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters.Instagram;

/// <summary>
/// Instagram content publishing (docs/platforms.md#instagram-publish-flow): <c>POST {ig-user-id}/media</c> (image, REELS, STORIES, carousel
/// children + CAROUSEL parent) → <c>GET {container-id}?fields=status_code,status</c> → <c>POST {ig-user-id}/media_publish</c>
/// → <c>GET {ig-media-id}?fields=permalink</c>. The placement comes from <c>settings.placement</c> (feed, reel, story,
/// carousel) or, without one, from the media: one image is a feed post, one video a reel, several a carousel.
/// Deleting is disputed (docs/platforms.md#instagram-withdraw): off unless <c>Platforms:instagram:Settings:DeleteEnabled</c> is true.
/// </summary>
public sealed class InstagramAdapter(
    IHttpClientFactory clients,
    ITokenVault tokens,
    IOptionsMonitor<PlatformOptions> options,
    TimeProvider time,
    ILogger<InstagramAdapter> logger)
    : GraphContainerAdapter(Platform.Instagram, Edges, deleteEnabledByDefault: false, clients, tokens, options, time, logger)
{
    private static readonly GraphEdges Edges = new(
        Containers: "media", Publish: "media_publish", PublishingLimit: "content_publishing_limit",
        StatusField: "status_code", StatusDetailField: "status", TextField: "caption");

    private enum Placement { Feed, Reel, Story, Carousel }

    // ---- comments (issue 15, docs/platforms.md#comments-instagram) ---------------------------------------------

    // Deleting a comment is documented (DELETE {ig-comment-id}), unlike deleting media.
    protected override bool CanDeleteComments => true;

    protected override Task<string> CreateCommentAsync(AdapterCall call, string parentId, string text, CancellationToken cancellationToken) =>
        GraphComments.CreateAsync(message => SendAsync(call, message, cancellationToken), parentId, text);

    protected override Task<IReadOnlyList<PlatformComment>> ListCommentsAsync(AdapterCall call, string parentId, CancellationToken cancellationToken) =>
        GraphComments.ListAsync(message => SendAsync(call, message, cancellationToken), parentId, "id,text,timestamp,from", "text", UnreadableAnswer);

    protected override bool ParentIsGone(PlatformFailure failure, string parentId) => GraphApiError.IsUnknownObject(failure);

    protected override async Task<WithdrawOutcome> WithdrawCommentCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(call, new HttpRequestMessage(HttpMethod.Delete, Escape(request.PlatformPostId)), cancellationToken);
            return WithdrawOutcome.Withdrawn;
        }
        catch (PlatformCallException ex) when (GraphApiError.IsUnknownObject(ex.Failure))
        {
            // Already gone: deleted by hand, with its post, or by our own earlier delete whose answer was lost.
            return WithdrawOutcome.Withdrawn;
        }
    }

    protected override string? PublishedText(PublishRequest request) =>
        PlacementOf(request) == Placement.Story ? null : request.Text;

    protected override PlatformFailure? RefuseBeforeCreating(PublishRequest request) => request.Media.Count == 0
        ? new PlatformFailure(ErrorCodes.ContentRejected, "Instagram posts need at least one image or video; text-only posts are not possible.")
        : null;

    protected override async Task<string> CreateContainerAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken)
    {
        switch (PlacementOf(request))
        {
            case Placement.Story:
                return await CreateOneContainerAsync(call, [new("media_type", "STORIES"), MediaUrl(request.Media[0])], cancellationToken);
            case Placement.Carousel:
                var children = new List<string>();
                foreach (var item in request.Media)
                    children.Add(await CreateOneContainerAsync(call, ChildFields(item), cancellationToken));
                await EnsureChildrenProcessedAsync(call, children, cancellationToken);
                return await CreateOneContainerAsync(call,
                    WithCaption(request, [new("media_type", "CAROUSEL"), new("children", string.Join(',', children))]), cancellationToken);
            // Since 2023 a single feed video is published as a reel (docs/platforms.md#instagram-publish-flow).
            case Placement.Reel:
            case Placement.Feed when request.Media[0].IsVideo:
                return await CreateOneContainerAsync(call, WithCaption(request, ReelFields(request, request.Media[0])), cancellationToken);
            default:
                return await CreateOneContainerAsync(call, WithCaption(request, ImageFields(request, request.Media[0])), cancellationToken);
        }
    }

    private static Placement PlacementOf(PublishRequest request)
    {
        var named = SettingText(request.Settings, "placement");
        return named switch
        {
            "story" => Placement.Story,
            "reel" => Placement.Reel,
            "carousel" => Placement.Carousel,
            "feed" => Placement.Feed,
            _ when request.Media.Count > 1 => Placement.Carousel,
            _ when request.Media.Count == 1 && request.Media[0].IsVideo => Placement.Reel,
            _ => Placement.Feed,
        };
    }

    private static List<KeyValuePair<string, string>> ImageFields(PublishRequest request, MediaItem image)
    {
        var fields = new List<KeyValuePair<string, string>> { new("image_url", image.ResolvedUrl) };
        if (!string.IsNullOrWhiteSpace(image.AltText))
            fields.Add(new("alt_text", image.AltText));
        AddSetting(fields, request.Settings, "location_id");
        return fields;
    }

    // alt_text is for images only (docs/platforms.md#instagram-publish-flow).
    private static List<KeyValuePair<string, string>> ReelFields(PublishRequest request, MediaItem video)
    {
        var fields = new List<KeyValuePair<string, string>> { new("media_type", "REELS"), new("video_url", video.ResolvedUrl) };
        if (!string.IsNullOrWhiteSpace(video.ThumbnailUrl))
            fields.Add(new("cover_url", video.ThumbnailUrl));
        AddSetting(fields, request.Settings, "share_to_feed");
        AddSetting(fields, request.Settings, "thumb_offset");
        AddSetting(fields, request.Settings, "location_id");
        return fields;
    }

    private static List<KeyValuePair<string, string>> ChildFields(MediaItem item)
    {
        var fields = new List<KeyValuePair<string, string>> { new("is_carousel_item", "true") };
        if (item.IsVideo)
        {
            fields.Add(new("media_type", "VIDEO"));
            fields.Add(new("video_url", item.ResolvedUrl));
        }
        else
        {
            fields.Add(new("image_url", item.ResolvedUrl));
            if (!string.IsNullOrWhiteSpace(item.AltText))
                fields.Add(new("alt_text", item.AltText));
        }
        return fields;
    }

    private static KeyValuePair<string, string> MediaUrl(MediaItem item) =>
        item.IsVideo ? new("video_url", item.ResolvedUrl) : new("image_url", item.ResolvedUrl);

    private static List<KeyValuePair<string, string>> WithCaption(PublishRequest request, List<KeyValuePair<string, string>> fields)
    {
        if (!string.IsNullOrEmpty(request.Text))
            fields.Add(new("caption", request.Text));
        return fields;
    }

    private static void AddSetting(List<KeyValuePair<string, string>> fields, JsonElement? settings, string name)
    {
        if (settings is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty(name, out var value))
            return;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        if (!string.IsNullOrEmpty(text))
            fields.Add(new(name, text));
    }

    private static string? SettingText(JsonElement? settings, string name) =>
        settings is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()?.Trim().ToLower(CultureInfo.InvariantCulture)
            : null;
}
