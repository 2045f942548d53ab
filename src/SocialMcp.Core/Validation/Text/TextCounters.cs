using System.Globalization;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation.Text;

/// <summary>Counts the length of a text one platform's way.</summary>
public interface ITextCounter
{
    /// <summary>How the count reads in a message, e.g. "weighted characters" or "UTF-8 bytes".</summary>
    string Unit { get; }

    int Count(string text);
}

public static class TextCounters
{
    public static ITextCounter Create(TextCountingMethod method, XTextOptions x) => method switch
    {
        TextCountingMethod.CodePoints => CodePointCounter.Instance,
        TextCountingMethod.Utf16CodeUnits => Utf16CodeUnitCounter.Instance,
        TextCountingMethod.Utf8Bytes => Utf8ByteCounter.Instance,
        TextCountingMethod.XWeighted => new XWeightedCounter(x),
        TextCountingMethod.ThreadsEmojiBytes => ThreadsCounter.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown text counting method."),
    };
}

/// <summary>Unicode scalar values: a surrogate pair is one.</summary>
public sealed class CodePointCounter : ITextCounter
{
    public static CodePointCounter Instance { get; } = new();

    public string Unit => "characters";

    public int Count(string text) => Emoji.RuneCount(text);
}

/// <summary>UTF-16 code units, as JavaScript's and Java's string length: a character outside the BMP counts 2.</summary>
public sealed class Utf16CodeUnitCounter : ITextCounter
{
    public static Utf16CodeUnitCounter Instance { get; } = new();

    public string Unit => "characters (UTF-16 code units)";

    public int Count(string text) => text.Length;
}

/// <summary>UTF-8 bytes, as YouTube counts descriptions.</summary>
public sealed class Utf8ByteCounter : ITextCounter
{
    public static Utf8ByteCounter Instance { get; } = new();

    public string Unit => "UTF-8 bytes";

    public int Count(string text) => Emoji.Utf8Bytes(text);
}

/// <summary>
/// Threads (docs/platforms.md#threads-limits, off.): 500 characters, and an emoji counts as many as its UTF-8 bytes. Each
/// grapheme cluster that is an emoji (see <see cref="Emoji.IsEmojiCluster"/>) counts its bytes, every code point of
/// it included (a ZWJ family of four is 25 bytes); every other code point counts 1.
/// </summary>
public sealed class ThreadsCounter : ITextCounter
{
    public static ThreadsCounter Instance { get; } = new();

    public string Unit => "characters (emoji count their UTF-8 bytes)";

    public int Count(string text)
    {
        var span = text.AsSpan();
        var count = 0;
        while (!span.IsEmpty)
        {
            var cluster = span[..StringInfo.GetNextTextElementLength(span)];
            count += Emoji.IsEmojiCluster(cluster) ? Emoji.Utf8Bytes(cluster) : Emoji.RuneCount(cluster);
            span = span[cluster.Length..];
        }
        return count;
    }
}
