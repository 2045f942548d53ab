using System.ComponentModel.DataAnnotations;
using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Options;

/// <summary>
/// Configuration section <c>ContentRules</c>: platform limits as configuration, with each platform's
/// documented value as the default (see shared/docs/PLATFORMS.md). Keys are platform wire names.
/// </summary>
public sealed class ContentRulesOptions : IValidatableObject
{
    public const string SectionName = "ContentRules";

    /// <summary>Maximum text length per platform, counted in Unicode code points.</summary>
    public Dictionary<string, int> MaxTextLength { get; set; } = new()
    {
        ["instagram"] = 2200,
        ["facebook"] = 63206,
        ["x"] = 280,
        ["linkedin"] = 3000,
        ["tiktok"] = 2200,
        ["youtube"] = 5000,
        ["threads"] = 500,
        // Amazon Posts' caption limit is unverified (PLATFORMS.md §8.3); a conservative default.
        ["amazon"] = 2200,
    };

    /// <summary>Platforms that refuse images and videos in the same post.</summary>
    public List<string> ForbidMixedMedia { get; set; } = ["x", "linkedin", "tiktok", "youtube", "threads", "amazon"];

    public int MaxTextLengthFor(Platform platform) =>
        MaxTextLength.TryGetValue(platform.ToWireName(), out var limit) ? limit : int.MaxValue;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, limit) in MaxTextLength)
        {
            if (!PlatformNames.TryParse(name, out _))
                yield return new ValidationResult($"ContentRules:MaxTextLength has an unknown platform '{name}'; use one of {string.Join(", ", PlatformNames.AllWireNames)}.");
            else if (limit < 1)
                yield return new ValidationResult($"ContentRules:MaxTextLength:{name} must be at least 1.");
        }
        foreach (var name in ForbidMixedMedia)
        {
            if (!PlatformNames.TryParse(name, out _))
                yield return new ValidationResult($"ContentRules:ForbidMixedMedia has an unknown platform '{name}'.");
        }
    }
}
