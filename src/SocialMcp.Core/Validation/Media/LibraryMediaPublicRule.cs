using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Core.Validation.Media;

/// <summary>
/// A library item ({"mediaId"}) on a platform that pulls media by URL (docs/platforms.md#media-delivery) needs a signed
/// URL under <c>Media:PublicBaseUrl</c>. Without one the post is refused here, for that platform, rather than at publish.
/// Sandbox accounts are held to the same rule: their emulator pulls the same URL.
/// </summary>
public sealed class LibraryMediaPublicRule(IMediaUrlSigner? signer = null) : IPostRule
{
    public bool ChecksEachPart => true;
    public bool ChecksMedia => true;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        if (signer is { IsAvailable: true })
            yield break;
        var media = context.Draft.Content.Media;
        foreach (var platform in context.TargetPlatforms.Where(MediaDelivery.Pulls))
        {
            for (var i = 0; i < media.Count; i++)
            {
                if (media[i].MediaId is not null)
                    yield return TargetMedia.NotPublic(platform, i);
            }
        }
    }
}
