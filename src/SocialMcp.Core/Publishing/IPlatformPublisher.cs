using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Publishes to one platform API (or the sandbox). Adapters implement this; the domain service and,
/// later, the scheduler call it. A publisher reports failures as <see cref="PublishOutcome"/> values
/// mapped to our error codes, not as exceptions.
/// </summary>
public interface IPlatformPublisher
{
    /// <summary>What this publisher can do on the given platform.</summary>
    PublisherCapabilities CapabilitiesFor(Platform platform);

    Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken);

    Task<WithdrawOutcome> WithdrawAsync(WithdrawRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a post back by its platform id (issue 15: a reply's parent is checked at validation; issue 16: a published
    /// post is verified). <see cref="PostLookupResult.Unknown"/> where the platform cannot read posts or the read failed.
    /// </summary>
    Task<PostLookup> LookUpAsync(PostLookupRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(PostLookup.Unknown($"{request.Platform} posts cannot be read back through this publisher."));
}

/// <summary>Which post to read back, through which account.</summary>
public sealed record PostLookupRequest(Platform Platform, Account Account, string PlatformPostId);

public enum PostLookupResult
{
    /// <summary>The post exists and the account can see it.</summary>
    Found,

    /// <summary>The platform says there is no such post (deleted, never existed) or the account cannot see it (private).</summary>
    NotFound,

    /// <summary>The platform could not be asked or gave no clear answer; nothing is known.</summary>
    Unknown,
}

/// <summary>What a read-back found; <see cref="Detail"/> says why for NotFound and Unknown.</summary>
public sealed record PostLookup(PostLookupResult Result, string? Detail = null, string? PublicUrl = null)
{
    public static PostLookup Found(string? publicUrl = null) => new(PostLookupResult.Found, null, publicUrl);

    public static PostLookup NotFound(string detail) => new(PostLookupResult.NotFound, detail);

    public static PostLookup Unknown(string detail) => new(PostLookupResult.Unknown, detail);
}

public sealed record PublisherCapabilities(bool CanWithdraw);

/// <summary>Everything a publisher needs for one target, with the platform override already applied.</summary>
public sealed record PublishRequest
{
    public required string PostId { get; init; }
    public required Platform Platform { get; init; }
    public required Account Account { get; init; }
    public required string Text { get; init; }
    public required IReadOnlyList<MediaItem> Media { get; init; }
    public string? LinkUrl { get; init; }
    public JsonElement? Settings { get; init; }
    public required int Attempt { get; init; }

    /// <summary>
    /// Where the adapter records the intermediate handles of a multi-step publish (container id, publish id,
    /// upload session, media id) before the call that makes the post live, and reads them back on a retry to ask
    /// the platform what happened instead of creating the post again. Always set by the domain service.
    /// </summary>
    public IPublishHandles Handles { get; init; } = new InMemoryPublishHandles();

    /// <summary>
    /// The bytes of each media item, opened before the target took its platform slot (issue 13): adapters of platforms
    /// that take bytes read them here; null only for callers outside the publishing engine (they fetch by URL themselves).
    /// </summary>
    public Media.IPublishMedia? MediaContent { get; init; }

    /// <summary>
    /// Issue 15: the post goes out as a reply to this platform post (X, Threads: a post of its own, e.g. the next part of a
    /// thread or a self-reply first comment) or as a comment on it (Facebook, Instagram, LinkedIn, YouTube: text only).
    /// Null for an ordinary post.
    /// </summary>
    public string? ReplyToPlatformPostId { get; init; }
}

/// <summary>The intermediate handles of one (post, platform) target, kept across attempts and restarts.</summary>
public interface IPublishHandles
{
    Task<string?> GetAsync(string kind, CancellationToken cancellationToken);

    /// <summary>Stores (or replaces) a handle durably before the adapter makes its next platform call.</summary>
    Task SetAsync(string kind, string value, CancellationToken cancellationToken);
}

/// <summary>Handles kept in memory only: for tests and callers outside the domain service.</summary>
public sealed class InMemoryPublishHandles : IPublishHandles
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _values = new();

    public Task<string?> GetAsync(string kind, CancellationToken cancellationToken) =>
        Task.FromResult(_values.GetValueOrDefault(kind));

    public Task SetAsync(string kind, string value, CancellationToken cancellationToken)
    {
        _values[kind] = value;
        return Task.CompletedTask;
    }
}

public sealed record PublishOutcome
{
    public required bool Succeeded { get; init; }
    public required TargetStatus Status { get; init; }
    public string? PlatformPostId { get; init; }
    public string? PublicUrl { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public DateTimeOffset? RetryAfter { get; init; }
    public string? PlatformErrorCode { get; init; }
    public string? PlatformErrorMessage { get; init; }

    /// <summary>The HTTP status of the platform's answer that the failure was mapped from; null when there was none.</summary>
    public int? PlatformHttpStatus { get; init; }

    /// <summary>The message stored on a target or step: <see cref="ErrorMessage"/>, naming <see cref="RetryAfter"/> when the platform gave one.</summary>
    public string? StoredErrorMessage => RetryAfter is { } retryAfter ? $"{ErrorMessage} Retry after {retryAfter:O}." : ErrorMessage;

    public static PublishOutcome Published(string platformPostId, string? publicUrl) =>
        new() { Succeeded = true, Status = TargetStatus.Published, PlatformPostId = platformPostId, PublicUrl = publicUrl };

    public static PublishOutcome InReview(string platformPostId, string? publicUrl) =>
        new() { Succeeded = true, Status = TargetStatus.InReview, PlatformPostId = platformPostId, PublicUrl = publicUrl };

    /// <summary>
    /// The platform cannot tell whether an earlier attempt created the post (its lookup failed or does not exist), so
    /// publishing again could post twice. <paramref name="reason"/> says what is unknown and what a person should check.
    /// </summary>
    public static PublishOutcome NeedsReconciliation(string reason) =>
        new() { Succeeded = false, Status = TargetStatus.NeedsReconciliation, ErrorMessage = reason };

    /// <summary>
    /// A failure in our taxonomy; <paramref name="platformErrorCode"/>, <paramref name="platformErrorMessage"/> and
    /// <paramref name="platformHttpStatus"/> keep the platform's own answer for the user, scrubbed of anything like a credential.
    /// </summary>
    public static PublishOutcome Failed(string errorCode, string errorMessage, DateTimeOffset? retryAfter = null,
        string? platformErrorCode = null, string? platformErrorMessage = null, int? platformHttpStatus = null) =>
        new()
        {
            Succeeded = false,
            Status = TargetStatus.Failed,
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            RetryAfter = retryAfter,
            PlatformErrorCode = SecretScrubber.Scrub(platformErrorCode),
            PlatformErrorMessage = SecretScrubber.Scrub(platformErrorMessage),
            PlatformHttpStatus = platformHttpStatus,
        };
}

/// <param name="ParentPlatformPostId">
/// Set when <paramref name="PlatformPostId"/> is a reply or comment (issue 15): the post it answers. Platforms whose comments
/// are deleted through their parent (LinkedIn) or by another endpoint (YouTube) need it.
/// </param>
public sealed record WithdrawRequest(string PostId, Platform Platform, Account Account, string PlatformPostId, string? ParentPlatformPostId = null);

public sealed record WithdrawOutcome(bool Succeeded, string? ErrorCode, string? ErrorMessage)
{
    public static WithdrawOutcome Withdrawn { get; } = new(true, null, null);

    public static WithdrawOutcome Failed(string errorCode, string errorMessage) => new(false, errorCode, errorMessage);
}

/// <summary>Picks the publisher for an account: sandbox accounts go to the sandbox, real ones to their adapter.</summary>
public interface IPublisherResolver
{
    IPlatformPublisher For(Account account);
}
