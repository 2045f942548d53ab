using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Workspaces;

/// <summary>
/// The workspace that stdio sessions act as. On an empty database it is created with a default platform
/// set named "Sandbox" holding one sandbox account per platform, so an agent can publish with no set-up.
/// </summary>
public sealed class LocalWorkspace(IStore store, TimeProvider time)
{
    public const string Id = "local";
    public const string DefaultSetName = WorkspaceProvisioner.DefaultSetName;

    /// <summary>Creates the local workspace if it is missing; does nothing otherwise (safe on every start).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            if (await session.Workspaces.GetAsync(Id, cancellationToken) is not null)
                return false;
            // The local workspace always has sandbox accounts: it is the zero-set-up experience.
            await WorkspaceProvisioner.ProvisionAsync(session, new Workspace(Id, "Local workspace", time.GetUtcNow()), sandboxAccounts: true, cancellationToken);
            return true;
        }, cancellationToken);
}
