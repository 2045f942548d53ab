using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Webhooks;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Verified publication (issue 16): reads each published target back through its platform
/// (<see cref="IPlatformPublisher.LookUpAsync"/>) <c>Publishing:VerifyAfter</c> after it went out. Found: the target gets
/// verified_at. Not found (deleted, private, gone): not_visible_at and the platform's reason, a post event
/// <c>target_not_visible</c> and the webhook event <c>target.not_visible</c>, in one transaction. Unknown (the call failed, no
/// clear answer): tried again with a doubling delay, <c>Publishing:MaxVerifyAttempts</c> read-backs in all, then left
/// unverified with a post event <c>target_unverified</c>. Only the thread's head (the target's own post id) is read back.
/// Targets of platforms whose API cannot read posts (<see cref="ConversationSupport.CanReadPosts"/>) are never claimed.
/// Each read-back is claimed first (a lease on the target row), so two verifiers on one database never read the same one.
/// </summary>
public sealed class PublicationVerifier(
    IStore store,
    IPublisherResolver publishers,
    WebhookOutbox outbox,
    PublisherIdentity identity,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    ILogger<PublicationVerifier> logger)
{
    /// <summary>How long a claim keeps other verifiers off a target: longer than one read-back with its retries takes.</summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(5);

    /// <summary>The shortest delay before a read-back that could not tell is tried again.</summary>
    public static readonly TimeSpan MinRetryDelay = TimeSpan.FromMinutes(1);

    public const string NotVisibleEvent = "target_not_visible";
    public const string VerifiedEvent = "target_verified";
    public const string UnverifiedEvent = "target_unverified";

    /// <summary>The platforms whose posts can be read back.</summary>
    public static IReadOnlyList<Platform> ReadablePlatforms { get; } =
        PlatformNames.All.Where(p => PlatformCatalog.For(p).Conversation.CanReadPosts).ToList();

    /// <summary>Whether a published target of this platform is read back at all.</summary>
    public static bool CanVerify(Platform platform) => PlatformCatalog.For(platform).Conversation.CanReadPosts;

    /// <summary>Reads back every target that is due, one at a time; returns how many it handled.</summary>
    public async Task<int> VerifyDueAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (await ClaimAsync(cancellationToken) is { } claim)
        {
            await VerifyAsync(claim, cancellationToken);
            handled++;
        }
        return handled;
    }

    /// <summary>When the next read-back is due; null when none is planned.</summary>
    public Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        return store.ReadAsync(s => s.Alarms.NextVerificationAtAsync(settings.VerifyAfter, now - settings.VerifyWindow, settings.MaxVerifyAttempts,
            ReadablePlatforms, cancellationToken), cancellationToken);
    }

    private Task<VerificationClaim?> ClaimAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        return store.WriteAsync(s => s.Alarms.ClaimVerificationAsync(identity.Owner, now, now + ClaimDuration, now - settings.VerifyAfter,
            now - settings.VerifyWindow, settings.MaxVerifyAttempts, ReadablePlatforms, cancellationToken), cancellationToken);
    }

    private async Task VerifyAsync(VerificationClaim claim, CancellationToken cancellationToken)
    {
        var lookup = await LookUpAsync(claim, cancellationToken);
        var now = time.GetUtcNow();
        var attempt = claim.Attempts + 1;
        var reason = SecretScrubber.Scrub(lookup.Detail);
        var outcome = lookup.Result switch
        {
            PostLookupResult.Found => new VerificationOutcome(now) { Verified = true },
            PostLookupResult.NotFound => new VerificationOutcome(now) { NotVisibleReason = reason ?? "The platform has no such post." },
            _ => new VerificationOutcome(now) { NextAt = attempt < options.Value.MaxVerifyAttempts ? now + RetryDelay(attempt) : null },
        };
        var name = claim.Platform.ToWireName();
        var stored = await store.WriteAsync(async session =>
        {
            if (!await session.Alarms.RecordVerificationAsync(claim.PostId, claim.Platform, identity.Owner, outcome, cancellationToken))
                return false; // withdrawn or retried meanwhile, or another verifier took it over: its outcome is not ours to write
            var post = await session.Posts.GetAsync(claim.WorkspaceId, claim.PostId, cancellationToken);
            if (post is null)
                return true;
            string? eventType = lookup.Result switch
            {
                PostLookupResult.Found => VerifiedEvent,
                PostLookupResult.NotFound => NotVisibleEvent,
                _ when outcome.NextAt is null => UnverifiedEvent,
                _ => null,
            };
            if (eventType is null)
                return true;
            await session.Events.AppendAsync(new PostEvent
            {
                Id = 0,
                PostId = post.Id,
                Platform = claim.Platform,
                EventType = eventType,
                FromStatus = TargetStatus.Published.ToWireName(),
                ToStatus = TargetStatus.Published.ToWireName(),
                PostVersion = post.Version,
                Detail = lookup.Result == PostLookupResult.Found ? $"platformPostId={claim.PlatformPostId}"
                    : $"platformPostId={claim.PlatformPostId} attempts={attempt} reason={reason}",
                OccurredAt = now,
            }, cancellationToken);
            if (lookup.Result == PostLookupResult.NotFound)
            {
                await outbox.RecordPostAsync(session, WebhookEventTypes.TargetNotVisible, post, new Dictionary<string, string?>
                {
                    ["platform"] = name,
                    ["platformPostId"] = claim.PlatformPostId,
                    ["reason"] = outcome.NotVisibleReason,
                }, cancellationToken);
            }
            return true;
        }, cancellationToken);

        if (!stored)
            logger.LogInformation("Read-back of post {PostId} on {Platform} not stored: the target changed meanwhile", claim.PostId, name);
        else if (lookup.Result == PostLookupResult.NotFound)
            logger.LogWarning("Post {PostId} is not visible on {Platform} after publishing: {Reason}", claim.PostId, name, outcome.NotVisibleReason);
        else if (lookup.Result == PostLookupResult.Unknown)
            logger.LogInformation("Read-back {Attempt} of post {PostId} on {Platform} could not tell ({Reason}); {Next}", attempt, claim.PostId, name, reason,
                outcome.NextAt is { } next ? $"trying again at {next:O}" : "giving up");
    }

    /// <summary>VerifyAfter × 2^(attempt − 1), at least <see cref="MinRetryDelay"/>: 2, 4, 8, 16 minutes by default.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var delay = options.Value.VerifyAfter < MinRetryDelay ? MinRetryDelay : options.Value.VerifyAfter;
        return delay * Math.Pow(2, Math.Min(attempt - 1, 10));
    }

    private async Task<PostLookup> LookUpAsync(VerificationClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            var account = await store.ReadAsync(s => s.Accounts.GetByIdAsync(claim.AccountId, cancellationToken), cancellationToken);
            if (account is null)
                return PostLookup.Unknown("the target's account is gone");
            return await publishers.For(account).LookUpAsync(new PostLookupRequest(claim.Platform, account, claim.PlatformPostId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception's text may quote a request: only its type is kept.
            return PostLookup.Unknown($"the read-back failed ({ex.GetType().Name})");
        }
    }
}
