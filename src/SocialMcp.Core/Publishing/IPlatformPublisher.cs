using System.Text.Json;
using SocialMcp.Core.Domain;

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
}

public sealed record PublisherCapabilities(bool CanWithdraw);

/// <summary>Everything a publisher needs for one target, with the platform override already applied.</summary>
public sealed record PublishRequest(
    string PostId,
    Platform Platform,
    Account Account,
    string Text,
    IReadOnlyList<MediaItem> Media,
    string? LinkUrl,
    JsonElement? Settings,
    int Attempt);

public sealed record PublishOutcome(
    bool Succeeded,
    TargetStatus Status,
    string? PlatformPostId,
    string? PublicUrl,
    string? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset? RetryAfter = null)
{
    public static PublishOutcome Published(string platformPostId, string? publicUrl) =>
        new(true, TargetStatus.Published, platformPostId, publicUrl, null, null);

    public static PublishOutcome InReview(string platformPostId, string? publicUrl) =>
        new(true, TargetStatus.InReview, platformPostId, publicUrl, null, null);

    public static PublishOutcome Failed(string errorCode, string errorMessage, DateTimeOffset? retryAfter = null) =>
        new(false, TargetStatus.Failed, null, null, errorCode, errorMessage, retryAfter);
}

public sealed record WithdrawRequest(string PostId, Platform Platform, Account Account, string PlatformPostId);

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
