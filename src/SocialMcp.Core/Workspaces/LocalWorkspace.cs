using System.Text.Json;
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
    public const string DefaultSetName = "Sandbox";

    /// <summary>Creates the local workspace if it is missing; does nothing otherwise (safe on every start).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            if (await session.Workspaces.GetAsync(Id, cancellationToken) is not null)
                return false;

            var now = time.GetUtcNow();
            await session.Workspaces.InsertAsync(new Workspace(Id, "Local workspace", now), cancellationToken);
            var set = new PlatformSet(Guid.CreateVersion7(now).ToString(), Id, DefaultSetName, true, now);
            await session.PlatformSets.InsertAsync(set, cancellationToken);
            foreach (var platform in PlatformNames.All)
            {
                var name = platform.ToWireName();
                var account = new Account(Guid.CreateVersion7(now).ToString(), Id, set.Id, platform, $"sandbox-{name}",
                    $"sandbox-{name}-account", null, null, IsSandbox: true, EmptyObject(), now, now);
                await session.Accounts.InsertAsync(account, cancellationToken);
            }
            return true;
        }, cancellationToken);

    private static JsonElement EmptyObject() => JsonDocument.Parse("{}").RootElement.Clone();
}
