using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// The scheduler as a health check sees it. <see cref="Alive"/> is never true while the worker is not looping, and
/// <see cref="Status"/> is then <c>unhealthy</c>; <c>degraded</c> when it loops but a due post has waited longer than a pass
/// should take, or a post is overdue (<see cref="OverdueAlarm"/>); otherwise <c>ok</c>.
/// </summary>
public sealed record SchedulerHealthReport
{
    public required string Status { get; init; }
    public required bool Alive { get; init; }
    public required string State { get; init; }
    public DateTimeOffset? LastLoopAt { get; init; }
    public DateTimeOffset? SleepingUntil { get; init; }
    public required int DuePosts { get; init; }
    public DateTimeOffset? OldestDueAt { get; init; }
    public TimeSpan? OldestOverdueBy { get; init; }

    /// <summary>Posts past <c>Scheduling:OverdueAfter</c> and still scheduled or publishing (issue 16), counted by a query.</summary>
    public int OverduePosts { get; init; }

    /// <summary>The due time of the oldest of <see cref="OverduePosts"/>.</summary>
    public DateTimeOffset? OldestOverduePostDueAt { get; init; }
    public required string Summary { get; init; }
}

/// <summary>Reports the worker's liveness and the due posts waiting, for the <c>health</c> tool and <c>/healthz</c>.</summary>
public sealed class SchedulerHealth(IStore store, SchedulerStatus status, OverdueAlarm overdue, TimeProvider time, IOptions<SchedulingOptions> options)
{
    /// <summary>Slack beyond the recheck interval before a worker that has not looped counts as stalled (a slow pass).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task<SchedulerHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.ReadAsync(session => session.Posts.SummarizeDueAsync(now, cancellationToken), cancellationToken);
        // By a query, not the alarm's mark: with no runner alive nothing raises the alarm, and the count must still show.
        var late = await overdue.SummarizeAsync(cancellationToken);
        var state = status.State;
        var lastLoop = status.LastLoopAt;
        // The loop passes at least once per RecheckInterval, so an older last pass (or start) means it is stuck.
        var stalled = state == SchedulerState.Running && now - (lastLoop ?? status.StartedAt ?? now) > options.Value.RecheckInterval + Grace;
        var alive = state == SchedulerState.Running && !stalled;
        var stateName = stalled ? "stalled" : state switch
        {
            SchedulerState.NotStarted => "not_started",
            SchedulerState.Running => "running",
            SchedulerState.Stopped => "stopped",
            _ => "faulted",
        };
        var overdueBy = due.OldestScheduledFor is { } oldest ? now - oldest : (TimeSpan?)null;
        var verdict = !alive ? "unhealthy" : overdueBy > options.Value.RecheckInterval + Grace || late.Count > 0 ? "degraded" : "ok";

        var summary = (alive ? "Scheduler alive" : $"Scheduler NOT alive ({stateName})")
            + (lastLoop is { } at ? $", last loop {at:O}" : ", never looped")
            + (due.Count == 0 ? "; no due posts waiting." : $"; {due.Count} due post{(due.Count == 1 ? "" : "s")} waiting, oldest overdue by {overdueBy:c}.")
            + (late.Count == 0 ? "" : $" {late.Count} post{(late.Count == 1 ? " is" : "s are")} overdue (due more than {options.Value.OverdueAfter:c} ago and not out yet), the oldest due at {late.OldestScheduledFor:O}.");
        return new SchedulerHealthReport
        {
            Status = verdict,
            Alive = alive,
            State = stateName,
            LastLoopAt = lastLoop,
            SleepingUntil = alive ? status.SleepingUntil : null,
            DuePosts = due.Count,
            OldestDueAt = due.OldestScheduledFor,
            OldestOverdueBy = overdueBy,
            OverduePosts = late.Count,
            OldestOverduePostDueAt = late.OldestScheduledFor,
            Summary = summary,
        };
    }
}
