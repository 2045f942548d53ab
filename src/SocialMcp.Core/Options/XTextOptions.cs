using System.Globalization;

namespace SocialMcp.Core.Options;

/// <summary>
/// Configuration <c>ContentRules:X</c>: the twitter-text v3 configuration (config/v3.json, docs/platforms.md#x-limits).
/// A code point inside <see cref="Ranges"/> weighs <see cref="RangeWeight"/>, any other <see cref="DefaultWeight"/>;
/// an emoji sequence weighs <see cref="DefaultWeight"/> once; a URL weighs <see cref="TransformedUrlLength"/> × <see cref="Scale"/>.
/// The weighted length is the sum divided by <see cref="Scale"/> (rounded down, as twitter-text does).
/// </summary>
public sealed class XTextOptions
{
    public int Scale { get; set; } = 100;
    public int DefaultWeight { get; set; } = 200;
    public int RangeWeight { get; set; } = 100;

    /// <summary>Comma-separated inclusive hexadecimal code point ranges that weigh <see cref="RangeWeight"/>:
    /// U+0000–U+10FF (Latin to Georgian) and three General Punctuation sub-ranges.</summary>
    public string Ranges { get; set; } = "0000-10FF,2000-200D,2010-201F,2032-2037";

    /// <summary>What every URL counts, whatever its length (t.co wrapping).</summary>
    public int TransformedUrlLength { get; set; } = Platforms.Definitions.XPlatform.TransformedUrlLength;

    /// <summary>An emoji sequence (ZWJ, skin tone, flag, keycap) weighs one <see cref="DefaultWeight"/> instead of the sum of its code points.</summary>
    public bool EmojiParsing { get; set; } = true;

    /// <summary>twitter-text normalizes to NFC before counting (its parser does; docs/platforms.md#x-limits marks this unverified for the API).</summary>
    public bool NormalizeNfc { get; set; } = true;

    /// <summary>Comma-separated top-level domains recognised in URLs in addition to the built-in list.</summary>
    public string ExtraTopLevelDomains { get; set; } = "";

    public IReadOnlyList<(int Start, int End)> ParsedRanges()
    {
        var ranges = new List<(int, int)>();
        foreach (var part in MediaRulesOptions.SplitList(Ranges))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length != 2 ||
                !int.TryParse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start) ||
                !int.TryParse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end) ||
                start < 0 || end > 0x10FFFF || start > end)
            {
                throw new FormatException($"'{part}' is not a range like 0000-10FF.");
            }
            ranges.Add((start, end));
        }
        return ranges;
    }

    public IEnumerable<string> Validate(string prefix)
    {
        if (Scale < 1)
            yield return $"{prefix}:Scale must be at least 1.";
        if (DefaultWeight < 0 || RangeWeight < 0)
            yield return $"{prefix}:DefaultWeight and {prefix}:RangeWeight must not be negative.";
        if (TransformedUrlLength < 1)
            yield return $"{prefix}:TransformedUrlLength must be at least 1.";
        string? rangesError = null;
        try { ParsedRanges(); }
        catch (FormatException ex) { rangesError = $"{prefix}:Ranges: {ex.Message}"; }
        if (rangesError is not null)
            yield return rangesError;
        foreach (var tld in MediaRulesOptions.SplitList(ExtraTopLevelDomains))
        {
            if (tld.StartsWith('.') || tld.Contains('.') || tld.Any(char.IsWhiteSpace))
                yield return $"{prefix}:ExtraTopLevelDomains has '{tld}'; write top-level domains without dots, e.g. museum,photography.";
        }
    }
}
