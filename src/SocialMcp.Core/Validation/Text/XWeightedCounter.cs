using System.Globalization;
using System.Text;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation.Text;

/// <summary>
/// X's weighted length (twitter-text v3, docs/platforms.md#x-limits): the text is NFC-normalized; every URL found by
/// <see cref="XUrlExtractor"/> weighs 23; an emoji sequence of several code points (ZWJ family, skin tone,
/// flag, keycap, emoji presentation) weighs 2 once; every other code point weighs 1 inside the configured ranges
/// (U+0000–U+10FF and three General Punctuation sub-ranges) and 2 outside them (CJK, kana, Hangul, most symbols,
/// single-code-point emoji). Examples: <c>hello</c> 5, <c>你好</c> 4, 👨‍👩‍👧‍👦 2, a 100-character URL 23.
/// </summary>
public sealed class XWeightedCounter : ITextCounter
{
    private readonly XTextOptions _options;
    private readonly IReadOnlyList<(int Start, int End)> _ranges;
    private readonly XUrlExtractor _urls;

    public XWeightedCounter(XTextOptions options)
    {
        _options = options;
        _ranges = options.ParsedRanges();
        _urls = new XUrlExtractor(new TopLevelDomains(MediaRulesOptions.SplitList(options.ExtraTopLevelDomains)));
    }

    public string Unit => "weighted characters";

    public int Count(string text)
    {
        if (_options.NormalizeNfc)
            text = NormalizeNfc(text);

        var urls = _urls.Find(text);
        var nextUrl = 0;
        long weighted = 0;
        var position = 0;
        while (position < text.Length)
        {
            if (nextUrl < urls.Count && urls[nextUrl].Start == position)
            {
                weighted += (long)_options.TransformedUrlLength * _options.Scale;
                position += urls[nextUrl].Length;
                nextUrl++;
                continue;
            }

            var stop = nextUrl < urls.Count ? urls[nextUrl].Start : text.Length;
            var rest = text.AsSpan(position, stop - position);
            var cluster = rest[..StringInfo.GetNextTextElementLength(rest)];
            if (_options.EmojiParsing && cluster.Length > 1 && Emoji.RuneCount(cluster) > 1 && Emoji.IsEmojiCluster(cluster))
            {
                weighted += _options.DefaultWeight;
            }
            else
            {
                foreach (var rune in cluster.EnumerateRunes())
                    weighted += WeightOf(rune.Value);
            }
            position += cluster.Length;
        }
        return (int)Math.Min(int.MaxValue, weighted / _options.Scale);
    }

    private int WeightOf(int codePoint)
    {
        foreach (var (start, end) in _ranges)
        {
            if (codePoint >= start && codePoint <= end)
                return _options.RangeWeight;
        }
        return _options.DefaultWeight;
    }

    // Text from JSON may hold a lone surrogate, which cannot be normalized; it is then counted as written.
    private static string NormalizeNfc(string text)
    {
        try { return text.Normalize(NormalizationForm.FormC); }
        catch (ArgumentException) { return text; }
    }
}
