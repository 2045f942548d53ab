using System.Globalization;
using Dapper;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class PostingScheduleRepository(DbContext db) : IPostingScheduleRepository
{
    public async Task<PostingSchedule?> GetAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<ScheduleRow>(Command(db,
            """
            SELECT platform_set_id AS PlatformSetId, workspace_id AS WorkspaceId, time_zone AS TimeZone, slots AS Slots, updated_at AS UpdatedAt
            FROM posting_schedules WHERE workspace_id = @workspaceId AND platform_set_id = @platformSetId;
            """,
            new { workspaceId, platformSetId }, cancellationToken));
        return row is null ? null : new PostingSchedule(row.PlatformSetId, row.WorkspaceId, row.TimeZone,
            FromJson<List<StoredSlot>>(row.Slots).Select(s => s.ToDomain()).ToList(), ParseTime(row.UpdatedAt));
    }

    public Task UpsertAsync(PostingSchedule schedule, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO posting_schedules (platform_set_id, workspace_id, time_zone, slots, updated_at)
            VALUES (@PlatformSetId, @WorkspaceId, @TimeZone, @Slots, @UpdatedAt)
            ON CONFLICT (platform_set_id) DO UPDATE SET time_zone = excluded.time_zone, slots = excluded.slots, updated_at = excluded.updated_at;
            """,
            new
            {
                schedule.PlatformSetId,
                schedule.WorkspaceId,
                schedule.TimeZone,
                Slots = Json(schedule.Slots.Select(StoredSlot.Of).ToList()),
                UpdatedAt = Time(schedule.UpdatedAt),
            }, cancellationToken));

    public async Task<bool> DeleteAsync(string workspaceId, string platformSetId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "DELETE FROM posting_schedules WHERE workspace_id = @workspaceId AND platform_set_id = @platformSetId;",
            new { workspaceId, platformSetId }, cancellationToken)) > 0;

    public async Task<IReadOnlyList<DateTimeOffset>> ListTakenTimesAsync(
        string platformSetId, DateTimeOffset from, DateTimeOffset to, string? exceptPostId, CancellationToken cancellationToken)
    {
        var times = await db.Connection.QueryAsync<string>(Command(db,
            """
            SELECT scheduled_for FROM posts
            WHERE platform_set_id = @platformSetId AND scheduled_for >= @from AND scheduled_for < @to
              AND status IN ('scheduled', 'publishing', 'published', 'partial')
              AND (@exceptPostId IS NULL OR id <> @exceptPostId)
            ORDER BY scheduled_for;
            """,
            new { platformSetId, from = Time(from), to = Time(to), exceptPostId }, cancellationToken));
        return times.Select(ParseTime).ToList();
    }

    private sealed class ScheduleRow
    {
        public string PlatformSetId { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public string Slots { get; init; } = "";
        public string UpdatedAt { get; init; } = "";
    }

    /// <summary>A slot as stored: lower-case English day name and HH:mm, as agents write them.</summary>
    private sealed record StoredSlot(string Day, string Time)
    {
        public static StoredSlot Of(WeeklySlot slot) =>
            new(slot.Day.ToString().ToLowerInvariant(), slot.Time.ToString("HH:mm", CultureInfo.InvariantCulture));

        public WeeklySlot ToDomain() =>
            new(Enum.Parse<DayOfWeek>(Day, ignoreCase: true), TimeOnly.ParseExact(Time, "HH:mm", CultureInfo.InvariantCulture));
    }
}
