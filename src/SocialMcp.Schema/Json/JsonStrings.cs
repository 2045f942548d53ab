using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace SocialMcp.Schema.Json;

internal delegate bool SpanPredicate(ReadOnlySpan<char> text);

internal static class JsonStrings
{
    private const int StackBufferChars = 256;

    /// <summary>
    /// Runs <paramref name="predicate"/> on the value of a JSON string. Short strings without escapes are
    /// decoded into a stack buffer, so the common case (format and pattern checks on arguments) does not allocate.
    /// </summary>
    public static bool Test(JsonElement text, SpanPredicate predicate)
    {
        // The raw token includes its quotes; escapes need the full decoder, so they take the allocating path.
        var raw = JsonMarshal.GetRawUtf8Value(text);
        if (raw.Length >= 2 && raw.Length - 2 <= StackBufferChars && raw.IndexOf((byte)'\\') < 0)
        {
            Span<char> buffer = stackalloc char[StackBufferChars];
            var length = Encoding.UTF8.GetChars(raw[1..^1], buffer);
            return predicate(buffer[..length]);
        }

        return predicate(text.GetString());
    }

    /// <summary>
    /// At most 64 characters of a caller's text for a path or message, then an ellipsis and the original length, so an
    /// error about a 1 MB property name stays small.
    /// </summary>
    public static string Excerpt(string text)
    {
        const int MaxChars = 64;
        if (text.Length <= MaxChars)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[MaxChars - 1]) ? MaxChars - 1 : MaxChars;
        return string.Concat(text.AsSpan(0, cut), "… (", text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), " chars)");
    }
}
