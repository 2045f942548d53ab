using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Validation.Settings;

/// <summary>
/// LinkedIn (docs/platforms.md#linkedin-publish-flow, #linkedin-limits): one content kind per post, so an article (articleTitle or
/// articleDescription, which need content.linkUrl) carries no media; videoTitle needs the post's one video;
/// altText gives one text per image, in order.
/// </summary>
public sealed class LinkedInRules : IPostRule
{
    public bool ChecksMedia => true;

    private const Platform LinkedIn = Platform.LinkedIn;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        if (!context.Draft.Platforms.Contains(LinkedIn) || context.SettingsFor(LinkedIn) is not { } settings)
            yield break;

        var content = context.Draft.Content;
        var articleField = new[] { "articleTitle", "articleDescription" }.FirstOrDefault(f => PlatformSettings.GetString(settings, f) is not null);
        if (articleField is not null)
        {
            if (content.LinkUrl is null)
            {
                yield return new Problem(ErrorCodes.ValidationFailed,
                    $"{articleField} describes an article, which needs content.linkUrl.", RuleContext.SettingPath(LinkedIn, articleField), LinkedIn,
                    "Set content.linkUrl to the article's URL, or remove articleTitle and articleDescription.");
            }
            if (content.Media.Count > 0)
            {
                yield return new Problem(ErrorCodes.UnsupportedMediaConfig,
                    "linkedin takes one content kind per post: an article (linkUrl with articleTitle/articleDescription) or media, not both.",
                    "$.content.media", LinkedIn, "Drop the media for linkedin, or remove the article settings.");
            }
        }

        if (PlatformSettings.GetString(settings, "videoTitle") is not null && content.Media is not [{ IsVideo: true }])
        {
            yield return new Problem(ErrorCodes.ValidationFailed,
                "videoTitle names the post's video, but the post does not have exactly one video.",
                RuleContext.SettingPath(LinkedIn, "videoTitle"), LinkedIn, "Attach one video, or remove videoTitle.");
        }

        if (PlatformSettings.GetStringArray(settings, "altText") is { } altText)
        {
            var images = content.Media.Count(m => m.IsImage);
            if (altText.Count != images)
            {
                yield return new Problem(ErrorCodes.ValidationFailed,
                    $"altText has {altText.Count} entries but the post has {images} images; give one per image, in order.",
                    RuleContext.SettingPath(LinkedIn, "altText"), LinkedIn, "Make altText as long as the list of images, or leave it out.");
            }
        }
    }
}
