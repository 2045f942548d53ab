using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Core.Queue;
using SocialMcp.Server.Access;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>The queue (issue 15): a weekly posting schedule per platform set, which schedule_post's slot "next" fills.</summary>
[McpServerToolType]
public sealed class QueueTools(PostingQueue queue, IWorkspaceContext workspace)
{
    [McpServerTool(Name = "set_posting_schedule", Title = "Set a platform set's weekly posting schedule", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Replaces the weekly posting schedule (the queue) of a platform set (platformSetId, or the default set): timeZone (an
        IANA id such as Europe/Berlin) and slots, each {day: monday … sunday, time: "09:00", a 24-hour wall time in that zone},
        at most 100, each once. An empty slots list removes the schedule. Slots are wall times: 09:00 stays 09:00 local when
        the clocks change; a slot the clocks skip (spring forward) goes out as the wall time read before the jump (02:30
        becomes 03:30), a slot they repeat (fall back) goes out once, the first time. Then schedule_post or create_post with
        slot "next" takes the earliest free slot 1 minute to 60 days ahead. Returns the schedule and its next free slots
        (count, 1-50, default 5), each in UTC and local time. Posts already scheduled keep their times.
        Errors: VALIDATION_FAILED (a bad timeZone, day or time, or a repeated slot: path names it, e.g. $.slots[2].time),
        PLATFORM_SET_NOT_FOUND.
        """)]
    public async Task<CallToolResult> SetPostingSchedule(
        IReadOnlyList<SlotInput> slots, string? timeZone = null, string? platformSetId = null, int? count = null,
        CancellationToken cancellationToken = default)
    {
        var view = await queue.SetAsync(workspace.WorkspaceId, platformSetId, timeZone, slots, count, cancellationToken);
        return ToolResults.Success(view.ToResult());
    }

    [McpServerTool(Name = "get_posting_schedule", Title = "Read a platform set's posting schedule and next free slots", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Reads the weekly posting schedule of a platform set (platformSetId, or the default set): its timeZone and slots, and
        the next count (1-50, default 5) free slots a post could take with slot "next", each in UTC (scheduledFor) and in the
        schedule's zone (scheduledForLocal). A slot is free while no post of the set is scheduled at (or went out from) exactly
        that time. A set without a schedule answers slots [] (set one with set_posting_schedule). list_posts with from and to
        shows the free slots of a calendar window. Errors: PLATFORM_SET_NOT_FOUND, VALIDATION_FAILED (count).
        """)]
    public async Task<CallToolResult> GetPostingSchedule(string? platformSetId = null, int? count = null, CancellationToken cancellationToken = default)
    {
        var view = await queue.GetAsync(workspace.WorkspaceId, platformSetId, count, cancellationToken);
        return ToolResults.Success(view.ToResult());
    }
}

/// <summary>A slot of a schedule as agents write it.</summary>
public sealed record WeeklySlotResult(string Day, string Time);

/// <summary>One occurrence of a slot: the instant in UTC and in the schedule's zone, the slot it is, and that zone.</summary>
public sealed record QueueSlotResult(DateTimeOffset ScheduledFor, DateTimeOffset ScheduledForLocal, string Day, string Time, string TimeZone);

public sealed record PostingScheduleResult
{
    public required string Summary { get; init; }
    public required string PlatformSetId { get; init; }
    /// <summary>The schedule's IANA zone; omitted when the set has no schedule.</summary>
    public string? TimeZone { get; init; }
    public required IReadOnlyList<WeeklySlotResult> Slots { get; init; }
    public required IReadOnlyList<QueueSlotResult> NextSlots { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

internal static class QueueResults
{
    public static QueueSlotResult ToResult(this QueueSlot slot) => new(slot.At, slot.Local, slot.DayName, slot.TimeText, slot.TimeZone);

    public static PostingScheduleResult ToResult(this QueueView view)
    {
        var schedule = view.Schedule;
        var summary = schedule is null
            ? view.Removed
                ? "Posting schedule removed; slot \"next\" now answers NO_POSTING_SCHEDULE for this set."
                : "This platform set has no posting schedule; set one with set_posting_schedule."
            : $"{schedule.Slots.Count} weekly slot{(schedule.Slots.Count == 1 ? "" : "s")} in {schedule.TimeZone}; "
              + (view.NextSlots.Count == 0
                  ? "no free slot in the scheduling window."
                  : $"next free: {ZonedText(view.NextSlots[0])}.");
        return new PostingScheduleResult
        {
            Summary = summary,
            PlatformSetId = view.PlatformSetId,
            TimeZone = schedule?.TimeZone,
            Slots = schedule?.Slots.Select(s => new WeeklySlotResult(s.Day.ToString().ToLowerInvariant(),
                s.Time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))).ToList() ?? [],
            NextSlots = view.NextSlots.Select(ToResult).ToList(),
            UpdatedAt = schedule?.UpdatedAt,
        };
    }

    /// <summary>"monday 09:00 Europe/Berlin (2027-03-29T07:00:00Z)", for summaries.</summary>
    public static string ZonedText(QueueSlot slot) =>
        $"{slot.DayName} {slot.TimeText} {slot.TimeZone} ({Core.Posts.ZonedTimes.Format(slot.At)})";
}
