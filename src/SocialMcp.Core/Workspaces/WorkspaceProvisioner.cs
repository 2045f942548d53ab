using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Workspaces;

/// <summary>Configuration section <c>Workspaces</c>.</summary>
public sealed class WorkspaceOptions
{
    public const string SectionName = "Workspaces";

    /// <summary>Whether a new workspace's default platform set gets one sandbox account per platform.</summary>
    public bool SandboxAccounts { get; set; } = true;
}

/// <summary>Creates a workspace with its default platform set, and fills sets with sandbox accounts.</summary>
public static class WorkspaceProvisioner
{
    public const string DefaultSetName = "Sandbox";

    public static async Task<PlatformSet> ProvisionAsync(IStoreSession session, Workspace workspace, bool sandboxAccounts, CancellationToken cancellationToken)
    {
        await session.Workspaces.InsertAsync(workspace, cancellationToken);
        var set = new PlatformSet(Guid.CreateVersion7(workspace.CreatedAt).ToString(), workspace.Id, DefaultSetName, true, workspace.CreatedAt);
        await session.PlatformSets.InsertAsync(set, cancellationToken);
        if (sandboxAccounts)
            await AddSandboxAccountsAsync(session, set, workspace.CreatedAt, cancellationToken);
        return set;
    }

    public static async Task AddSandboxAccountsAsync(IStoreSession session, PlatformSet set, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var platform in PlatformNames.All)
        {
            var name = platform.ToWireName();
            var account = new Account
            {
                Id = Guid.CreateVersion7(now).ToString(),
                WorkspaceId = set.WorkspaceId,
                PlatformSetId = set.Id,
                Platform = platform,
                Handle = $"sandbox-{name}",
                PlatformAccountId = $"sandbox-{name}-account",
                IsSandbox = true,
                Metadata = EmptyObject,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await session.Accounts.InsertAsync(account, cancellationToken);
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
