using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Core.Options;

/// <summary>Configuration section <c>Publishing</c>: the read-back that verifies a published post (issue 16).</summary>
public sealed class PublishingOptions : IValidatableObject
{
    public const string SectionName = "Publishing";

    /// <summary>
    /// How long after a target publishes the server reads the post back from the platform. Not at once: a post the platform
    /// (or its moderation) removes right after publishing must still be caught.
    /// </summary>
    public TimeSpan VerifyAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Read-backs per target at most. One that cannot tell (the call failed, no clear answer) is tried again after
    /// VerifyAfter × 2^(attempts − 1); after the last the target stays unverified.
    /// </summary>
    public int MaxVerifyAttempts { get; set; } = 5;

    /// <summary>Targets published longer ago than this are not read back (e.g. those published before an upgrade).</summary>
    public TimeSpan VerifyWindow { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Off: no read-back at all (get_post shows no verification).</summary>
    public bool Verify { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (VerifyAfter < TimeSpan.Zero || VerifyAfter > TimeSpan.FromDays(1))
            yield return new ValidationResult("Publishing:VerifyAfter must be between 00:00:00 and 1.00:00:00 (e.g. 00:02:00).", [nameof(VerifyAfter)]);
        if (MaxVerifyAttempts is < 1 or > 20)
            yield return new ValidationResult("Publishing:MaxVerifyAttempts must be between 1 and 20 (e.g. 5).", [nameof(MaxVerifyAttempts)]);
        if (VerifyWindow < TimeSpan.FromHours(1) || VerifyWindow > TimeSpan.FromDays(60))
            yield return new ValidationResult("Publishing:VerifyWindow must be between 01:00:00 and 60.00:00:00 (e.g. 2.00:00:00).", [nameof(VerifyWindow)]);
    }
}
