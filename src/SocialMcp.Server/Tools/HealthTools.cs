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
        return ToolResults.Success(new HealthResult(report.Summary, report.Status, new SchedulerHealthResult
        {
            Alive = report.Alive,
            State = report.State,
            LastLoopAt = report.LastLoopAt,
            NextCheckAt = report.SleepingUntil,
            DuePosts = report.DuePosts,
            OldestDueAt = report.OldestDueAt,
            OldestOverdueSeconds = report.OldestOverdueBy is { } by ? (long)by.TotalSeconds : null,
        }));
    }
}

public sealed record HealthResult(string Summary, string Status, SchedulerHealthResult Scheduler);

public sealed record SchedulerHealthResult
{
    public required bool Alive { get; init; }
    public required string State { get; init; }
    public DateTimeOffset? LastLoopAt { get; init; }
    public DateTimeOffset? NextCheckAt { get; init; }
    public required int DuePosts { get; init; }
    public DateTimeOffset? OldestDueAt { get; init; }
    public long? OldestOverdueSeconds { get; init; }
}
