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

    /// <summary>Bytes a workspace's media library may hold (each upload counts, even when its bytes are stored once).</summary>
    public long MediaStorageBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Files a workspace may add to its media library per month (upload_media, POST /media).</summary>
    public int MediaUploadsPerMonth { get; set; } = 2_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PostsPerMonth < 1)
            yield return new ValidationResult("Quotas:PostsPerMonth must be at least 1.");
        if (ScheduledPostsPerMonth < 1)
            yield return new ValidationResult("Quotas:ScheduledPostsPerMonth must be at least 1.");
        if (MediaStorageBytes < 1)
            yield return new ValidationResult("Quotas:MediaStorageBytes must be at least 1.");
        if (MediaUploadsPerMonth < 1)
            yield return new ValidationResult("Quotas:MediaUploadsPerMonth must be at least 1.");
    }
}
