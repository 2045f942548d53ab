using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Scheduling;
using SocialMcp.Server.Access;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>The server's own health, as an agent waiting on a scheduled post needs it.</summary>
[McpServerToolType]
public sealed class HealthTools(SchedulerHealth scheduler)
{
    [McpServerTool(Name = "health", Title = "Check the scheduler's health", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Reports whether the scheduler that fires scheduled posts is alive: status ok, degraded (alive, but a due post has
        waited longer than a pass takes) or unhealthy (the worker is not running, stopped or stuck: scheduled posts will not
        go out until the server is restarted), with its last loop time, how many due posts are waiting and how overdue the
        oldest is. Use it when a scheduled post is late. To publish a post now regardless, call publish_post.
        """)]
    public async Task<CallToolResult> Health(CancellationToken cancellationToken = default)
    {
        var report = await scheduler.CheckAsync(cancellationToken);
        return ToolResults.Success(new HealthResult(report.Summary, report.Status, new SchedulerHealthResult(
            report.Alive, report.State, report.LastLoopAt, report.SleepingUntil, report.DuePosts, report.OldestDueAt,
            report.OldestOverdueBy is { } by ? (long)by.TotalSeconds : null)));
    }
}

public sealed record HealthResult(string Summary, string Status, SchedulerHealthResult Scheduler);

public sealed record SchedulerHealthResult(
    bool Alive, string State, DateTimeOffset? LastLoopAt, DateTimeOffset? NextCheckAt, int DuePosts, DateTimeOffset? OldestDueAt,
    long? OldestOverdueSeconds);
