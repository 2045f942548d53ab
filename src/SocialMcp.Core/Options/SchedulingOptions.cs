using System.ComponentModel.DataAnnotations;

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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinLeadTime < TimeSpan.Zero)
            yield return new ValidationResult("Scheduling:MinLeadTime must not be negative (e.g. 00:01:00).", [nameof(MinLeadTime)]);
        if (MaxLeadTime <= MinLeadTime)
            yield return new ValidationResult("Scheduling:MaxLeadTime must be greater than Scheduling:MinLeadTime (e.g. 60.00:00:00).", [nameof(MaxLeadTime)]);
        if (MaxScheduledPerWorkspace < 1)
            yield return new ValidationResult("Scheduling:MaxScheduledPerWorkspace must be at least 1.", [nameof(MaxScheduledPerWorkspace)]);
    }
}
