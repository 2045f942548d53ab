using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SocialMcp.Schema.Text;

/// <summary>
/// JSON Schema patterns are ECMAScript regular expressions. .NET's dialect is close but differs in a few
/// places that matter for validation: \d, \w, \s and "." are ASCII/ECMAScript-defined, "$" must only match
/// at the very end, "[]"/"[^]" have meaning, and \p{...} accepts long Unicode category names. This class
/// rewrites those constructs and leaves the rest of the pattern to .NET.
/// </summary>
internal static class EcmaScriptRegex
{
    private const string EcmaWhitespace = @"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
    private const string WordChars = "a-zA-Z0-9_";
    private const string WordBoundary = "(?:(?<=[" + WordChars + "])(?![" + WordChars + "])|(?<![" + WordChars + "])(?=[" + WordChars + "]))";
    private const string NotWordBoundary = "(?:(?<=[" + WordChars + "])(?=[" + WordChars + "])|(?<![" + WordChars + "])(?![" + WordChars + "]))";

    // Guards against catastrophic backtracking when a pattern needs the backtracking engine.
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromMilliseconds(250);

    private static readonly Dictionary<string, string> s_generalCategories = new(StringComparer.Ordinal)
    {
        ["L"] = "L",
        ["Letter"] = "L",
        ["Lu"] = "Lu",
        ["Uppercase_Letter"] = "Lu",
        ["Ll"] = "Ll",
        ["Lowercase_Letter"] = "Ll",
        ["Lt"] = "Lt",
        ["Titlecase_Letter"] = "Lt",
        ["Lm"] = "Lm",
        ["Modifier_Letter"] = "Lm",
        ["Lo"] = "Lo",
        ["Other_Letter"] = "Lo",
        ["M"] = "M",
        ["Mark"] = "M",
        ["Combining_Mark"] = "M",
        ["Mn"] = "Mn",
        ["Nonspacing_Mark"] = "Mn",
        ["Mc"] = "Mc",
        ["Spacing_Mark"] = "Mc",
        ["Me"] = "Me",
        ["Enclosing_Mark"] = "Me",
        ["N"] = "N",
        ["Number"] = "N",
        ["Nd"] = "Nd",
        ["Decimal_Number"] = "Nd",
        ["digit"] = "Nd",
        ["Nl"] = "Nl",
        ["Letter_Number"] = "Nl",
        ["No"] = "No",
        ["Other_Number"] = "No",
        ["P"] = "P",
        ["Punctuation"] = "P",
        ["punct"] = "P",
        ["Pc"] = "Pc",
        ["Connector_Punctuation"] = "Pc",
        ["Pd"] = "Pd",
        ["Dash_Punctuation"] = "Pd",
        ["Ps"] = "Ps",
        ["Open_Punctuation"] = "Ps",
        ["Pe"] = "Pe",
        ["Close_Punctuation"] = "Pe",
        ["Pi"] = "Pi",
        ["Initial_Punctuation"] = "Pi",
        ["Pf"] = "Pf",
        ["Final_Punctuation"] = "Pf",
        ["Po"] = "Po",
        ["Other_Punctuation"] = "Po",
        ["S"] = "S",
        ["Symbol"] = "S",
        ["Sm"] = "Sm",
        ["Math_Symbol"] = "Sm",
        ["Sc"] = "Sc",
        ["Currency_Symbol"] = "Sc",
        ["Sk"] = "Sk",
        ["Modifier_Symbol"] = "Sk",
        ["So"] = "So",
        ["Other_Symbol"] = "So",
        ["Z"] = "Z",
        ["Separator"] = "Z",
        ["Zs"] = "Zs",
        ["Space_Separator"] = "Zs",
        ["Zl"] = "Zl",
        ["Line_Separator"] = "Zl",
        ["Zp"] = "Zp",
        ["Paragraph_Separator"] = "Zp",
        ["C"] = "C",
        ["Other"] = "C",
        ["Cc"] = "Cc",
        ["Control"] = "Cc",
        ["cntrl"] = "Cc",
        ["Cf"] = "Cf",
        ["Format"] = "Cf",
        ["Cs"] = "Cs",
        ["Surrogate"] = "Cs",
        ["Co"] = "Co",
        ["Private_Use"] = "Co",
        ["Cn"] = "Cn",
        ["Unassigned"] = "Cn",
    };

    // Building a non-backtracking automaton is costly and inlined tool schemas repeat the same patterns many times (start-up
    // time was dominated by it); a Regex is immutable and thread-safe, so one instance per pattern serves every schema.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> s_compiled = new(StringComparer.Ordinal);

    /// <summary>Compiles an ECMAScript pattern (once per distinct pattern); throws <see cref="ArgumentException"/> with a reason if it cannot.</summary>
    public static Regex Create(string pattern)
    {
        if (s_compiled.TryGetValue(pattern, out var known))
            return known;
        var compiled = CreateUncached(pattern);
        return s_compiled.GetOrAdd(pattern, compiled);
    }

    private static Regex CreateUncached(string pattern)
    {
        var translated = Translate(pattern);
        try
        {
            // The non-backtracking engine guarantees linear time in the input; use it whenever the pattern allows.
            return new Regex(translated, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            // Lookarounds and backreferences need the backtracking engine; bound it with a timeout instead.
            return new Regex(translated, RegexOptions.CultureInvariant, s_matchTimeout);
        }
    }

    /// <summary>Unanchored search, as JSON Schema requires. A timed-out match counts as no match.</summary>
    public static bool IsMatch(Regex regex, ReadOnlySpan<char> input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    internal static string Translate(string pattern)
    {
        var output = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    throw new ArgumentException("the pattern ends with a lone backslash");
                }

                i = TranslateEscape(pattern, i, inClass, output);
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                    output.Append(']');
                }
                else if (c == '[')
                {
                    // A literal in ECMAScript classes; escaped so .NET never reads it as class subtraction.
                    output.Append(@"\[");
                }
                else
                {
                    output.Append(c);
                }

                i++;
                continue;
            }

            switch (c)
            {
                case '[' when Peek(pattern, i + 1) == ']':
                    output.Append("(?!)"); // "[]" matches nothing.
                    i += 2;
                    break;
                case '[' when Peek(pattern, i + 1) == '^' && Peek(pattern, i + 2) == ']':
                    output.Append(@"[\s\S]"); // "[^]" matches anything.
                    i += 3;
                    break;
                case '[':
                    inClass = true;
                    output.Append('[');
                    i++;
                    if (Peek(pattern, i) == '^')
                    {
                        output.Append('^');
                        i++;
                    }

                    break;
                case '.':
                    output.Append(@"[^\n\r\u2028\u2029]");
                    i++;
                    break;
                case '$':
                    output.Append(@"\z"); // .NET's "$" would also match before a trailing newline.
                    i++;
                    break;
                default:
                    output.Append(c);
                    i++;
                    break;
            }
        }

        return output.ToString();
    }

    private static char Peek(string pattern, int index) => index < pattern.Length ? pattern[index] : '\0';

    /// <summary>Translates the escape starting at <paramref name="start"/> (the backslash); returns the next index.</summary>
    private static int TranslateEscape(string pattern, int start, bool inClass, StringBuilder output)
    {
        var letter = pattern[start + 1];
        switch (letter)
        {
            case 'd':
                output.Append(inClass ? "0-9" : "[0-9]");
                return start + 2;
            case 'D':
                output.Append(inClass ? @"\D" : "[^0-9]");
                return start + 2;
            case 'w':
                output.Append(inClass ? WordChars : "[" + WordChars + "]");
                return start + 2;
            case 'W':
                output.Append(inClass ? @"\W" : "[^" + WordChars + "]");
                return start + 2;
            case 's':
                output.Append(inClass ? EcmaWhitespace : "[" + EcmaWhitespace + "]");
                return start + 2;
            case 'S':
                output.Append(inClass ? @"\S" : "[^" + EcmaWhitespace + "]");
                return start + 2;
            case 'b':
                output.Append(inClass ? @"\x08" : WordBoundary);
                return start + 2;
            case 'B' when !inClass:
                output.Append(NotWordBoundary);
                return start + 2;
            case 'p' or 'P' when Peek(pattern, start + 2) == '{':
                return TranslateUnicodeProperty(pattern, start, letter == 'P', output);
            case 'u' when Peek(pattern, start + 2) == '{':
                return TranslateCodePoint(pattern, start, inClass, output);
            default:
                output.Append('\\').Append(letter);
                return start + 2;
        }
    }

    private static int TranslateUnicodeProperty(string pattern, int start, bool negated, StringBuilder output)
    {
        var close = pattern.IndexOf('}', start + 3);
        if (close < 0)
        {
            throw new ArgumentException("unterminated \\p{...} escape");
        }

        var name = pattern[(start + 3)..close];
        var equals = name.IndexOf('=');
        if (equals >= 0)
        {
            var property = name[..equals];
            if (property is not ("General_Category" or "gc"))
            {
                throw new ArgumentException($"the Unicode property '{name}' is not supported (only general categories are)");
            }

            name = name[(equals + 1)..];
        }

        if (!s_generalCategories.TryGetValue(name, out var shortName))
        {
            throw new ArgumentException($"the Unicode property '{name}' is not supported (only general categories are)");
        }

        output.Append(negated ? @"\P{" : @"\p{").Append(shortName).Append('}');
        return close + 1;
    }

    private static int TranslateCodePoint(string pattern, int start, bool inClass, StringBuilder output)
    {
        var close = pattern.IndexOf('}', start + 3);
        if (close < 0 || !int.TryParse(pattern.AsSpan(start + 3, close - start - 3), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var codePoint)
            || codePoint > 0x10FFFF)
        {
            throw new ArgumentException("invalid \\u{...} escape");
        }

        var text = char.ConvertFromUtf32(codePoint);
        if (text.Length == 2 && !inClass)
        {
            output.Append("(?:");
        }

        foreach (var unit in text)
        {
            output.Append(@"\u").Append(((int)unit).ToString("X4", CultureInfo.InvariantCulture));
        }

        if (text.Length == 2 && !inClass)
        {
            output.Append(')');
        }

        return close + 1;
    }
}
