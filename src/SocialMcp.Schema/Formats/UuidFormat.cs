namespace SocialMcp.Schema.Formats;

/// <summary>RFC 9562 textual UUID: 8-4-4-4-12 hexadecimal digits, any case, any version/variant.</summary>
internal static class UuidFormat
{
    public static bool IsUuid(ReadOnlySpan<char> text)
    {
        if (text.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var valid = i is 8 or 13 or 18 or 23 ? text[i] == '-' : char.IsAsciiHexDigit(text[i]);
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }
}
