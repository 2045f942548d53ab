using System.Globalization;
using System.Text.RegularExpressions;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Posts;

/// <summary>
/// Reads every time a tool accepts (scheduledFor, the list_posts window): ISO 8601 with an explicit offset
/// (<c>2027-03-28T09:00:00+02:00</c>, <c>…Z</c>), or a local wall time without one plus an IANA <c>timeZone</c>
/// (<c>2027-03-28T09:00:00</c> in Europe/Berlin). A time with neither is refused, with a hint that shows it corrected.
/// A local time the zone skips (spring forward) or repeats (fall back) is refused too: the agent picks the instant it
/// means. Queue slots resolve such times themselves (<see cref="ResolveSlot"/>), since nobody is there to ask.
/// </summary>
public static partial class ZonedTimes
{
    // Date and time (seconds and fractions optional), then an optional offset. Anything else is not a time we read.
    [GeneratedRegex(@"^(?<local>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)(?<offset>Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    /// <summary>How a time with an offset is written back in hints and results (seconds always, offset as ±hh:mm).</summary>
    public static string Format(DateTimeOffset time) =>
        time.ToString(time.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="value"/> is a well-formed local time without an offset (so it needs a zone).</summary>
    public static bool LacksOffset(string value) => Shape().Match(value) is { Success: true } m && !m.Groups["offset"].Success;

    /// <summary>
    /// The instant <paramref name="value"/> names. With an offset the offset rules (and <paramref name="timeZone"/> is only the
    /// post's display zone); without one, <paramref name="timeZone"/> places the wall time. <paramref name="hintZone"/> is the
    /// zone the caller's post or schedule has, shown in the hint when both offset and timeZone are missing.
    /// </summary>
    public static DateTimeOffset Parse(string value, string? timeZone, string path, string? hintZone = null)
    {
        var match = Shape().Match(value);
        if (!match.Success || !DateTime.TryParseExact(match.Groups["local"].Value, LocalFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
        {
            throw Invalid(path, $"'{Shorten(value)}' is not a date and time we can read.",
                "Write ISO 8601: 2027-03-28T09:00:00+02:00 (with an offset, or Z for UTC), or 2027-03-28T09:00:00 with timeZone (an IANA id such as Europe/Berlin).");
        }

        if (match.Groups["offset"].Success)
        {
            var offsetText = match.Groups["offset"].Value;
            var (hours, minutes) = offsetText == "Z" ? (0, 0) : (int.Parse(offsetText[1..3], CultureInfo.InvariantCulture), int.Parse(offsetText[4..6], CultureInfo.InvariantCulture));
            var offset = new TimeSpan(hours, minutes, 0) * (offsetText[0] == '-' ? -1 : 1);
            if (minutes > 59 || offset.Duration() > TimeSpan.FromHours(14))
                throw Invalid(path, $"'{Shorten(value)}' has an offset beyond ±14:00.", "Use a real UTC offset, e.g. +02:00, -05:00 or Z.");
            // Also reads offsets that are not whole minutes of the zone; the instant is what counts.
            return new DateTimeOffset(local, offset);
        }

        if (timeZone is not null)
        {
            var zone = PostTimeZones.Find(PostTimeZones.Check(timeZone))!;
            return ResolveExactly(local, zone, path, value);
        }

        throw MissingZone(path, value, local, PostTimeZones.Find(hintZone));
    }

    /// <summary><see cref="Parse"/> for an optional argument: null stays null.</summary>
    public static DateTimeOffset? ParseOptional(string? value, string? timeZone, string path, string? hintZone = null) =>
        value is null ? null : Parse(value, timeZone, path, hintZone);

    /// <summary>
    /// A wall time the agent gave: the one instant it names in <paramref name="zone"/>. A time in a spring-forward gap, or
    /// one that falls-back clocks show twice, is refused with the time(s) to write instead.
    /// </summary>
    public static DateTimeOffset ResolveExactly(DateTime local, TimeZoneInfo zone, string path, string value)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var shifted = TimeZoneInfo.ConvertTime(AcrossGap(local, zone), zone);
            throw Invalid(path, $"{Shorten(value)} does not exist in {zone.Id}: the clocks skip it that day.",
                $"Use {Format(shifted)}, the same moment after the clocks moved (or pick another time).");
        }
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local).OrderByDescending(o => o).ToList();
            var first = new DateTimeOffset(local, offsets[0]);
            var second = new DateTimeOffset(local, offsets[^1]);
            throw Invalid(path, $"{Shorten(value)} happens twice in {zone.Id}: the clocks go back that day.",
                $"Write the offset you mean: {Format(first)} (the first time, before the clocks go back) or {Format(second)} (the second).");
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>
    /// A queue slot's wall time on one day, without asking anyone: in a spring-forward gap it is the instant the wall time
    /// names in the offset before the gap (02:30 becomes 03:30 after the jump of one hour), in a fall-back overlap the first
    /// of its two instants, so the slot is used once. docs/decisions.md, "queue".
    /// </summary>
    public static DateTimeOffset ResolveSlot(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
            return AcrossGap(local, zone);
        if (zone.IsAmbiguousTime(local))
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    // The offset a day earlier is the one before the gap: zones never move their clocks twice within a day.
    private static DateTimeOffset AcrossGap(DateTime local, TimeZoneInfo zone) =>
        new(local, zone.GetUtcOffset(local.AddDays(-1)));

    private static DomainValidationException MissingZone(string path, string value, DateTime local, TimeZoneInfo? zone)
    {
        string corrected;
        if (zone is not null)
        {
            // The same wall time in the zone the post (or its schedule) already has.
            var inZone = ResolveSlot(local, zone);
            corrected = $"{Format(TimeZoneInfo.ConvertTime(inZone, zone))} (that wall time in {zone.Id}), or the same value with \"timeZone\": \"{zone.Id}\"";
        }
        else
        {
            corrected = $"{Format(new DateTimeOffset(local, TimeSpan.Zero))} for UTC, or the same value with timeZone (an IANA id such as Europe/Berlin)";
        }
        return Invalid(path, $"{Shorten(value)} has no UTC offset and no timeZone says where it is.", $"Send {corrected}.");
    }

    private static DomainValidationException Invalid(string path, string message, string hint) =>
        new([new Problem(ErrorCodes.ValidationFailed, message, path, Hint: hint)]);

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
