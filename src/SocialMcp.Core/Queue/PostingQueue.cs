using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Queue;

/// <summary>A set's schedule (null when it has none) and its next free slots; <see cref="Removed"/> after an empty set_posting_schedule.</summary>
public sealed record QueueView(string PlatformSetId, PostingSchedule? Schedule, IReadOnlyList<QueueSlot> NextSlots, bool Removed = false);

/// <summary>
/// The queue (issue 15): each platform set's weekly posting schedule in an IANA zone, and its free slots. A slot is free
/// while no post of the set is scheduled at (or went out from) exactly that instant; only slots a post could be scheduled
/// into count (<c>Scheduling:MinLeadTime</c> to <c>MaxLeadTime</c> ahead). <see cref="TakeNextAsync"/> runs inside the
/// caller's write transaction, which SQLite holds alone, so two posts never take the same slot.
/// </summary>
public sealed class PostingQueue(IStore store, IOptions<SchedulingOptions> options, TimeProvider time)
{
    public const int DefaultCount = 5;
    public const int MaxCount = 50;

    /// <summary>Replaces the set's schedule; no slots removes it. Problems name their path; nothing is stored then.</summary>
    public Task<QueueView> SetAsync(
        string workspaceId, string? platformSetId, string? timeZone, IReadOnlyList<SlotInput> slots, int? count, CancellationToken cancellationToken)
    {
        var wanted = CheckCount(count);
        var read = WeeklySlots.Read(slots);
        var zone = PostTimeZones.Check(timeZone);
        if (read.Count > 0 && zone is null)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "A schedule with slots needs its timeZone.", "$.timeZone",
                Hint: "Pass the IANA zone the slots' wall times are in, e.g. \"timeZone\": \"Europe/Berlin\".")]);
        }
        return store.WriteAsync(async session =>
        {
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, platformSetId, cancellationToken);
            if (read.Count == 0)
            {
                await session.PostingSchedules.DeleteAsync(workspaceId, set.Id, cancellationToken);
                return new QueueView(set.Id, null, [], Removed: true);
            }
            var schedule = new PostingSchedule(set.Id, workspaceId, zone!, read, time.GetUtcNow());
            await session.PostingSchedules.UpsertAsync(schedule, cancellationToken);
            return new QueueView(set.Id, schedule, await FreeAsync(session, schedule, wanted, null, cancellationToken));
        }, cancellationToken);
    }

    /// <summary>The set's schedule with its next <paramref name="count"/> free slots; a set without one has no schedule and no slots.</summary>
    public Task<QueueView> GetAsync(string workspaceId, string? platformSetId, int? count, CancellationToken cancellationToken)
    {
        var wanted = CheckCount(count);
        return store.ReadAsync(async session =>
        {
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, platformSetId, cancellationToken);
            var schedule = await session.PostingSchedules.GetAsync(workspaceId, set.Id, cancellationToken);
            return new QueueView(set.Id, schedule, schedule is null ? [] : await FreeAsync(session, schedule, wanted, null, cancellationToken));
        }, cancellationToken);
    }

    /// <summary>
    /// The earliest free slot of the set, for a post (<paramref name="exceptPostId"/>: its own time does not hold a slot against
    /// it). Call inside the write transaction that schedules the post. NO_POSTING_SCHEDULE, NO_FREE_SLOT.
    /// </summary>
    public async Task<QueueSlot> TakeNextAsync(
        IStoreSession session, string workspaceId, string platformSetId, string? exceptPostId, CancellationToken cancellationToken)
    {
        var schedule = await session.PostingSchedules.GetAsync(workspaceId, platformSetId, cancellationToken)
            ?? throw new NotFoundException(new Problem(ErrorCodes.NoPostingSchedule,
                "The post's platform set has no posting schedule, so there is no next slot.", "$.slot",
                Hint: "Set one with set_posting_schedule (a time zone and weekly slots such as monday 09:00), or pass scheduledFor instead of slot."));
        var free = await FreeAsync(session, schedule, 1, exceptPostId, cancellationToken);
        if (free.Count == 0)
        {
            var (earliest, latest) = Bookable();
            throw new ConflictException(new Problem(ErrorCodes.NoFreeSlot,
                $"Every slot of the posting schedule between {ZonedTimes.Format(earliest)} and {ZonedTimes.Format(latest.AddTicks(-1))} is taken.",
                "$.slot", Hint: "Add slots with set_posting_schedule, move or cancel a scheduled post of the set, or pass scheduledFor."));
        }
        return free[0];
    }

    /// <summary>
    /// The free slots of the set's schedule within [<paramref name="from"/>, <paramref name="to"/>) that a post could still take;
    /// null when the set has no schedule, or no window is given. PLATFORM_SET_NOT_FOUND for a set of another workspace, window or not.
    /// </summary>
    public Task<IReadOnlyList<QueueSlot>?> FreeSlotsBetweenAsync(
        string workspaceId, string? platformSetId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        store.ReadAsync<IReadOnlyList<QueueSlot>?>(async session =>
        {
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, platformSetId, cancellationToken);
            if (from is null || to is null)
                return null;
            var schedule = await session.PostingSchedules.GetAsync(workspaceId, set.Id, cancellationToken);
            if (schedule is null || PostTimeZones.Find(schedule.TimeZone) is not { } zone)
                return null;
            var (earliest, latest) = Bookable();
            var (start, end) = (Max(from.Value, earliest), Min(to.Value, latest));
            var occurrences = WeeklySlots.Occurrences(schedule, zone, start, end);
            if (occurrences.Count == 0)
                return occurrences;
            var taken = (await session.PostingSchedules.ListTakenTimesAsync(set.Id, start, end, null, cancellationToken)).ToHashSet();
            return occurrences.Where(o => !taken.Contains(o.At)).ToList();
        }, cancellationToken);

    /// <summary>The zone a post's times are shown in: its own, else its set's schedule's; null when neither (or no such post).</summary>
    public Task<string?> ZoneOfPostAsync(string workspaceId, string postId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            if (await session.Posts.GetAsync(workspaceId, postId, cancellationToken) is not { } post)
                return null;
            return post.TimeZone ?? (await session.PostingSchedules.GetAsync(workspaceId, post.PlatformSetId, cancellationToken))?.TimeZone;
        }, cancellationToken);

    /// <summary>The zone of the set's schedule (the default set's when null); null when it has none (or no such set).</summary>
    public Task<string?> ZoneOfSetAsync(string workspaceId, string? platformSetId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var set = platformSetId is null
                ? await session.PlatformSets.GetDefaultAsync(workspaceId, cancellationToken)
                : await session.PlatformSets.GetAsync(workspaceId, platformSetId, cancellationToken);
            return set is null ? null : (await session.PostingSchedules.GetAsync(workspaceId, set.Id, cancellationToken))?.TimeZone;
        }, cancellationToken);

    private async Task<IReadOnlyList<QueueSlot>> FreeAsync(
        IStoreSession session, PostingSchedule schedule, int count, string? exceptPostId, CancellationToken cancellationToken)
    {
        // A stored zone the host no longer knows has no slots rather than wrong ones.
        if (PostTimeZones.Find(schedule.TimeZone) is not { } zone)
            return [];
        var (earliest, latest) = Bookable();
        var occurrences = WeeklySlots.Occurrences(schedule, zone, earliest, latest);
        var taken = (await session.PostingSchedules.ListTakenTimesAsync(schedule.PlatformSetId, earliest, latest, exceptPostId, cancellationToken))
            .ToHashSet();
        return occurrences.Where(o => !taken.Contains(o.At)).Take(count).ToList();
    }

    // The times schedule_post accepts (ScheduleWindowRule): from MinLeadTime ahead to MaxLeadTime ahead, both included.
    private (DateTimeOffset Earliest, DateTimeOffset LatestExclusive) Bookable()
    {
        var now = time.GetUtcNow();
        return (now + options.Value.MinLeadTime, now + options.Value.MaxLeadTime + TimeSpan.FromTicks(1));
    }

    private static int CheckCount(int? count) => count switch
    {
        null => DefaultCount,
        >= 1 and <= MaxCount => count.Value,
        _ => throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, $"count must be 1-{MaxCount}.", "$.count",
            Hint: $"Ask for 1 to {MaxCount} next slots; {DefaultCount} when omitted.")]),
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
