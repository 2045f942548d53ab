using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Validation.Text;

/// <summary>The text each platform receives fits its limit, counted the platform's way (<see cref="IPlatformTextMeasure"/>).</summary>
public sealed class TextLengthRule(IPlatformTextMeasure measure) : IPostRule
{
    public bool ChecksEachPart => true;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        foreach (var platform in context.TargetPlatforms)
        {
            var text = measure.Measure(platform, context.Draft.Content);
            if (text.Length <= text.MaxLength)
                continue;
            var name = platform.ToWireName();
            var hint = text.Path.EndsWith(".settings.description", StringComparison.Ordinal)
                ? $"Shorten content.platformOverrides.{name}.settings.description."
                : $"Shorten the text, or give {name} a shorter text in content.platformOverrides.{name}.text.";
            yield return new Problem(ErrorCodes.ContentTooLong,
                $"The text for {name} is {text.Length} {text.Unit}; the limit is {text.MaxLength}.", text.Path, platform, hint);
        }
    }
}
