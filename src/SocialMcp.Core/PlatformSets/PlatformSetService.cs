using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;

namespace SocialMcp.Core.PlatformSets;

/// <summary>Configuration section <c>PlatformSets</c>.</summary>
public sealed class PlatformSetOptions
{
    public const string SectionName = "PlatformSets";

    public int MaxPerWorkspace { get; set; } = 20;
}

/// <summary>Creates, renames and deletes platform sets (named groups of one account per platform).</summary>
public sealed class PlatformSetService(IStore store, TimeProvider time, IOptions<PlatformSetOptions> options)
{
    public Task<PlatformSetSummary> CreateAsync(string workspaceId, string name, bool withSandboxAccounts, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var limit = options.Value.MaxPerWorkspace;
            if (await session.PlatformSets.CountAsync(workspaceId, cancellationToken) >= limit)
            {
                throw new LimitReachedException(new Problem(ErrorCodes.PlatformSetLimitReached,
                    $"This workspace already has {limit} platform sets, the most it may have.", "$.name",
                    Hint: "Delete a platform set you no longer use (delete_platform_set), then try again."));
            }
            await EnsureNameFreeAsync(session, workspaceId, name, cancellationToken);
            var now = time.GetUtcNow();
            var set = new PlatformSet(Guid.CreateVersion7(now).ToString(), workspaceId, name, false, now);
            await session.PlatformSets.InsertAsync(set, cancellationToken);
            if (withSandboxAccounts)
                await WorkspaceProvisioner.AddSandboxAccountsAsync(session, set, now, cancellationToken);
            return new PlatformSetSummary(set, withSandboxAccounts ? PlatformNames.All.Count : 0);
        }, cancellationToken);

    public Task<PlatformSetSummary> RenameAsync(string workspaceId, string platformSetId, string name, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var set = await GetAsync(session, workspaceId, platformSetId, cancellationToken);
            if (set.Name != name)
                await EnsureNameFreeAsync(session, workspaceId, name, cancellationToken);
            await session.PlatformSets.RenameAsync(workspaceId, platformSetId, name, cancellationToken);
            var summary = (await session.PlatformSets.ListWithAccountCountsAsync(workspaceId, cancellationToken)).Single(s => s.Set.Id == set.Id);
            return summary;
        }, cancellationToken);

    /// <summary>Deletes a set and its accounts. The default set, and a set any post uses, are kept: nothing is lost.</summary>
    public Task<PlatformSet> DeleteAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var set = await GetAsync(session, workspaceId, platformSetId, cancellationToken);
            if (set.IsDefault)
            {
                throw new ConflictException(new Problem(ErrorCodes.DefaultPlatformSetProtected,
                    $"'{set.Name}' is the workspace's default platform set and cannot be deleted.", "$.platformSetId",
                    Hint: "Make another set the default first (set_default_platform_set), then delete this one."));
            }
            var posts = await session.PlatformSets.CountPostsUsingAsync(set.Id, cancellationToken);
            if (posts > 0)
            {
                throw new ConflictException(new Problem(ErrorCodes.PlatformSetInUse,
                    $"{posts} post(s) use platform set '{set.Name}'; deleting it would lose their history.", "$.platformSetId",
                    Hint: "Keep the set, or rename it (rename_platform_set)."));
            }
            await session.Accounts.DeleteInSetAsync(workspaceId, set.Id, cancellationToken);
            // Its queue schedule goes with it (the schedule row refers to the set).
            await session.PostingSchedules.DeleteAsync(workspaceId, set.Id, cancellationToken);
            await session.PlatformSets.DeleteAsync(workspaceId, set.Id, cancellationToken);
            return set;
        }, cancellationToken);

    /// <summary>
    /// Makes a set the workspace's default: the set posts use when they name no platformSetId. The set that was the
    /// default stays as it is, only no longer the default (it may then be deleted if no post uses it).
    /// </summary>
    public Task<PlatformSetSummary> MakeDefaultAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var set = await GetAsync(session, workspaceId, platformSetId, cancellationToken);
            if (!set.IsDefault)
            {
                await session.PlatformSets.ClearDefaultAsync(workspaceId, cancellationToken);
                await session.PlatformSets.MarkDefaultAsync(workspaceId, set.Id, cancellationToken);
            }
            return (await session.PlatformSets.ListWithAccountCountsAsync(workspaceId, cancellationToken)).Single(s => s.Set.Id == set.Id);
        }, cancellationToken);

    /// <summary>A set by id, or else by name (the command line names sets).</summary>
    public Task<PlatformSet> FindAsync(string workspaceId, string idOrName, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
            await session.PlatformSets.GetAsync(workspaceId, idOrName, cancellationToken)
            ?? await session.PlatformSets.FindByNameAsync(workspaceId, idOrName, cancellationToken)
            ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                $"No platform set with id or name '{idOrName}' exists in this workspace.", "$.platformSetId",
                Hint: "List the sets (list_platform_sets, or socialmcp sets list).")), cancellationToken);

    private static async Task<PlatformSet> GetAsync(IStoreSession session, string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        await session.PlatformSets.GetAsync(workspaceId, platformSetId, cancellationToken)
        ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
            $"No platform set with id '{platformSetId}' exists in this workspace.", "$.platformSetId",
            Hint: "Call list_platform_sets to see the sets."));

    private static async Task EnsureNameFreeAsync(IStoreSession session, string workspaceId, string name, CancellationToken cancellationToken)
    {
        if (await session.PlatformSets.FindByNameAsync(workspaceId, name, cancellationToken) is not null)
        {
            throw new ConflictException(new Problem(ErrorCodes.PlatformSetNameTaken,
                $"A platform set named '{name}' already exists in this workspace.", "$.name", Hint: "Pick another name."));
        }
    }
}
