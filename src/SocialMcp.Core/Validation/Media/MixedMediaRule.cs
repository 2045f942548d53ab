using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation.Media;

/// <summary>Platforms whose <c>ContentRules:Media:{platform}:AllowMixed</c> is false refuse images and videos in one post.</summary>
public sealed class MixedMediaRule(IOptions<ContentRulesOptions> options) : IPostRule
{
    public bool ChecksEachPart => true;
    public bool ChecksMedia => true;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        var media = context.Draft.Content.Media;
        if (!media.Any(m => m.IsImage) || !media.Any(m => m.IsVideo))
            yield break;

        foreach (var platform in context.TargetPlatforms)
        {
            if (!options.Value.MediaFor(platform).AllowMixed)
            {
                yield return new Problem(ErrorCodes.MixedMediaNotSupported,
                    $"{platform.ToWireName()} does not accept images and videos in the same post.", "$.content.media", platform,
                    "Post the images and the video as separate posts, or drop this platform.");
            }
        }
    }
}
