namespace SocialMcp.Schema.Formats;

/// <summary>RFC 5321 Mailbox: Local-part "@" ( Domain / address-literal ), without comments or display names.</summary>
internal static class EmailFormat
{
    private const string AtomSpecials = "!#$%&'*+-/=?^_`{|}~";

    public static bool IsEmail(ReadOnlySpan<char> text)
    {
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return false;
        }

        return IsLocalPart(text[..at]) && IsDomainOrAddressLiteral(text[(at + 1)..]);
    }

    private static bool IsLocalPart(ReadOnlySpan<char> local)
    {
        if (local.Length > 64)
        {
            return false;
        }

        if (local[0] == '"')
        {
            return IsQuotedString(local);
        }

        // Dot-string: atoms separated by single dots, no leading or trailing dot.
        foreach (var range in local.Split('.'))
        {
            var atom = local[range];
            if (atom.IsEmpty)
            {
                return false;
            }

            foreach (var c in atom)
            {
                if (!char.IsAsciiLetterOrDigit(c) && !AtomSpecials.Contains(c))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsQuotedString(ReadOnlySpan<char> local)
    {
        if (local.Length < 2 || local[^1] != '"')
        {
            return false;
        }

        var content = local[1..^1];
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (c == '\\')
            {
                // quoted-pair: backslash followed by any printable ASCII character or space.
                if (++i >= content.Length || content[i] is < ' ' or > '~')
                {
                    return false;
                }
            }
            else if (c is < ' ' or > '~' or '"')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDomainOrAddressLiteral(ReadOnlySpan<char> domain)
    {
        if (domain[0] == '[')
        {
            if (domain[^1] != ']')
            {
                return false;
            }

            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)
                ? IpAddressSyntax.IsIPv6(literal[5..])
                : IpAddressSyntax.IsIPv4(literal);
        }

        if (domain.Length > 253)
        {
            return false;
        }

        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
