using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Platforms.Sandbox;

/// <summary>What the sandbox was asked to publish: the record a test or a curious operator reads.</summary>
public sealed record SandboxDelivery(string PostId, Platform Platform, string AccountId, string Text, int MediaCount, string PlatformPostId, DateTimeOffset At);

/// <summary>
/// Publishes nowhere: records each request, answers with a platform post id and a
/// <c>sandbox://{platform}/{id}</c> URL. The account's metadata can make it fail a chosen way, so every error
/// path is reachable without a real platform:
/// <code>{"sandbox": {"failPublish": "RATE_LIMITED", "failWithdraw": "PLATFORM_ERROR"}}</code>
/// It mirrors each platform's real capabilities: Amazon posts go to review first, and Instagram and TikTok
/// cannot be withdrawn through their APIs (shared/docs/PLATFORMS.md §1.5, §5.5).
/// </summary>
public sealed class SandboxPublisher(TimeProvider time, ILogger<SandboxPublisher> logger) : IPlatformPublisher
{
    /// <summary>The failure codes the sandbox can be told to answer with.</summary>
    public static IReadOnlyList<string> SimulatedFailures { get; } =
        [ErrorCodes.RateLimited, ErrorCodes.MediaUploadFailed, ErrorCodes.PlatformError, ErrorCodes.AuthExpired];

    private readonly ConcurrentQueue<SandboxDelivery> _deliveries = new();

    public IReadOnlyCollection<SandboxDelivery> Deliveries => _deliveries;

    public PublisherCapabilities CapabilitiesFor(Platform platform) =>
        new(CanWithdraw: platform is not (Platform.Instagram or Platform.TikTok));

    public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var name = request.Platform.ToWireName();
        if (ConfiguredFailure(request.Account, "failPublish") is { } failure)
        {
            logger.LogInformation("Sandbox {Platform}: simulating {Failure} for post {PostId}", name, failure, request.PostId);
            return Task.FromResult(PublishOutcome.Failed(failure, DescribeFailure(failure, name),
                failure == ErrorCodes.RateLimited ? time.GetUtcNow().AddMinutes(15) : null));
        }

        var platformPostId = $"sbx-{name}-{Guid.CreateVersion7(time.GetUtcNow()):N}";
        var url = $"sandbox://{name}/{platformPostId}";
        _deliveries.Enqueue(new SandboxDelivery(request.PostId, request.Platform, request.Account.Id, request.Text,
            request.Media.Count, platformPostId, time.GetUtcNow()));
        logger.LogInformation("Sandbox {Platform}: published post {PostId} as {PlatformPostId}", name, request.PostId, platformPostId);

        // Amazon Posts are moderated: a new post waits in review before it goes live.
        return Task.FromResult(request.Platform == Platform.Amazon
            ? PublishOutcome.InReview(platformPostId, url)
            : PublishOutcome.Published(platformPostId, url));
    }

    public Task<WithdrawOutcome> WithdrawAsync(WithdrawRequest request, CancellationToken cancellationToken)
    {
        var name = request.Platform.ToWireName();
        if (ConfiguredFailure(request.Account, "failWithdraw") is { } failure)
            return Task.FromResult(WithdrawOutcome.Failed(failure, DescribeFailure(failure, name)));

        logger.LogInformation("Sandbox {Platform}: withdrew {PlatformPostId}", name, request.PlatformPostId);
        return Task.FromResult(WithdrawOutcome.Withdrawn);
    }

    private static string? ConfiguredFailure(Account account, string key)
    {
        if (account.Metadata.ValueKind != JsonValueKind.Object ||
            !account.Metadata.TryGetProperty("sandbox", out var sandbox) ||
            sandbox.ValueKind != JsonValueKind.Object ||
            !sandbox.TryGetProperty(key, out var failure) ||
            failure.ValueKind != JsonValueKind.String)
            return null;
        var code = failure.GetString();
        return code is not null && SimulatedFailures.Contains(code) ? code : ErrorCodes.PlatformError;
    }

    private static string DescribeFailure(string code, string platform) => code switch
    {
        ErrorCodes.RateLimited => $"{platform} rate limit reached (simulated by the sandbox); try again after the reset time.",
        ErrorCodes.MediaUploadFailed => $"{platform} rejected the media upload (simulated by the sandbox).",
        ErrorCodes.AuthExpired => $"The {platform} account's authorization expired (simulated by the sandbox).",
        _ => $"{platform} answered with an error (simulated by the sandbox).",
    };
}
