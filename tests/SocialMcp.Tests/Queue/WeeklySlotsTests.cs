using SocialMcp.Core.Errors;
using SocialMcp.Core.Queue;
using SocialMcp.Core.Storage;

namespace SocialMcp.Tests.Queue;

/// <summary>
/// Weekly slots laid out on the calendar across both 2027 DST transitions of Europe/Berlin and America/New_York: every slot
/// once a day, none doubled, none lost, and none moved by an hour on the local clock.
/// </summary>
public sealed class WeeklySlotsTests
{
    private static readonly DayOfWeek[] EveryDay = Enum.GetValues<DayOfWeek>();

    private static PostingSchedule Daily(string zone, params string[] times) => new("set", "ws", zone,
        EveryDay.SelectMany(d => times.Select(t => new WeeklySlot(d, TimeOnly.Parse(t, System.Globalization.CultureInfo.InvariantCulture)))).ToList(),
        DateTimeOffset.UnixEpoch);

    /// <summary>The occurrences of a daily schedule in the local week around <paramref name="transitionDay"/>.</summary>
    private static IReadOnlyList<QueueSlot> WeekAround(string zoneId, DateOnly transitionDay, params string[] times)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var from = new DateTimeOffset(transitionDay.AddDays(-3).ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(transitionDay.AddDays(-3).ToDateTime(TimeOnly.MinValue)));
        var to = new DateTimeOffset(transitionDay.AddDays(4).ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(transitionDay.AddDays(4).ToDateTime(TimeOnly.MinValue)));
        return WeeklySlots.Occurrences(Daily(zoneId, times), zone, from, to);
    }

    public static TheoryData<string, string, string[]> Transitions => new()
    {
        // zone, transition day, slots around the changed hour (before it, in it, after it) and a morning one
        { "Europe/Berlin", "2027-03-28", ["01:30", "02:30", "04:00", "09:00"] },
        { "Europe/Berlin", "2027-10-31", ["01:30", "02:30", "03:30", "09:00"] },
        { "America/New_York", "2027-03-14", ["00:30", "02:30", "04:00", "09:00"] },
        { "America/New_York", "2027-11-07", ["00:30", "01:30", "02:30", "09:00"] },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void AcrossATransition_EverySlotOccursOnceADay_NoneDoubledNoneLost(string zone, string day, string[] times)
    {
        var occurrences = WeekAround(zone, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), times);

        Assert.Equal(7 * times.Length, occurrences.Count);
        Assert.Equal(occurrences.Count, occurrences.Select(o => o.At).Distinct().Count());
        Assert.Equal(occurrences.OrderBy(o => o.At).Select(o => o.At), occurrences.Select(o => o.At));
        foreach (var group in occurrences.GroupBy(o => (o.Slot.Day, o.Slot.Time)))
            Assert.Single(group);
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void AcrossATransition_SlotsKeepTheirWallTime_NoneMovedByAnHour(string zone, string day, string[] times)
    {
        var transition = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var occurrences = WeekAround(zone, transition, times);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);

        foreach (var o in occurrences)
        {
            Assert.Equal(TimeZoneInfo.ConvertTime(o.At, tz), o.Local);
            Assert.Equal(o.Slot.Day, o.Local.DayOfWeek);
            // The only slot whose clock time differs is the one the clocks skip; it is later by the gap, never earlier.
            if (tz.IsInvalidTime(DateOnly.FromDateTime(o.Local.DateTime).ToDateTime(o.Slot.Time)))
                Assert.Equal(o.Slot.Time.AddHours(1), TimeOnly.FromDateTime(o.Local.DateTime));
            else
                Assert.Equal(o.Slot.Time, TimeOnly.FromDateTime(o.Local.DateTime));
        }
        // 09:00 local on each of the seven days, whatever the offset that day.
        var mornings = occurrences.Where(o => o.Slot.Time == new TimeOnly(9, 0)).ToList();
        Assert.Equal(7, mornings.Count);
        Assert.All(mornings, m => Assert.Equal(new TimeSpan(9, 0, 0), m.Local.TimeOfDay));
        Assert.Equal(2, mornings.Select(m => m.Local.Offset).Distinct().Count());
    }

    [Fact]
    public void SpringForward_Berlin_TheSkippedSlotGoesOutAsTheClocksJumped()
    {
        var sunday = WeekAround("Europe/Berlin", new DateOnly(2027, 3, 28), "02:30", "09:00")
            .Where(o => o.Slot.Day == DayOfWeek.Sunday).ToList();

        // 02:30 read in the offset before the gap (+01:00) is 01:30Z: 03:30 on the clocks that day.
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero), sunday[0].At);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 3, 30, 0, TimeSpan.FromHours(2)), sunday[0].Local);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 7, 0, 0, TimeSpan.Zero), sunday[1].At);
    }

    [Fact]
    public void SpringForward_ASkippedSlotAndTheSlotAnHourLater_AreOneOccurrenceThatDay()
    {
        var sunday = WeekAround("Europe/Berlin", new DateOnly(2027, 3, 28), "02:30", "03:30").Where(o => o.Local.Day == 28).ToList();

        // Both name 01:30Z that day (documented in docs/decisions.md): one post goes out then, not two at once.
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero), Assert.Single(sunday).At);
    }

    [Fact]
    public void FallBack_NewYork_TheRepeatedSlotIsUsedOnce_TheFirstTime()
    {
        var sunday = WeekAround("America/New_York", new DateOnly(2027, 11, 7), "01:30")
            .Where(o => o.Slot.Day == DayOfWeek.Sunday).ToList();

        var only = Assert.Single(sunday);
        Assert.Equal(new DateTimeOffset(2027, 11, 7, 1, 30, 0, TimeSpan.FromHours(-4)), only.At);
        Assert.Equal(TimeSpan.FromHours(-4), only.Local.Offset);
    }

    [Fact]
    public void FallBack_Berlin_TheRepeatedSlotIsUsedOnce_TheFirstTime()
    {
        var only = Assert.Single(WeekAround("Europe/Berlin", new DateOnly(2027, 10, 31), "02:30"), o => o.Slot.Day == DayOfWeek.Sunday);

        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), only.At);
    }

    [Fact]
    public void Read_NormalizesAndOrdersMondayFirst()
    {
        var slots = WeeklySlots.Read([new SlotInput("Sunday", "9:05"), new SlotInput("monday", "17:30"), new SlotInput("monday", "09:00")]);

        Assert.Equal([new WeeklySlot(DayOfWeek.Monday, new TimeOnly(9, 0)), new WeeklySlot(DayOfWeek.Monday, new TimeOnly(17, 30)),
            new WeeklySlot(DayOfWeek.Sunday, new TimeOnly(9, 5))], slots);
    }

    [Theory]
    [InlineData("funday", "09:00", "$.slots[1].day", "monday")]
    [InlineData("monday", "25:00", "$.slots[1].time", "HH:mm")]
    [InlineData("monday", "9am", "$.slots[1].time", "HH:mm")]
    [InlineData("tuesday", "09:00", "$.slots[1]", "slots[0]")]
    public void Read_BadDayTimeOrRepeat_IsValidationFailedAtItsPathWithAHint(string day, string time, string path, string hint)
    {
        var ex = Assert.Throws<DomainValidationException>(() => WeeklySlots.Read([new SlotInput("tuesday", "9:00"), new SlotInput(day, time)]));

        Assert.Equal(ErrorCodes.ValidationFailed, ex.Problem.Code);
        Assert.Equal(path, ex.Problem.Path);
        Assert.Contains(hint, ex.Problem.Hint);
    }
}
