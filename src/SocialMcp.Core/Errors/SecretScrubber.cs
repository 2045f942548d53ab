using System.Text.RegularExpressions;

namespace SocialMcp.Core.Errors;

/// <summary>
/// Takes anything that looks like a credential out of text a platform sent back before we keep or show it: platforms
/// sometimes echo the request (a Bearer header, an access_token query parameter, a signed URL) in their error messages.
/// </summary>
public static partial class SecretScrubber
{
    public const string Redacted = "[redacted]";

    /// <summary>Platform messages are for people; anything longer is cut here so one answer cannot flood a result.</summary>
    public const int MaxLength = 1000;

    public static string? Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text;
        var scrubbed = AuthorizationHeader().Replace(text, m => m.Groups["name"].Value + Redacted);
        scrubbed = BearerValue().Replace(scrubbed, m => m.Groups["scheme"].Value + " " + Redacted);
        scrubbed = NamedSecret().Replace(scrubbed, m => m.Groups["name"].Value + m.Groups["sep"].Value + Redacted);
        scrubbed = LongOpaqueValue().Replace(scrubbed, Redacted);
        return scrubbed.Length > MaxLength ? scrubbed[..MaxLength] + "…" : scrubbed;
    }

    // "Authorization: Bearer abc", "authorization=OAuth abc": the whole value, whatever its scheme.
    [GeneratedRegex(@"(?<name>\b(?:proxy-)?authorization\b\s*[:=]\s*)(?:""[^""]*""|\S+(?:\s+(?!(?:and|or|is|was)\b)[^\s,;]+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(@"\b(?<scheme>Bearer|Basic|OAuth)\s+[A-Za-z0-9\-._~+/=%]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex BearerValue();

    // access_token=…, "refresh_token": "…", client_secret=…, api_key: …, sig=… (a signed URL's signature).
    [GeneratedRegex(@"(?<name>\b(?:access_token|refresh_token|id_token|token|client_secret|secret|api_key|apikey|x-api-key|password|signature|sig|code_verifier)\b""?)(?<sep>\s*[:=]\s*""?)[^\s&""',;)}\]]+", RegexOptions.IgnoreCase)]
    private static partial Regex NamedSecret();

    // A long run of letters and digits mixed (a Meta "EAA…" token, a JWT part, an API key) is a credential far more often
    // than anything a person needs to read; ids and trace ids are shorter.
    [GeneratedRegex(@"(?<![A-Za-z0-9_\-/.])(?=[A-Za-z0-9_\-.]*[0-9])(?=[A-Za-z0-9_\-.]*[A-Za-z])[A-Za-z0-9_\-.]{40,}")]
    private static partial Regex LongOpaqueValue();
}
