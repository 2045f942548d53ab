using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Core.Access;

/// <summary>Configuration section <c>Quotas</c>: monthly limits per workspace (calendar month, UTC).</summary>
public sealed class QuotaOptions : IValidatableObject
{
    public const string SectionName = "Quotas";

    /// <summary>Posts a workspace may create per month.</summary>
    public int PostsPerMonth { get; set; } = 10_000;

    /// <summary>Times a workspace may schedule a post per month (creating it scheduled, or schedule_post).</summary>
    public int ScheduledPostsPerMonth { get; set; } = 5_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PostsPerMonth < 1)
            yield return new ValidationResult("Quotas:PostsPerMonth must be at least 1.");
        if (ScheduledPostsPerMonth < 1)
            yield return new ValidationResult("Quotas:ScheduledPostsPerMonth must be at least 1.");
    }
}
