using Microsoft.AspNetCore.Http;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// The Threads API (docs/platforms.md#threads) on Meta's container model: <c>POST {threads-user-id}/threads</c>
/// (TEXT, IMAGE, VIDEO, carousel items and CAROUSEL), <c>GET {container-id}?fields=status,error_message</c>,
/// <c>POST {threads-user-id}/threads_publish</c>, <c>GET {threads-media-id}?fields=permalink</c>,
/// <c>GET {threads-user-id}/threads</c> (top-level posts), <c>GET {threads-user-id}/replies</c> (the account's replies),
/// <c>GET {threads-user-id}/threads_publishing_limit</c> and
/// <c>DELETE {threads-media-id}</c>. Text up to 500 characters with emoji counted by their UTF-8 bytes; 250 posts and
/// 100 deletes per rolling 24 h; carousels of 2–20 items; every call needs threads_basic, publishing
/// threads_content_publish, deleting threads_delete. Media at a <c>.invalid</c> host fails processing. A container with
/// <c>reply_to_id</c> is a reply: the parent must exist (at creation and at publish), and the published reply is
/// recorded with <see cref="EmulatorState.RecordReply"/> (docs/platforms.md#replies-threads).
/// </summary>
public sealed class ThreadsEmulator : GraphContainerEmulator
{
    public const int MaxTextLength = 500;

    public override Platform Platform => Platform.Threads;

    protected override GraphEmulatorShape Shape { get; } = new(
        Containers: "threads", Publish: "threads_publish", PublishingLimit: "threads_publishing_limit",
        StatusField: "status", StatusDetailField: "error_message", TextField: "text",
        PostsPerWindow: 250, DeletesPerWindow: 100, MinCarouselItems: 2, MaxCarouselItems: 20,
        NotReadySubcode: null, ExpiredSubcode: null, CreateFailedSubcode: null, Replies: "replies");

    protected override IReadOnlyList<string[]> ScopesFor(GraphOperation operation) => operation switch
    {
        GraphOperation.Publish => [["threads_basic"], ["threads_content_publish"]],
        GraphOperation.Delete => [["threads_basic"], ["threads_delete"]],
        _ => [["threads_basic"]],
    };

    protected override (ContainerRequest? Request, IResult? Error) ParseContainer(IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("media_type", out var named) || string.IsNullOrWhiteSpace(named))
            return Invalid("(#100) The parameter media_type is required");
        var mediaType = named.ToUpperInvariant();
        var isItem = IsTrue(form.GetValueOrDefault("is_carousel_item"));
        var text = form.GetValueOrDefault("text");
        if (text is not null && ThreadsCounter.Instance.Count(text) > MaxTextLength)
        {
            return Invalid($"(#100) Param text must be at most {MaxTextLength} characters long.",
                $"The text is {ThreadsCounter.Instance.Count(text)} characters long (emoji count their UTF-8 bytes); the limit is {MaxTextLength}.");
        }
        if (isItem && mediaType is not ("IMAGE" or "VIDEO"))
            return Invalid("(#100) Only IMAGE and VIDEO containers can be carousel items.");

        var replyTo = form.GetValueOrDefault("reply_to_id");
        if (replyTo is not null && isItem)
            return Invalid("(#100) A carousel item cannot be a reply; set reply_to_id on the carousel container.");
        var (request, error) = mediaType switch
        {
            "TEXT" when string.IsNullOrWhiteSpace(text) => Invalid("(#100) The parameter text is required"),
            "TEXT" => (new ContainerRequest("TEXT_POST", "THREADS", false, text, [], null, IsVideo: false), null),
            "IMAGE" => WithUrl(form, "image_url", url => new ContainerRequest("IMAGE", "THREADS", isItem, text, [], url, IsVideo: false)),
            "VIDEO" => WithUrl(form, "video_url", url => new ContainerRequest("VIDEO", "THREADS", isItem, text, [], url, IsVideo: true)),
            "CAROUSEL" => Children(form, children => new ContainerRequest("CAROUSEL_ALBUM", "THREADS", false, text, children, null, IsVideo: false)),
            _ => Invalid("(#100) Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}."),
        };
        return (request is null || string.IsNullOrWhiteSpace(replyTo) ? request : request with { ReplyToId = replyTo }, error);
    }

    // Threads reports download problems on the container (troubleshooting guide, off.), not at creation.
    protected override IResult? RejectUnreachable(ContainerRequest request) => null;

    protected override string FailureDetail(ContainerRequest request) => request.IsVideo ? "FAILED_DOWNLOADING_VIDEO" : "UNKNOWN";

    // The limit's error shape is unverified for Threads (docs/platforms.md#threads-rate-limits): Instagram's code 9, without its subcode.
    protected override IResult PublishLimitReached() =>
        GraphEmulation.Error(400, 9, "Application request limit reached",
            userMessage: "You reached the maximum number of posts that can be published through the API in 24 hours.");

    protected override string Permalink(GraphEmulatorPost post) => $"https://www.threads.net/@{post.Username}/post/{post.Shortcode}";

    protected override object DeletedBody(string id) => new { success = true, deleted_id = id };
}
