using System.ComponentModel.DataAnnotations;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Platforms;

namespace SocialMcp.Core.Options;

/// <summary>
/// Configuration section <c>ContentRules</c>: every platform limit the content rules check. The defaults come from
/// the platform definitions (<see cref="PlatformCatalog"/>), which cite docs/platforms.md. Dictionary keys are
/// platform wire names; a platform missing from a dictionary is not limited by that setting. Lists of MIME types and domains are comma-separated
/// strings so that configuring one replaces the default instead of appending to it.
/// </summary>
public sealed class ContentRulesOptions : IValidatableObject
{
    public const string SectionName = "ContentRules";

    /// <summary>
    /// Maximum length of the text each platform receives, in that platform's own unit (<see cref="TextCounting"/>):
    /// weighted characters on x, UTF-8 bytes of the video description on youtube, and so on.
    /// </summary>
    public Dictionary<string, int> MaxTextLength { get; set; } =
        PlatformCatalog.All.ToDictionary(d => d.Name, d => d.Text.MaxLength);

    /// <summary>How each platform counts its text. Where a platform only says "characters" (unit unverified),
    /// the default is UTF-16 code units, the stricter of code points and code units (docs/platforms.md#common-text-counting).</summary>
    public Dictionary<string, TextCountingMethod> TextCounting { get; set; } =
        PlatformCatalog.All.ToDictionary(d => d.Name, d => d.Text.Counting);

    /// <summary>Media rules per platform: kinds, counts, MIME types, sizes and durations.</summary>
    public Dictionary<string, MediaRulesOptions> Media { get; set; } =
        PlatformCatalog.All.ToDictionary(d => d.Name, d => d.CreateMediaRules());

    /// <summary>X's weighted counting (twitter-text v3).</summary>
    public XTextOptions X { get; set; } = new();

    public YouTubeRulesOptions YouTube { get; set; } = new();

    public TikTokRulesOptions TikTok { get; set; } = new();

    public AmazonRulesOptions Amazon { get; set; } = new();

    /// <summary>Instagram and Facebook placements (feed, story, reel, carousel).</summary>
    public PlacementRulesOptions Placements { get; set; } = new();

    public int MaxTextLengthFor(Platform platform) =>
        MaxTextLength.TryGetValue(platform.ToWireName(), out var limit) ? limit : int.MaxValue;

    public TextCountingMethod TextCountingFor(Platform platform) =>
        TextCounting.TryGetValue(platform.ToWireName(), out var method) ? method : TextCountingMethod.CodePoints;

    /// <summary>The platform's media rules; a platform without an entry has none (anything goes).</summary>
    public MediaRulesOptions MediaFor(Platform platform) =>
        Media.TryGetValue(platform.ToWireName(), out var media) ? media : MediaRulesOptions.Unrestricted;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, limit) in MaxTextLength)
        {
            if (!PlatformNames.TryParse(name, out _))
                yield return UnknownPlatform("MaxTextLength", name);
            else if (limit < 1)
                yield return new ValidationResult($"ContentRules:MaxTextLength:{name} must be at least 1.");
        }
        foreach (var (name, method) in TextCounting)
        {
            if (!PlatformNames.TryParse(name, out _))
                yield return UnknownPlatform("TextCounting", name);
            else if (!Enum.IsDefined(method))
                yield return new ValidationResult($"ContentRules:TextCounting:{name} must be one of {string.Join(", ", Enum.GetNames<TextCountingMethod>())}.");
        }
        foreach (var (name, media) in Media)
        {
            if (!PlatformNames.TryParse(name, out _))
            {
                yield return UnknownPlatform("Media", name);
                continue;
            }
            foreach (var failure in media.Validate($"ContentRules:Media:{name}"))
                yield return new ValidationResult(failure);
        }
        foreach (var failure in X.Validate("ContentRules:X")
                     .Concat(YouTube.Validate("ContentRules:YouTube"))
                     .Concat(TikTok.Validate("ContentRules:TikTok"))
                     .Concat(Amazon.Validate("ContentRules:Amazon"))
                     .Concat(Placements.Validate("ContentRules:Placements")))
        {
            yield return new ValidationResult(failure);
        }
    }

    private static ValidationResult UnknownPlatform(string setting, string name) =>
        new($"ContentRules:{setting} has an unknown platform '{name}'; use one of {string.Join(", ", PlatformNames.AllWireNames)}.");
}

/// <summary>How a platform counts the length of a text.</summary>
public enum TextCountingMethod
{
    /// <summary>Unicode scalar values.</summary>
    CodePoints,

    /// <summary>UTF-16 code units (a character outside the Basic Multilingual Plane, e.g. most emoji, counts 2).</summary>
    Utf16CodeUnits,

    /// <summary>UTF-8 bytes (YouTube descriptions).</summary>
    Utf8Bytes,

    /// <summary>twitter-text v3 weighted length: see <see cref="XTextOptions"/>.</summary>
    XWeighted,

    /// <summary>Code points, except that an emoji counts as many as its UTF-8 bytes (Threads).</summary>
    ThreadsEmojiBytes,
}
