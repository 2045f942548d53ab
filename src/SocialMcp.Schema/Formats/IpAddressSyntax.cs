namespace SocialMcp.Schema.Formats;

/// <summary>Strict textual IPv4/IPv6 grammar (RFC 3986 section 3.2.2); no leading zeros in IPv4 octets.</summary>
internal static class IpAddressSyntax
{
    public static bool IsIPv4(ReadOnlySpan<char> text)
    {
        var octets = 0;
        foreach (var range in text.Split('.'))
        {
            var octet = text[range];
            if (++octets > 4 || octet.Length is 0 or > 3 || (octet.Length > 1 && octet[0] == '0'))
            {
                return false;
            }

            var value = 0;
            foreach (var c in octet)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            if (value > 255)
            {
                return false;
            }
        }

        return octets == 4;
    }

    public static bool IsIPv6(ReadOnlySpan<char> text)
    {
        var doubleColon = text.IndexOf("::");
        if (doubleColon < 0)
        {
            return CountGroups(text) == 8;
        }

        if (text[(doubleColon + 2)..].Contains("::", StringComparison.Ordinal))
        {
            return false;
        }

        var left = text[..doubleColon];
        var right = text[(doubleColon + 2)..];
        // An embedded IPv4 address may only end the address, so it is only allowed on the right side.
        var leftGroups = left.IsEmpty ? 0 : CountGroups(left, allowIPv4: false);
        var rightGroups = right.IsEmpty ? 0 : CountGroups(right);
        return leftGroups >= 0 && rightGroups >= 0 && leftGroups + rightGroups <= 7;
    }

    /// <summary>Counts 16-bit groups (an IPv4 tail counts as two); -1 if the text is not a valid group list.</summary>
    private static int CountGroups(ReadOnlySpan<char> text, bool allowIPv4 = true)
    {
        var groups = 0;
        var remaining = text;
        while (true)
        {
            var colon = remaining.IndexOf(':');
            var group = colon < 0 ? remaining : remaining[..colon];
            if (colon < 0 && allowIPv4 && group.Contains('.'))
            {
                return IsIPv4(group) ? groups + 2 : -1;
            }

            if (group.IsEmpty || group.Length > 4 || !IsHex(group))
            {
                return -1;
            }

            groups++;
            if (colon < 0)
            {
                return groups;
            }

            remaining = remaining[(colon + 1)..];
        }
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
