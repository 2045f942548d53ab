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
}
