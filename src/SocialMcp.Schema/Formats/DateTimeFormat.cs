namespace SocialMcp.Schema.Formats;

/// <summary>RFC 3339 section 5.6 full-date and date-time (ASCII digits only, explicit offset required).</summary>
internal static class DateTimeFormat
{
    public static bool IsDate(ReadOnlySpan<char> text) => text.Length == 10 && TryParseDate(text, out _, out _, out _);

    public static bool IsDateTime(ReadOnlySpan<char> text)
    {
        // full-date "T" partial-time time-offset; the shortest form is 2026-05-01T09:00:00Z (20 chars).
        if (text.Length < 20 || text[10] is not ('T' or 't') || !TryParseDate(text[..10], out _, out _, out _))
        {
            return false;
        }

        var time = text[11..];
        if (!TryTwoDigits(time, 0, out var hour) || time[2] != ':' || !TryTwoDigits(time, 3, out var minute)
            || time[5] != ':' || !TryTwoDigits(time, 6, out var second))
        {
            return false;
        }

        var position = 8;
        if (position < time.Length && time[position] == '.')
        {
            var digits = 0;
            position++;
            while (position < time.Length && char.IsAsciiDigit(time[position]))
            {
                position++;
                digits++;
            }

            if (digits == 0)
            {
                return false;
            }
        }

        if (!TryParseOffset(time[position..], out var offsetMinutes))
        {
            return false;
        }

        if (hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        if (second == 60)
        {
            // A leap second can only be inserted at 23:59:60 UTC.
            var utcMinuteOfDay = (((hour * 60) + minute - offsetMinutes) % 1440 + 1440) % 1440;
            return utcMinuteOfDay == (23 * 60) + 59;
        }

        return true;
    }

    private static bool TryParseOffset(ReadOnlySpan<char> offset, out int minutes)
    {
        minutes = 0;
        if (offset.Length == 1 && offset[0] is 'Z' or 'z')
        {
            return true;
        }

        if (offset.Length != 6 || offset[0] is not ('+' or '-') || !TryTwoDigits(offset, 1, out var hours)
            || offset[3] != ':' || !TryTwoDigits(offset, 4, out var mins) || hours > 23 || mins > 59)
        {
            return false;
        }

        minutes = (offset[0] == '-' ? -1 : 1) * ((hours * 60) + mins);
        return true;
    }

    private static bool TryParseDate(ReadOnlySpan<char> text, out int year, out int month, out int day)
    {
        year = month = day = 0;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryTwoDigits(text, 0, out var century) || !TryTwoDigits(text, 2, out var yearOfCentury)
            || !TryTwoDigits(text, 5, out month) || !TryTwoDigits(text, 8, out day))
        {
            return false;
        }

        year = (century * 100) + yearOfCentury;
        return month is >= 1 and <= 12 && day >= 1 && day <= DaysInMonth(year, month);
    }

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static bool TryTwoDigits(ReadOnlySpan<char> text, int index, out int value)
    {
        value = 0;
        if (index + 1 >= text.Length || !char.IsAsciiDigit(text[index]) || !char.IsAsciiDigit(text[index + 1]))
        {
            return false;
        }

        value = ((text[index] - '0') * 10) + (text[index + 1] - '0');
        return true;
    }
}
