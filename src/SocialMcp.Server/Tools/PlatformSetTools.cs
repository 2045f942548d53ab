using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Server.Access;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

[McpServerToolType]
public sealed class PlatformSetTools(PlatformSetService sets, IWorkspaceContext workspace)
{
    [McpServerTool(Name = "create_platform_set", Title = "Create a platform set", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.AccountsWrite, ToolOperation.Create)]
    [Description("""
        Creates a named platform set (a group of at most one account per platform) in this workspace; at most 20 per workspace.
        A new set is empty unless withSandboxAccounts is true, which fills it with sandbox accounts (they publish nowhere real).
        Use it to keep brands or clients apart, then pass its id as platformSetId to create_post.
        Errors: PLATFORM_SET_NAME_TAKEN (pick another name), PLATFORM_SET_LIMIT_REACHED (delete an unused set first).
        """)]
    public async Task<CallToolResult> CreatePlatformSet(string name, bool withSandboxAccounts = false, CancellationToken cancellationToken = default)
    {
        var summary = await sets.CreateAsync(workspace.WorkspaceId, name.Trim(), withSandboxAccounts, cancellationToken);
        return ToolResults.Success(new PlatformSetChangeResult($"Created platform set '{summary.Set.Name}' with {summary.AccountCount} account(s).", summary.ToResult()));
    }

    [McpServerTool(Name = "rename_platform_set", Title = "Rename a platform set", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.AccountsWrite, ToolOperation.Create)]
    [Description("""
        Renames a platform set; its id, accounts and posts stay the same.
        Errors: PLATFORM_SET_NOT_FOUND (see list_platform_sets), PLATFORM_SET_NAME_TAKEN.
        """)]
    public async Task<CallToolResult> RenamePlatformSet(string platformSetId, string name, CancellationToken cancellationToken = default)
    {
        var summary = await sets.RenameAsync(workspace.WorkspaceId, platformSetId, name.Trim(), cancellationToken);
        return ToolResults.Success(new PlatformSetChangeResult($"Renamed platform set to '{summary.Set.Name}'.", summary.ToResult()));
    }

    [McpServerTool(Name = "set_default_platform_set", Title = "Make a platform set the default", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.AccountsWrite, ToolOperation.Create)]
    [Description("""
        Makes a platform set the workspace's default: the set create_post and validate_post use when they are given no
        platformSetId. The previous default keeps its accounts and posts; it is just no longer the default. Use it once real
        accounts are connected in a set, so posts that omit platformSetId go to them rather than to the sandbox.
        Errors: PLATFORM_SET_NOT_FOUND (see list_platform_sets).
        """)]
    public async Task<CallToolResult> SetDefaultPlatformSet(string platformSetId, CancellationToken cancellationToken = default)
    {
        var summary = await sets.MakeDefaultAsync(workspace.WorkspaceId, platformSetId, cancellationToken);
        return ToolResults.Success(new PlatformSetChangeResult(
            $"'{summary.Set.Name}' is now the default platform set ({summary.AccountCount} account(s)); posts without platformSetId use it.",
            summary.ToResult()));
    }

    [McpServerTool(Name = "delete_platform_set", Title = "Delete a platform set", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.AccountsWrite, ToolOperation.Create)]
    [Description("""
        Deletes a platform set and disconnects its accounts. The workspace's default set cannot be deleted (make another
        set the default first: set_default_platform_set), nor a set that any post uses (their history would be lost).
        Errors: PLATFORM_SET_NOT_FOUND, DEFAULT_PLATFORM_SET_PROTECTED, PLATFORM_SET_IN_USE (keep or rename it instead).
        """)]
    public async Task<CallToolResult> DeletePlatformSet(string platformSetId, CancellationToken cancellationToken = default)
    {
        var deleted = await sets.DeleteAsync(workspace.WorkspaceId, platformSetId, cancellationToken);
        return ToolResults.Success(new PlatformSetDeletedResult($"Deleted platform set '{deleted.Name}'.", deleted.Id, deleted.Name));
    }
}

public sealed record PlatformSetChangeResult(string Summary, PlatformSetResult PlatformSet);

public sealed record PlatformSetDeletedResult(string Summary, string Id, string Name);
