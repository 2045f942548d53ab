using System.ComponentModel.DataAnnotations;
using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Options;

/// <summary>
/// Which actions an agent asks for wait for a person (issue 16): <c>Approvals:Required</c> for the workspace, and
/// <c>Approvals:PlatformSets:{name or id}:Required</c> to give one platform set its own list (it replaces the
/// workspace's for posts of that set). Empty, the default: nothing waits.
/// </summary>
public sealed class ApprovalOptions : IValidatableObject
{
    public const string SectionName = "Approvals";

    /// <summary>publish, schedule, withdraw: any of them, or none.</summary>
    public List<string> Required { get; set; } = [];

    /// <summary>Per platform set (by its name or id): that set's own list.</summary>
    public Dictionary<string, PlatformSetApprovalOptions> PlatformSets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in Unknown($"{SectionName}:Required", Required))
            yield return problem;
        foreach (var (set, options) in PlatformSets)
        {
            foreach (var problem in Unknown($"{SectionName}:PlatformSets:{set}:Required", options.Required))
                yield return problem;
        }
    }

    private static IEnumerable<ValidationResult> Unknown(string path, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (!ApprovalPolicyNames.IsKnown(names[i]))
            {
                yield return new ValidationResult(
                    $"{path}:{i} is '{names[i]}', which is not an action that can wait for approval; use publish, schedule or withdraw.");
            }
        }
    }
}

public sealed class PlatformSetApprovalOptions
{
    public List<string> Required { get; set; } = [];
}

internal static class ApprovalPolicyNames
{
    public static bool IsKnown(string name) => name.Trim().ToLowerInvariant() is "publish" or "schedule" or "withdraw";

    public static ApprovalAction Parse(string name) => ApprovalActions.Parse(name.Trim().ToLowerInvariant());
}
