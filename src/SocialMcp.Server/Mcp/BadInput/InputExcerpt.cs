using System.Globalization;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>
/// What an error message may quote of the caller's input: at most <see cref="MaxChars"/> characters, then an ellipsis
/// and the original length. A reply that echoed a 1 MB property name in full was 6 MB; this keeps every error small.
/// </summary>
public static class InputExcerpt
{
    public const int MaxChars = 64;

    public static string Of(string? text, int maxChars = MaxChars)
    {
        if (text is null)
            return "";
        if (text.Length <= maxChars)
            return text;
        // Never cut a surrogate pair in half: the excerpt itself must be valid Unicode.
        var cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, cut)}… ({text.Length} chars)");
    }
}
