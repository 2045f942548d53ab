using System.Globalization;
using System.Text.RegularExpressions;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Queue;

/// <summary>One occurrence of a schedule's slot: the instant (UTC), the same instant in the schedule's zone, and the slot it came from.</summary>
public sealed record QueueSlot(DateTimeOffset At, DateTimeOffset Local, WeeklySlot Slot, string TimeZone)
{
    public string DayName => Slot.Day.ToString().ToLowerInvariant();

    public string TimeText => Slot.Time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>The values of a post's <c>slot</c> argument.</summary>
public static class QueueSlots
{
    /// <summary>The earliest free slot of the set's schedule.</summary>
    public const string Next = "next";
}

/// <summary>A slot as an agent writes it: an English day name and a 24-hour HH:mm wall time.</summary>
public sealed record SlotInput(string Day, string Time);

/// <summary>Reading weekly slots, and laying a weekly schedule out on the calendar.</summary>
public static partial class WeeklySlots
{
    /// <summary>Most slots one schedule holds: 14 a day, every day, is still under it.</summary>
    public const int MaxSlots = 100;

    [GeneratedRegex(@"^(?<h>\d{1,2}):(?<m>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeShape();

    private static readonly string[] DayNames = Enum.GetValues<DayOfWeek>().Select(d => d.ToString().ToLowerInvariant()).ToArray();

    /// <summary>The slots, each checked at <c>$.slots[i]</c>; every problem is reported, and a repeated slot names the first.</summary>
    public static IReadOnlyList<WeeklySlot> Read(IReadOnlyList<SlotInput> inputs)
    {
        var problems = new List<Problem>();
        var slots = new List<WeeklySlot>();
        var seen = new Dictionary<WeeklySlot, int>();
        if (inputs.Count > MaxSlots)
        {
            problems.Add(new Problem(ErrorCodes.ValidationFailed, $"A schedule holds at most {MaxSlots} slots; {inputs.Count} were given.", "$.slots",
                Hint: "Keep the slots you post in most; a weekly schedule repeats every week by itself."));
        }
        for (var i = 0; i < inputs.Count && i < MaxSlots; i++)
        {
            var (dayText, timeText) = (inputs[i].Day.Trim(), inputs[i].Time.Trim());
            var dayIndex = Array.IndexOf(DayNames, dayText.ToLowerInvariant());
            if (dayIndex < 0)
            {
                problems.Add(new Problem(ErrorCodes.ValidationFailed, $"'{Shorten(dayText)}' is not a day of the week.", $"$.slots[{i}].day",
                    Hint: "Use an English day name: monday, tuesday, wednesday, thursday, friday, saturday or sunday."));
            }
            var time = TimeShape().Match(timeText) is { Success: true } m
                       && int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture) is var h and < 24
                       && int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) is var minute and < 60
                ? new TimeOnly(h, minute)
                : (TimeOnly?)null;
            if (time is null)
            {
                problems.Add(new Problem(ErrorCodes.ValidationFailed, $"'{Shorten(timeText)}' is not a time of day.", $"$.slots[{i}].time",
                    Hint: "Write a 24-hour wall time as HH:mm, e.g. 09:00 or 17:30 (in the schedule's timeZone)."));
            }
            if (dayIndex < 0 || time is null)
                continue;
            var slot = new WeeklySlot((DayOfWeek)dayIndex, time.Value);
            if (seen.TryGetValue(slot, out var first))
            {
                problems.Add(new Problem(ErrorCodes.ValidationFailed,
                    $"{DayNames[dayIndex]} {time.Value.ToString("HH:mm", CultureInfo.InvariantCulture)} is already slot {first}.", $"$.slots[{i}]",
                    Hint: $"Remove the repeat; slots[{first}] already holds that time."));
                continue;
            }
            seen[slot] = i;
            slots.Add(slot);
        }
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
        return slots.OrderBy(s => (((int)s.Day + 6) % 7, s.Time)).ToList();
    }

    /// <summary>
    /// Every occurrence of the schedule's slots in [<paramref name="from"/>, <paramref name="to"/>), in time order. Slots are
    /// wall times in the schedule's zone, resolved day by day (<see cref="ZonedTimes.ResolveSlot"/>): 09:00 stays 09:00
    /// across a change of offset, a slot in a spring-forward gap goes out as the clocks jumped over it, and one in a fall-back
    /// overlap once, at its first occurrence. Two slots that land on one instant are one occurrence.
    /// </summary>
    public static IReadOnlyList<QueueSlot> Occurrences(PostingSchedule schedule, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from || schedule.Slots.Count == 0)
            return [];
        var byDay = schedule.Slots.ToLookup(s => s.Day);
        // A day either side: a day's slots in the zone may fall on the neighbouring UTC day.
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime).AddDays(1);
        var found = new List<QueueSlot>();
        var instants = new HashSet<DateTimeOffset>();
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            foreach (var slot in byDay[day.DayOfWeek])
            {
                var at = ZonedTimes.ResolveSlot(day.ToDateTime(slot.Time), zone).ToUniversalTime();
                if (at >= from && at < to && instants.Add(at))
                    found.Add(new QueueSlot(at, TimeZoneInfo.ConvertTime(at, zone), slot, schedule.TimeZone));
            }
        }
        return found.OrderBy(s => s.At).ToList();
    }

    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
