using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Core.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>: delivery retries, disabling, secret rotation (docs/webhooks.md).</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    /// <summary>How long a delivery is retried after it was created; then it is <c>failed</c>.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An endpoint whose attempts have all failed for this long (no success in between) is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the previous secret still signs (as a second signature) after a rotation.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the delivery worker looks for due deliveries when nothing wakes it (another process may have enqueued).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many deliveries one worker sends at once.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 4;

    /// <summary>Most endpoints one workspace may have.</summary>
    public int MaxEndpointsPerWorkspace { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryFor <= TimeSpan.Zero)
            yield return new("Webhooks:RetryFor must be positive, e.g. 1.00:00:00.");
        if (DisableAfter <= TimeSpan.Zero)
            yield return new("Webhooks:DisableAfter must be positive, e.g. 1.00:00:00.");
        if (SecretOverlap < TimeSpan.Zero)
            yield return new("Webhooks:SecretOverlap must not be negative.");
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > TimeSpan.FromMinutes(5))
            yield return new("Webhooks:AttemptTimeout must be between 00:00:00.001 and 00:05:00.");
        if (PollInterval < TimeSpan.FromMilliseconds(100))
            yield return new("Webhooks:PollInterval must be at least 00:00:00.1.");
        if (MaxConcurrentDeliveries < 1)
            yield return new("Webhooks:MaxConcurrentDeliveries must be at least 1.");
        if (MaxEndpointsPerWorkspace < 1)
            yield return new("Webhooks:MaxEndpointsPerWorkspace must be at least 1.");
    }
}
