using System.Text;

namespace SocialMcp.Core.Validation.Text;

/// <summary>
/// LinkedIn's "little" text format for <c>commentary</c> (docs/platforms.md#linkedin-limits): the reserved characters
/// <c>| { } @ [ ] ( ) &lt; &gt; # \ * _ ~</c> must be backslash-escaped to appear literally; unescaped ones can
/// silently truncate the published text while the API still answers success. Adapters escape on the way out;
/// the content rules count the commentary as written, before escaping.
/// </summary>
public static class LinkedInLittleText
{
    private const string Reserved = "|{}@[]()<>#\\*_~";

    /// <summary>
    /// The text with every reserved character backslash-escaped, so LinkedIn shows it exactly as written. This
    /// also turns would-be mentions (<c>@[Name](urn:li:person:…)</c>) and hashtags (<c>#tag</c>) into plain text.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny(Reserved) < 0)
            return text;

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (Reserved.Contains(c))
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
