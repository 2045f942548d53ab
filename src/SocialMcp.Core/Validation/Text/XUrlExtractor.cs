using System.Globalization;
using System.Text;

namespace SocialMcp.Core.Validation.Text;

/// <summary>
/// Finds the URLs that X shortens to t.co (each then counts 23), following twitter-text's extractor:
/// <list type="bullet">
/// <item>With a scheme: <c>http://</c> or <c>https://</c> (any case) and a host whose labels may use any script
/// (<c>http://☃.net/</c>). Without a scheme: an ASCII host only (<c>example.com/path</c>, <c>www.example.co.uk</c>).</item>
/// <item>The host ends in a known top-level domain (<see cref="TopLevelDomains"/>). Labels are letters and digits
/// with inner hyphens; underscores only in subdomains; at most 63 characters each once punycode-encoded.
/// IP addresses and <c>localhost</c> are not URLs.</item>
/// <item>Without a scheme, a bare two-label country-code domain (<c>foo.jp</c>) is a URL only with a path after it,
/// except <c>.co</c> and <c>.tv</c> (<c>t.co</c>).</item>
/// <item>It must not start right after a letter or digit, <c>@</c>, <c>$</c> or <c>#</c> (no e-mail addresses,
/// mentions, cashtags or hashtags), nor, without a scheme, after <c>-</c>, <c>_</c>, <c>.</c> or <c>/</c>.</item>
/// <item>Then an optional port (<c>:8080</c>), path and query. Paths take ASCII letters and digits, Cyrillic, Latin
/// accented letters, <c>!*';:=+,.$/%#[]-–_~&amp;|@</c> and balanced parentheses, and end on a letter, digit or one
/// of <c>+-=_#/</c>, so trailing punctuation (<c>.</c> <c>,</c> <c>!</c> <c>)</c> …) stays outside the URL; a query
/// ends on a letter, digit or one of <c>-_&amp;=#/</c>.</item>
/// </list>
/// </summary>
public sealed class XUrlExtractor(TopLevelDomains topLevelDomains)
{
    public readonly record struct UrlMatch(int Start, int Length);

    private const int MaxLabelLength = 63;
    private const int MaxHostLength = 253;
    private static readonly IdnMapping Idn = new() { AllowUnassigned = true };

    public IReadOnlyList<UrlMatch> Find(string text)
    {
        var found = new List<UrlMatch>();
        var i = 0;
        while (i < text.Length)
        {
            if (TryMatchAt(text, i, out var end))
            {
                found.Add(new UrlMatch(i, end - i));
                i = end;
            }
            else
            {
                i++;
            }
        }
        return found;
    }

    private bool TryMatchAt(string text, int start, out int end)
    {
        end = start;
        var schemeLength = SchemeLengthAt(text, start);
        var hasScheme = schemeLength > 0;
        if (!hasScheme && !char.IsAsciiLetterOrDigit(text[start]))
            return false;
        if (!PrecedingAllowed(text, start, hasScheme))
            return false;
        if (!TryParseHost(text, start + schemeLength, asciiOnly: !hasScheme, out var hostEnd, out var labelCount, out var tld))
            return false;

        var position = hostEnd;
        if (position + 1 < text.Length && text[position] == ':' && char.IsAsciiDigit(text[position + 1]))
        {
            position++;
            while (position < text.Length && char.IsAsciiDigit(text[position])) position++;
        }
        var hasPath = position < text.Length && text[position] == '/';
        if (hasPath)
            position = PathEnd(text, position);
        if (position < text.Length && text[position] == '?')
            position = QueryEnd(text, position);

        if (!hasScheme && labelCount == 2 && TopLevelDomains.IsCountryCode(tld) && !TopLevelDomains.IsSpecialShort(tld) && !hasPath)
            return false;
        end = position;
        return true;
    }

    private static int SchemeLengthAt(string text, int start)
    {
        var rest = text.AsSpan(start);
        if (rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) return "https://".Length;
        if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) return "http://".Length;
        return 0;
    }

    private static bool PrecedingAllowed(string text, int start, bool hasScheme)
    {
        if (start == 0)
            return true;
        var previous = text[start - 1];
        if (char.IsAsciiLetterOrDigit(previous) || previous is '@' or '\uFF20' or '$' or '#' or '\uFF03' or '\uFFFE' or '\uFEFF' or '\uFFFF' ||
            previous is >= '\u202A' and <= '\u202E')
        {
            return false;
        }
        return hasScheme || previous is not ('-' or '_' or '.' or '/');
    }

    /// <summary>
    /// Reads dot-separated labels from <paramref name="start"/> and keeps the longest run of them that ends in a
    /// known top-level domain; the TLD may also end inside the last label when what follows is not an ASCII
    /// letter, digit, <c>@</c>, <c>+</c> or <c>-</c> (<c>example.com，next</c>).
    /// </summary>
    private bool TryParseHost(string text, int start, bool asciiOnly, out int hostEnd, out int labelCount, out ReadOnlySpan<char> tld)
    {
        hostEnd = start;
        labelCount = 0;
        tld = default;
        var labels = new List<(int Start, int End)>();
        var position = start;
        while (true)
        {
            var labelStart = position;
            while (position < text.Length && IsLabelChar(text, position, asciiOnly)) position++;
            if (position == labelStart)
                break;
            labels.Add((labelStart, position));
            // A host longer than DNS allows is no URL; stopping here also bounds the work on long dotted runs.
            if (position - start > MaxHostLength + MaxLabelLength)
                return false;
            if (position + 1 < text.Length && text[position] == '.' && IsLabelChar(text, position + 1, asciiOnly))
            {
                position++;
                continue;
            }
            break;
        }

        for (var last = labels.Count - 1; last >= 1; last--)
        {
            var (tldStart, tldEnd) = labels[last];
            if (!EndsAtTopLevelDomain(text, tldStart, tldEnd, out var end))
                continue;
            if (!HostLabelsValid(text, labels, last, end, start))
                continue;
            hostEnd = end;
            labelCount = last + 1;
            tld = text.AsSpan(tldStart, end - tldStart);
            return true;
        }
        return false;
    }

    private bool EndsAtTopLevelDomain(string text, int start, int end, out int tldEnd)
    {
        tldEnd = end;
        if (topLevelDomains.Contains(text.AsSpan(start, end - start)) && FollowerAllowed(text, end))
            return true;
        // The TLD may stop inside the run of label characters (twitter-text's TLD alternation with a lookahead).
        var asciiEnd = start;
        while (asciiEnd < end && char.IsAsciiLetterOrDigit(text[asciiEnd])) asciiEnd++;
        if (asciiEnd == end || asciiEnd == start || text[asciiEnd] == '-' || !topLevelDomains.Contains(text.AsSpan(start, asciiEnd - start)))
            return false;
        tldEnd = asciiEnd;
        return true;
    }

    private static bool FollowerAllowed(string text, int end) => end >= text.Length || text[end] is not ('@' or '+');

    private static bool HostLabelsValid(string text, List<(int Start, int End)> labels, int last, int tldEnd, int hostStart)
    {
        if (tldEnd - hostStart > MaxHostLength)
            return false;
        for (var i = 0; i <= last; i++)
        {
            var (labelStart, labelEnd) = labels[i];
            if (i == last) labelEnd = tldEnd;
            var label = text.AsSpan(labelStart, labelEnd - labelStart);
            if (label[0] is '-' or '_' || label[^1] is '-' or '_')
                return false;
            // Underscores are allowed in subdomains only, not in the registered name or the TLD.
            if (i >= last - 1 && label.Contains('_'))
                return false;
            if (PunycodeLength(label) is not (>= 1 and <= MaxLabelLength))
                return false;
        }
        return true;
    }

    private static int PunycodeLength(ReadOnlySpan<char> label)
    {
        if (!Ascii.IsValid(label))
        {
            try { return Idn.GetAscii(label.ToString()).Length; }
            catch (ArgumentException) { return -1; }
        }
        return label.Length;
    }

    private static bool IsLabelChar(string text, int index, bool asciiOnly)
    {
        var c = text[index];
        if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            return true;
        if (asciiOnly || c < 0x80)
            return false;
        // twitter-text: any character that is not punctuation, a space or an invalid character.
        return !char.IsWhiteSpace(c) && !char.IsControl(c) && c is not ('\uFFFE' or '\uFEFF' or '\uFFFF') && c is not (>= '\u202A' and <= '\u202E') &&
               !(char.IsSurrogate(c) && !IsWellFormedSurrogateAt(text, index));
    }

    private static bool IsWellFormedSurrogateAt(string text, int index) =>
        char.IsHighSurrogate(text[index])
            ? index + 1 < text.Length && char.IsLowSurrogate(text[index + 1])
            : index > 0 && char.IsHighSurrogate(text[index - 1]);

    private static int PathEnd(string text, int slash)
    {
        var end = slash + 1; // "/" alone is a path.
        var position = slash + 1;
        while (position < text.Length)
        {
            var c = text[position];
            if (c == '(')
            {
                if (!TryBalancedParentheses(text, position, out var close))
                    break;
                position = close + 1;
                end = position;
                continue;
            }
            if (!IsPathChar(c))
                break;
            position++;
            if (IsPathEndingChar(c))
                end = position;
        }
        return end;
    }

    /// <summary>One level of nesting, as twitter-text: <c>(a)</c>, <c>(a(b)c)</c>; not <c>()</c>.</summary>
    private static bool TryBalancedParentheses(string text, int open, out int close)
    {
        close = -1;
        var position = open + 1;
        var content = false;
        while (position < text.Length)
        {
            var c = text[position];
            if (c == ')')
            {
                if (!content) return false;
                close = position;
                return true;
            }
            if (c == '(')
            {
                var inner = position + 1;
                while (inner < text.Length && IsPathChar(text[inner])) inner++;
                if (inner >= text.Length || text[inner] != ')' || inner == position + 1)
                    return false;
                position = inner + 1;
                content = true;
                continue;
            }
            if (!IsPathChar(c))
                return false;
            position++;
            content = true;
        }
        return false;
    }

    private static int QueryEnd(string text, int question)
    {
        var end = question; // a "?" with no valid query after it is not part of the URL
        var position = question + 1;
        while (position < text.Length && IsQueryChar(text[position]))
        {
            if (IsQueryEndingChar(text[position]))
                end = position + 1;
            position++;
        }
        return end;
    }

    private static bool IsPathChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!*';:=+,.$/%#[]-_~&|@".Contains(c) || c == '\u2013' || IsCyrillic(c) || IsLatinAccent(c);

    private static bool IsPathEndingChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "+-=_#/".Contains(c) || IsCyrillic(c) || IsLatinAccent(c);

    private static bool IsQueryChar(char c) => char.IsAsciiLetterOrDigit(c) || "!?*'@();:&=+$/%#[]-_.,~|".Contains(c);

    private static bool IsQueryEndingChar(char c) => char.IsAsciiLetterOrDigit(c) || "-_&=#/".Contains(c);

    private static bool IsCyrillic(char c) => c is >= '\u0400' and <= '\u04FF';

    private static bool IsLatinAccent(char c) =>
        c is >= '\u00C0' and <= '\u00D6' or >= '\u00D8' and <= '\u00F6' or >= '\u00F8' and <= '\u024F' or
            '\u0253' or '\u0254' or '\u0256' or '\u0257' or '\u0259' or '\u025B' or '\u0263' or '\u0268' or '\u026F' or
            '\u0272' or '\u0289' or '\u028B' or '\u02BB' or >= '\u0300' and <= '\u036F' or >= '\u1E00' and <= '\u1EFF';
}
