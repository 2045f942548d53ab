using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Server.Access;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Domain;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

[McpServerToolType]
public sealed class AccountTools(AccountService accounts, IWorkspaceContext workspace)
{
    [McpServerTool(Name = "list_accounts", Title = "List connected accounts", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.AccountsRead, ToolOperation.Read)]
    [Description("""
        Lists the connected platform accounts, optionally of one platform or one platform set, with token health:
        healthy, expiring (a reconnect is due within 7 days, or refreshes keep failing) or reconnect_required (cannot publish until reconnected). Sandbox accounts publish nowhere real.
        Use it before create_post to know which platforms you can target. Errors: PLATFORM_SET_NOT_FOUND.
        """)]
    public async Task<CallToolResult> ListAccounts(string? platform = null, string? platformSetId = null, CancellationToken cancellationToken = default)
    {
        var views = await accounts.ListAccountsAsync(workspace.WorkspaceId, platform is null ? null : PlatformNames.Parse(platform), platformSetId, cancellationToken);
        var unhealthy = views.Count(v => v.TokenHealth != TokenHealth.Healthy);
        var summary = $"{views.Count} account{(views.Count == 1 ? "" : "s")}" + (unhealthy > 0 ? $", {unhealthy} that need a reconnect soon or now." : ", all healthy.");
        return ToolResults.Success(new AccountListResult(summary, views.Select(v => v.ToResult()).ToList()));
    }

    [McpServerTool(Name = "list_platform_sets", Title = "List platform sets", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.AccountsRead, ToolOperation.Read)]
    [Description("""
        Lists the platform sets (named groups of accounts, one per platform) with isDefault and account counts. Posts use the
        default set unless create_post is given a platformSetId.
        """)]
    public async Task<CallToolResult> ListPlatformSets(CancellationToken cancellationToken = default)
    {
        var sets = await accounts.ListPlatformSetsAsync(workspace.WorkspaceId, cancellationToken);
        return ToolResults.Success(new PlatformSetListResult($"{sets.Count} platform set{(sets.Count == 1 ? "" : "s")}.",
            sets.Select(s => s.ToResult()).ToList()));
    }
}
