using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Reconciliation;

/// <summary>
/// One platform's creating call (the one that makes a post live and is not retry-safe) and the read that tells whether
/// it happened, in emulator terms, so one set of tests can check every adapter's "never posted twice" behaviour.
/// </summary>
/// <param name="CreateMethod">HTTP method of the creating call.</param>
/// <param name="CreatePath">Text in the creating call's path.</param>
/// <param name="LookupMethod">HTTP method of the read that reconciles.</param>
/// <param name="LookupPath">Text in that read's path; null: any request with <paramref name="LookupMethod"/> after the creating call.</param>
/// <param name="CreateCounter">The emulator's call counter of the creating call.</param>
public sealed record ReconciliationScenario(
    Platform Platform,
    string DisplayName,
    string CreateMethod,
    string CreatePath,
    string LookupMethod,
    string? LookupPath,
    string CreateCounter,
    Func<AdapterHarness, IPublishHandles, PublishRequest> Request)
{
    /// <summary>Extra configuration the platform needs (beyond no handler retries, so each fault is one failed call).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>How long to wait between a refused create and the next attempt (TikTok waits out its unconfirmed-init window).</summary>
    public TimeSpan WaitBeforeRetry { get; init; } = TimeSpan.Zero;

    /// <summary>Faults that make the creating call fail without creating anything (default: a 503 instead of handling it).</summary>
    public Func<ReconciliationScenario, IReadOnlyList<Fault>>? RefusedCreate { get; init; }

    public Fault LostCreate() => new Fault.LoseResponse { Method = CreateMethod, PathContains = CreatePath };

    /// <summary>A failed read of the lookup, only after the faults queued before it (the lost create) have been used.</summary>
    public Fault FailedLookup(int status = 503, string? body = null) =>
        new Fault.Respond(status, body) { Method = LookupMethod, PathContains = LookupPath, AfterEarlierFaults = true };

    public IReadOnlyList<Fault> RefusedCreateFaults() =>
        RefusedCreate?.Invoke(this) ?? [new Fault.Respond(503) { Method = CreateMethod, PathContains = CreatePath }];

    public async Task<AdapterHarness> StartAsync(TimeProvider clock)
    {
        var name = Platform.ToWireName();
        var settings = new Dictionary<string, string?>(Settings)
        {
            [$"Platforms:{name}:MaxRetries"] = "0",
            // A handful of failed calls must not open the circuit and turn the next attempt into "paused".
            [$"Platforms:{name}:BreakerMinimumThroughput"] = "1000",
        };
        return await AdapterHarness.StartAsync(Platform, clock, settings);
    }

    public override string ToString() => DisplayName;
}
