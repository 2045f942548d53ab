using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.PlatformSets;

/// <summary>The platform set an argument names, or the workspace's default when it names none: one lookup and one error for every tool.</summary>
public static class PlatformSetLookup
{
    public static async Task<PlatformSet> ResolveAsync(IStoreSession session, string workspaceId, string? platformSetId, CancellationToken cancellationToken)
    {
        if (platformSetId is null)
        {
            return await session.PlatformSets.GetDefaultAsync(workspaceId, cancellationToken)
                ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                    "This workspace has no default platform set.", "$.platformSetId", Hint: "Call list_platform_sets and pass a platformSetId."));
        }
        return await session.PlatformSets.GetAsync(workspaceId, platformSetId, cancellationToken)
            ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                $"No platform set with id '{platformSetId}' exists in this workspace.", "$.platformSetId",
                Hint: "Call list_platform_sets to see the sets, or omit platformSetId to use the default."));
    }
}
