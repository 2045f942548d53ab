using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Server.Access;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Server.Accounts;
using SocialMcp.Core.Domain;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

[McpServerToolType]
public sealed class AccountTools(AccountService accounts, IWorkspaceContext workspace, IReconnectLinks reconnectLinks)
{
    [McpServerTool(Name = "list_accounts", Title = "List connected accounts", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.AccountsRead, ToolOperation.Read)]
    [Description("""
        Lists the connected platform accounts, optionally of one platform or one platform set, with token health:
        healthy (the server keeps the token renewed), expiring (the person must reconnect soon, or refreshes keep failing:
        see refreshFailures and lastRefreshError) or reconnect_required (cannot publish until the person reconnects).
        reconnectUrl, when present, is a fresh signed link (valid 10 minutes) that reconnects the account in place, keeping its
        history: give it to the person. Sandbox accounts publish nowhere real. Use it before create_post to know which
        platforms you can target; connect_account connects a new one. Errors: PLATFORM_SET_NOT_FOUND.
        """)]
    public async Task<CallToolResult> ListAccounts(string? platform = null, string? platformSetId = null, CancellationToken cancellationToken = default)
    {
        var views = await accounts.ListAccountsAsync(workspace.WorkspaceId, platform is null ? null : PlatformNames.Parse(platform), platformSetId, cancellationToken);
        var results = views.Select(v => v.ToResult(reconnectLinks)).ToList();
        var reconnect = results.Count(r => r.TokenHealth == SocialMcp.Core.Domain.TokenHealth.ReconnectRequired);
        var expiring = results.Count(r => r.TokenHealth == SocialMcp.Core.Domain.TokenHealth.Expiring);
        var summary = $"{views.Count} account{(views.Count == 1 ? "" : "s")}" + (reconnect + expiring == 0
            ? ", all healthy."
            : $": {reconnect} need{(reconnect == 1 ? "s" : "")} reconnecting, {expiring} expiring (see reconnectUrl).");
        return ToolResults.Success(new AccountListResult(summary, results));
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
