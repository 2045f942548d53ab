namespace SocialMcp.Schema.Formats;

/// <summary>RFC 3986 absolute URI syntax: scheme ":" hier-part [ "?" query ] [ "#" fragment ].</summary>
internal static class AbsoluteUriFormat
{
    public static bool IsAbsoluteUri(ReadOnlySpan<char> text)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0 || !IsScheme(text[..colon]))
        {
            return false;
        }

        var rest = text[(colon + 1)..];
        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            if (!IsQueryOrFragment(rest[(hash + 1)..]))
            {
                return false;
            }

            rest = rest[..hash];
        }

        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            if (!IsQueryOrFragment(rest[(question + 1)..]))
            {
                return false;
            }

            rest = rest[..question];
        }

        if (rest.StartsWith("//"))
        {
            rest = rest[2..];
            var slash = rest.IndexOf('/');
            var authority = slash < 0 ? rest : rest[..slash];
            if (!IsAuthority(authority))
            {
                return false;
            }

            rest = slash < 0 ? [] : rest[slash..];
        }

        return IsPath(rest);
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAuthority(ReadOnlySpan<char> authority)
    {
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!AllChars(authority[..at], static c => IsUnreserved(c) || IsSubDelimiter(c) || c == ':'))
            {
                return false;
            }

            authority = authority[(at + 1)..];
        }

        ReadOnlySpan<char> port;
        if (authority.StartsWith("["))
        {
            var close = authority.IndexOf(']');
            if (close < 0 || !IsIPLiteral(authority[1..close]))
            {
                return false;
            }

            var afterHost = authority[(close + 1)..];
            if (!afterHost.IsEmpty && afterHost[0] != ':')
            {
                return false;
            }

            port = afterHost.IsEmpty ? [] : afterHost[1..];
        }
        else
        {
            var portColon = authority.IndexOf(':');
            var host = portColon < 0 ? authority : authority[..portColon];
            if (!AllChars(host, static c => IsUnreserved(c) || IsSubDelimiter(c)))
            {
                return false;
            }

            port = portColon < 0 ? [] : authority[(portColon + 1)..];
        }

        foreach (var c in port)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIPLiteral(ReadOnlySpan<char> literal)
    {
        if (literal.Length > 0 && literal[0] is 'v' or 'V')
        {
            // IPvFuture: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
            var dot = literal.IndexOf('.');
            return dot > 1 && AllHex(literal[1..dot]) && dot + 1 < literal.Length
                && AllChars(literal[(dot + 1)..], static c => c != '%' && (IsUnreserved(c) || IsSubDelimiter(c) || c == ':'));
        }

        return IpAddressSyntax.IsIPv6(literal);
    }

    private static bool IsPath(ReadOnlySpan<char> path) =>
        AllChars(path, static c => IsPathChar(c) || c == '/');

    private static bool IsQueryOrFragment(ReadOnlySpan<char> text) =>
        AllChars(text, static c => IsPathChar(c) || c is '/' or '?');

    private static bool IsPathChar(char c) => IsUnreserved(c) || IsSubDelimiter(c) || c is ':' or '@';

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '%';

    private static bool IsSubDelimiter(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    /// <summary>Checks every character against <paramref name="allowed"/>, and that each '%' starts a valid %HH escape.</summary>
    private static bool AllChars(ReadOnlySpan<char> text, Func<char, bool> allowed)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!allowed(c))
            {
                return false;
            }

            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
        }

        return true;
    }

    private static bool AllHex(ReadOnlySpan<char> text)
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
