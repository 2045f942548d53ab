using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Server.Access;
using SocialMcp.Server.Accounts;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>The server's own health, as an agent waiting on a scheduled post needs it.</summary>
[McpServerToolType]
public sealed class HealthTools(
    SchedulerHealth scheduler, RunnerPresence runners, AccountTokenReport tokens, IWorkspaceContext workspace, IReconnectLinks reconnectLinks)
{
    [McpServerTool(Name = "health", Title = "Check the scheduler's and the accounts' health", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Reports whether the scheduler that fires scheduled posts is alive: status ok, degraded (alive, but a due post has
        waited longer than a pass takes, or a post is overdue) or unhealthy (the worker is not running, stopped or stuck:
        scheduled posts will not go out until the server is restarted), with its last loop time, how many due posts are
        waiting and how overdue the oldest is. scheduler.overduePosts counts posts due more than Scheduling:OverdueAfter ago
        that are still scheduled or publishing (each also raised the webhook event post.overdue once).
        Use it when a scheduled post is late. runner {alive, kind, lastSeenAt, hint} says whether a background
        runner (kind service, socialmcp service install) fires posts when no agent is connected; without one, hint says what
        to tell the person. To publish a post now regardless, call publish_post.
        accounts lists this workspace's real accounts that need a person: reconnect_required (give the person reconnectUrl) or
        refreshes failing again and again (lastRefreshError says why). They make status at most degraded: other accounts
        still publish.
        """)]
    public async Task<CallToolResult> Health(CancellationToken cancellationToken = default)
    {
        var report = await scheduler.CheckAsync(cancellationToken);
        var runner = await runners.CheckAsync(cancellationToken);
        var (real, attention) = await tokens.ForWorkspaceAsync(workspace.WorkspaceId, cancellationToken);
        var accounts = new AccountsHealthResult
        {
            Connected = real,
            ReconnectRequired = attention.Count(a => a.TokenHealth == SocialMcp.Core.Domain.TokenHealth.ReconnectRequired),
            RepeatedRefreshFailures = attention.Count(a => a.Refresh.Repeated),
            Attention = attention.Select(a => a.Account.ToResult(a.TokenHealth, reconnectLinks)).ToList(),
        };
        // An account that needs a person degrades the report; it never makes it unhealthy (the scheduler still serves the rest).
        var status = attention.Count > 0 && report.Status == "ok" ? "degraded" : report.Status;
        var runnerNote = runner.ServiceAlive ? $" Background runner alive (last seen {runner.LastSeenAt:O})." : " No background runner (socialmcp service) is alive.";
        var summary = attention.Count == 0
            ? report.Summary + runnerNote
            : $"{report.Summary}{runnerNote} {accounts.ReconnectRequired} account(s) need reconnecting, {accounts.RepeatedRefreshFailures} with repeated refresh failures: see accounts.attention.";
        return ToolResults.Success(new HealthResult(summary, status, new SchedulerHealthResult
        {
            Alive = report.Alive,
            State = report.State,
            LastLoopAt = report.LastLoopAt,
            NextCheckAt = report.SleepingUntil,
            DuePosts = report.DuePosts,
            OldestDueAt = report.OldestDueAt,
            OldestOverdueSeconds = report.OldestOverdueBy is { } by ? (long)by.TotalSeconds : null,
            OverduePosts = report.OverduePosts,
            OldestOverdueDueAt = report.OldestOverduePostDueAt,
        }, RunnerResult.From(runner), accounts));
    }
}

public sealed record HealthResult(string Summary, string Status, SchedulerHealthResult Scheduler, RunnerResult Runner, AccountsHealthResult Accounts);

/// <summary>The workspace's real accounts, and those that need a person.</summary>
public sealed record AccountsHealthResult
{
    public required int Connected { get; init; }
    public required int ReconnectRequired { get; init; }
    public required int RepeatedRefreshFailures { get; init; }
    public required IReadOnlyList<AccountResult> Attention { get; init; }
}

public sealed record SchedulerHealthResult
{
    public required bool Alive { get; init; }
    public required string State { get; init; }
    public DateTimeOffset? LastLoopAt { get; init; }
    public DateTimeOffset? NextCheckAt { get; init; }
    public required int DuePosts { get; init; }
    public DateTimeOffset? OldestDueAt { get; init; }
    public long? OldestOverdueSeconds { get; init; }

    /// <summary>Posts past Scheduling:OverdueAfter that are still scheduled or publishing (issue 16).</summary>
    public int OverduePosts { get; init; }
    public DateTimeOffset? OldestOverdueDueAt { get; init; }
}
