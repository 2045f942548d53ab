using System.ComponentModel.DataAnnotations;
using SocialMcp.Core.Platforms;

namespace SocialMcp.Core.Options;

/// <summary>Configuration section <c>Scheduling</c>.</summary>
public sealed class SchedulingOptions : IValidatableObject
{
    public const string SectionName = "Scheduling";

    /// <summary>How far ahead a scheduled time must be, at least.</summary>
    public TimeSpan MinLeadTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far ahead a scheduled time may be, at most.</summary>
    public TimeSpan MaxLeadTime { get; set; } = TimeSpan.FromDays(60);

    /// <summary>Most posts one workspace may have in status <c>scheduled</c> at once.</summary>
    public int MaxScheduledPerWorkspace { get; set; } = 100;

    /// <summary>
    /// The scheduler sleeps until the next due post and is woken when one is scheduled, rescheduled or cancelled; it
    /// also looks again after this long at most, in case another process changed the database.
    /// </summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a worker's claim on a due post keeps other workers off it; a crashed worker's claim runs out.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many due posts one worker publishes at once.</summary>
    public int MaxConcurrentPosts { get; set; } = 8;

    /// <summary>How many targets of one platform are published at once (all accounts together).</summary>
    public int MaxConcurrentPerPlatform { get; set; } = 4;

    /// <summary>How many targets of one account are published at once.</summary>
    public int MaxConcurrentPerAccount { get; set; } = 1;

    /// <summary>
    /// How late a post may go out when a platform's rate limit or daily cap asks to wait: publishing waits for the reset
    /// while it still falls within this long after the scheduled time (or the publish_post call), and fails the target with
    /// RATE_LIMITED and the reset time otherwise. A post's own toleranceMinutes overrides it.
    /// </summary>
    public TimeSpan DefaultTolerance { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long publish_post and retry_post wait for the outcome before they answer with the post as it is (status
    /// publishing); the publish goes on in the background and get_post (or a resource subscription) shows how it ends.
    /// </summary>
    public TimeSpan PublishWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a process that runs the scheduler writes its heartbeat (table scheduler_runners). A runner counts as alive
    /// while its last heartbeat is within <see cref="RunnerAliveWindow"/> (three heartbeats): one slow write is not a death.
    /// </summary>
    public TimeSpan RunnerHeartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Three heartbeats: a runner seen within this long is alive.</summary>
    public TimeSpan RunnerAliveWindow => RunnerHeartbeat * 3;

    /// <summary>
    /// How late the scheduler may still fire a post (a post's own maxLatenessMinutes overrides it). A post found due later
    /// than this — no SocialMcp process ran at its time — becomes <c>missed</c> and is never published late by itself.
    /// </summary>
    public TimeSpan MaxLateness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after its time a post that is still scheduled or publishing counts as overdue: it raises post.overdue once
    /// and shows in health and /healthz until it goes out, fails or becomes missed.
    /// </summary>
    public TimeSpan OverdueAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many times one target waits for a rate limit or cap before it fails with RATE_LIMITED anyway.</summary>
    public int MaxLimitWaits { get; set; } = 5;

    /// <summary>
    /// Posts one account may publish per UTC day, by platform wire name (<c>Scheduling:DailyCaps:instagram</c>); a platform
    /// not listed has no cap. Scheduling warns (PLATFORM_CAP_AT_RISK) about a full UTC day; publishing counts the account's
    /// posts of the last 24 hours and waits, within the post's tolerance, for one to fall out of that window.
    /// </summary>
    public Dictionary<string, int> DailyCaps { get; set; } = PlatformCatalog.All
        .Where(d => d.DailyPostCap is not null)
        .ToDictionary(d => d.Name, d => d.DailyPostCap!.Value, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RecheckInterval < TimeSpan.FromSeconds(1))
            yield return new ValidationResult("Scheduling:RecheckInterval must be at least 1 second (e.g. 00:05:00).", [nameof(RecheckInterval)]);
        if (LeaseDuration < TimeSpan.FromSeconds(10))
            yield return new ValidationResult("Scheduling:LeaseDuration must be at least 10 seconds (e.g. 00:05:00).", [nameof(LeaseDuration)]);
        if (MaxConcurrentPosts < 1)
            yield return new ValidationResult("Scheduling:MaxConcurrentPosts must be at least 1.", [nameof(MaxConcurrentPosts)]);
        if (MaxConcurrentPerPlatform < 1)
            yield return new ValidationResult("Scheduling:MaxConcurrentPerPlatform must be at least 1.", [nameof(MaxConcurrentPerPlatform)]);
        if (MaxConcurrentPerAccount < 1)
            yield return new ValidationResult("Scheduling:MaxConcurrentPerAccount must be at least 1.", [nameof(MaxConcurrentPerAccount)]);
        if (MinLeadTime < TimeSpan.Zero)
            yield return new ValidationResult("Scheduling:MinLeadTime must not be negative (e.g. 00:01:00).", [nameof(MinLeadTime)]);
        if (MaxLeadTime <= MinLeadTime)
            yield return new ValidationResult("Scheduling:MaxLeadTime must be greater than Scheduling:MinLeadTime (e.g. 60.00:00:00).", [nameof(MaxLeadTime)]);
        foreach (var (platform, cap) in DailyCaps)
        {
            if (cap < 1)
                yield return new ValidationResult($"Scheduling:DailyCaps:{platform} must be at least 1.", [nameof(DailyCaps)]);
        }
        if (DefaultTolerance < TimeSpan.Zero || DefaultTolerance > TimeSpan.FromDays(1))
            yield return new ValidationResult("Scheduling:DefaultTolerance must be between 00:00:00 and 1.00:00:00 (e.g. 00:15:00).", [nameof(DefaultTolerance)]);
        if (PublishWait < TimeSpan.Zero || PublishWait > TimeSpan.FromMinutes(10))
            yield return new ValidationResult("Scheduling:PublishWait must be between 00:00:00 and 00:10:00 (e.g. 00:00:30).", [nameof(PublishWait)]);
        if (MaxLimitWaits < 0)
            yield return new ValidationResult("Scheduling:MaxLimitWaits must not be negative.", [nameof(MaxLimitWaits)]);
        if (RunnerHeartbeat < TimeSpan.FromSeconds(1) || RunnerHeartbeat > TimeSpan.FromMinutes(10))
            yield return new ValidationResult("Scheduling:RunnerHeartbeat must be between 00:00:01 and 00:10:00 (e.g. 00:00:30).", [nameof(RunnerHeartbeat)]);
        if (MaxLateness < TimeSpan.FromMinutes(1) || MaxLateness > TimeSpan.FromDays(7))
            yield return new ValidationResult("Scheduling:MaxLateness must be between 00:01:00 and 7.00:00:00 (e.g. 01:00:00).", [nameof(MaxLateness)]);
        if (OverdueAfter < TimeSpan.FromMinutes(1) || OverdueAfter > TimeSpan.FromDays(7))
            yield return new ValidationResult("Scheduling:OverdueAfter must be between 00:01:00 and 7.00:00:00 (e.g. 00:15:00).", [nameof(OverdueAfter)]);
        if (MaxScheduledPerWorkspace < 1)
            yield return new ValidationResult("Scheduling:MaxScheduledPerWorkspace must be at least 1.", [nameof(MaxScheduledPerWorkspace)]);
    }
}
