using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters;
using SocialMcp.Platforms.Media;

namespace SocialMcp.Platforms.Sandbox;

/// <summary>What the sandbox was asked to publish: the record a test or a curious operator reads.</summary>
public sealed record SandboxDelivery(string PostId, Platform Platform, string AccountId, string Text, int MediaCount, string PlatformPostId, DateTimeOffset At);

/// <summary>
/// Publishes for sandbox accounts. When the server hosts the platform emulator (<see cref="ISandboxApi"/>), it hands the
/// request to the platform's real adapter pointed at the emulator — the same code as production, nothing leaves the
/// machine. Without one (unit tests of the domain) it answers by itself. Either way a sandbox target's id is
/// <c>sbx-{UUIDv7}…</c> (unique across processes) and its URL <c>sandbox://{platform}/{id}</c>, never a real site's
/// address (<see cref="SandboxPostIds"/>).
/// Media take the real path: a URL that cannot be fetched fails the target as it would for a real account.
/// Either way the account's metadata can make it fail a chosen way, so every error path is reachable:
/// <code>{"sandbox": {"failPublish": "RATE_LIMITED", "failWithdraw": "PLATFORM_ERROR"}}</code>
/// </summary>
public sealed class SandboxPublisher(
    TimeProvider time,
    IEnumerable<PlatformAdapter> adapters,
    IEnumerable<ISandboxApi> sandboxApis,
    ILogger<SandboxPublisher> logger) : IPlatformPublisher
{
    /// <summary>The failure codes the sandbox can be told to answer with.</summary>
    public static IReadOnlyList<string> SimulatedFailures { get; } =
        [ErrorCodes.RateLimited, ErrorCodes.MediaUploadFailed, ErrorCodes.PlatformError, ErrorCodes.AuthExpired];

    private readonly Dictionary<Platform, PlatformAdapter> _adapters = adapters.ToDictionary(a => a.Platform);
    private readonly ISandboxApi? _api = sandboxApis.FirstOrDefault();
    private readonly ConcurrentQueue<SandboxDelivery> _deliveries = new();
    private readonly ConcurrentDictionary<string, bool> _withdrawn = new(StringComparer.Ordinal);

    public IReadOnlyCollection<SandboxDelivery> Deliveries => _deliveries;

    public PublisherCapabilities CapabilitiesFor(Platform platform) =>
        _api is not null && _adapters.TryGetValue(platform, out var adapter)
            ? adapter.CapabilitiesFor(platform)
            : new(CanWithdraw: PlatformCatalog.For(platform).CanWithdraw);

    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var name = request.Platform.ToWireName();
        if (ConfiguredFailure(request.Account, "failPublish") is { } failure)
        {
            logger.LogInformation("Sandbox {Platform}: simulating {Failure} for post {PostId}", name, failure, request.PostId);
            // Answered the way a platform's refusal is, so the agent sees the whole shape of one (platformError, nextStep).
            return PublishOutcome.Failed(failure, DescribeFailure(failure, name),
                failure == ErrorCodes.RateLimited ? time.GetUtcNow().AddHours(1) : null,
                SimulatedPlatformCode, $"Simulated by the sandbox: {failure}.", SimulatedHttpStatus(failure));
        }

        if (_api is not null && _adapters.TryGetValue(request.Platform, out var adapter))
        {
            var baseUrl = await _api.BaseUrlAsync(request.Platform, cancellationToken);
            // The media go the same way as for a real account (issue 13): the bytes the engine fetched or opened from the
            // library (request.MediaContent), or the (signed) URLs the emulator pulls and checks. Nothing is swapped in.
            var outcome = await adapter.PublishAsync(request with
            {
                Account = ThroughEmulator(request.Account, baseUrl),
                // A reply or comment answers a post the sandbox published: the emulator knows it by its own id.
                ReplyToPlatformPostId = request.ReplyToPlatformPostId is { } parent ? SandboxPostIds.EmulatorIdOf(parent) : null,
            }, cancellationToken);
            if (!outcome.Succeeded)
                return outcome;
            // The emulator answers like the platform (https://x.com/… and ids that restart with the process): neither
            // may reach the result, so the id gets a unique sandbox prefix and the URL the sandbox scheme.
            var sandboxId = SandboxPostIds.Wrap(outcome.PlatformPostId!, time.GetUtcNow());
            Record(request, sandboxId);
            return outcome with { PlatformPostId = sandboxId, PublicUrl = SandboxPostIds.UrlOf(request.Platform, sandboxId) };
        }

        // Answering by itself, the sandbox still refuses a reply where the platform has none, as the adapters do.
        if (request.ReplyToPlatformPostId is not null && PlatformCatalog.For(request.Platform).Conversation is { Replies: ReplyKind.None, FirstComment: false })
            return PublishOutcome.Failed(ErrorCodes.ReplyNotSupported, $"{name} has no replies or comments through its API; post it without replyTo.");

        var platformPostId = SandboxPostIds.New(time.GetUtcNow());
        Record(request, platformPostId);
        var url = SandboxPostIds.UrlOf(request.Platform, platformPostId);
        // Amazon Posts are moderated: a new post waits in review before it goes live.
        return request.Platform == Platform.Amazon ? PublishOutcome.InReview(platformPostId, url) : PublishOutcome.Published(platformPostId, url);
    }

    public async Task<WithdrawOutcome> WithdrawAsync(WithdrawRequest request, CancellationToken cancellationToken)
    {
        var name = request.Platform.ToWireName();
        if (ConfiguredFailure(request.Account, "failWithdraw") is { } failure)
            return WithdrawOutcome.Failed(failure, DescribeFailure(failure, name));

        if (_api is not null && _adapters.TryGetValue(request.Platform, out var adapter))
        {
            var baseUrl = await _api.BaseUrlAsync(request.Platform, cancellationToken);
            return await adapter.WithdrawAsync(request with
            {
                Account = ThroughEmulator(request.Account, baseUrl),
                PlatformPostId = SandboxPostIds.EmulatorIdOf(request.PlatformPostId),
                ParentPlatformPostId = request.ParentPlatformPostId is { } parent ? SandboxPostIds.EmulatorIdOf(parent) : null,
            }, cancellationToken);
        }

        logger.LogInformation("Sandbox {Platform}: withdrew {PlatformPostId}", name, request.PlatformPostId);
        _withdrawn.TryAdd(request.PlatformPostId, true);
        return WithdrawOutcome.Withdrawn;
    }

    /// <summary>
    /// Reads a sandbox post back: through the platform's adapter and the emulator when the server hosts one (the same answers as
    /// for a real account), else from what this sandbox delivered and withdrew.
    /// </summary>
    public async Task<PostLookup> LookUpAsync(PostLookupRequest request, CancellationToken cancellationToken)
    {
        if (_api is not null && _adapters.TryGetValue(request.Platform, out var adapter))
        {
            var baseUrl = await _api.BaseUrlAsync(request.Platform, cancellationToken);
            var found = await adapter.LookUpAsync(request with
            {
                Account = ThroughEmulator(request.Account, baseUrl),
                PlatformPostId = SandboxPostIds.EmulatorIdOf(request.PlatformPostId),
            }, cancellationToken);
            // The emulator's URL names a real site; a sandbox post's address is the sandbox's own.
            return found.Result == PostLookupResult.Found ? PostLookup.Found(SandboxPostIds.UrlOf(request.Platform, request.PlatformPostId)) : found;
        }
        if (_withdrawn.ContainsKey(request.PlatformPostId))
            return PostLookup.NotFound($"Sandbox post {request.PlatformPostId} was withdrawn.");
        return _deliveries.Any(d => d.PlatformPostId == request.PlatformPostId)
            ? PostLookup.Found(SandboxPostIds.UrlOf(request.Platform, request.PlatformPostId))
            : PostLookup.NotFound($"The sandbox never published {request.PlatformPostId}.");
    }

    private void Record(PublishRequest request, string platformPostId)
    {
        _deliveries.Enqueue(new SandboxDelivery(request.PostId, request.Platform, request.Account.Id, request.Text, request.Media.Count,
            platformPostId, time.GetUtcNow()));
        logger.LogInformation("Sandbox {Platform}: published post {PostId} as {PlatformPostId}", request.Platform.ToWireName(), request.PostId, platformPostId);
    }

    /// <summary>The sandbox account as the adapter needs it: the emulator's API root and the sandbox token it accepts.</summary>
    private static Account ThroughEmulator(Account account, Uri baseUrl)
    {
        var metadata = account.Metadata.ValueKind == JsonValueKind.Object
            ? JsonNode.Parse(account.Metadata.GetRawText())!.AsObject()
            : new JsonObject();
        metadata["apiBaseUrl"] = baseUrl.AbsoluteUri;
        if (account.Platform == Platform.Amazon && metadata["amazon"] is null)
            metadata["amazon"] = new JsonObject { ["clientId"] = "socialmcp-sandbox" };
        return account with
        {
            Metadata = JsonSerializer.SerializeToElement(metadata),
            // The emulator takes the id after the prefix as the platform account the token belongs to.
            TokenReference = $"sandbox:sandbox-{account.Platform.ToWireName()}-{account.PlatformAccountId}",
        };
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

    /// <summary>The platform code a simulated failure carries in platformError.</summary>
    public const string SimulatedPlatformCode = "sandbox_simulated";

    private static int SimulatedHttpStatus(string code) => code switch
    {
        ErrorCodes.RateLimited => 429,
        ErrorCodes.AuthExpired => 401,
        ErrorCodes.MediaUploadFailed => 400,
        _ => 500,
    };

    private static string DescribeFailure(string code, string platform) => code switch
    {
        ErrorCodes.RateLimited => $"{platform} rate limit reached (simulated by the sandbox); try again after the reset time.",
        ErrorCodes.MediaUploadFailed => $"{platform} rejected the media upload (simulated by the sandbox).",
        ErrorCodes.AuthExpired => $"The {platform} account's authorization expired (simulated by the sandbox).",
        _ => $"{platform} answered with an error (simulated by the sandbox).",
    };
}
