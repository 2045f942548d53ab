using System.Text.Json;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation;

/// <summary>Counts text the way the platform rules need. Code points for now; platform-specific counting plugs in here.</summary>
public static class TextLength
{
    public static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }
}

/// <summary>The text each platform receives fits its configured limit.</summary>
public sealed class TextLengthRule(IOptions<ContentRulesOptions> options) : IPostRule
{
    public IEnumerable<Problem> Check(RuleContext context)
    {
        foreach (var platform in context.Draft.Platforms.Distinct())
        {
            var length = TextLength.CodePoints(context.Draft.Content.TextFor(platform));
            var limit = options.Value.MaxTextLengthFor(platform);
            if (length > limit)
            {
                yield return new Problem(ErrorCodes.ContentTooLong,
                    $"The text for {platform.ToWireName()} is {length} characters; the limit is {limit}.",
                    context.TextPathFor(platform), platform,
                    $"Shorten the text, or give {platform.ToWireName()} a shorter text in content.platformOverrides.{platform.ToWireName()}.text.");
            }
        }
    }
}

/// <summary>Platforms that take either images or a video refuse a mix of both.</summary>
public sealed class MixedMediaRule(IOptions<ContentRulesOptions> options) : IPostRule
{
    public IEnumerable<Problem> Check(RuleContext context)
    {
        var media = context.Draft.Content.Media;
        if (!media.Any(m => m.IsImage) || !media.Any(m => m.IsVideo))
            yield break;

        foreach (var platform in context.Draft.Platforms.Distinct())
        {
            if (options.Value.ForbidMixedMedia.Contains(platform.ToWireName()))
            {
                yield return new Problem(ErrorCodes.MixedMediaNotSupported,
                    $"{platform.ToWireName()} does not accept images and videos in the same post.", "$.content.media", platform,
                    "Post the images and the video as separate posts, or drop this platform.");
            }
        }
    }
}

/// <summary>
/// Instagram and Facebook placements (<c>settings.placement</c>: feed, story, reel, carousel) fit the media;
/// other platforms have no placements.
/// </summary>
public sealed class PlacementRule : IPostRule
{
    private static readonly string[] Placements = ["feed", "story", "reel", "carousel"];

    public IEnumerable<Problem> Check(RuleContext context)
    {
        foreach (var (platform, over) in context.Draft.Content.PlatformOverrides.OrderBy(p => p.Key))
        {
            if (over.Settings is not { ValueKind: JsonValueKind.Object } settings ||
                !settings.TryGetProperty("placement", out var placementElement))
                continue;

            var path = $"$.content.platformOverrides.{platform.ToWireName()}.settings.placement";
            if (platform is not (Platform.Instagram or Platform.Facebook))
            {
                yield return Invalid(platform, path, $"{platform.ToWireName()} has no placements; placement applies to instagram and facebook only.");
                continue;
            }
            var placement = placementElement.ValueKind == JsonValueKind.String ? placementElement.GetString() : null;
            if (placement is null || !Placements.Contains(placement))
            {
                yield return Invalid(platform, path, $"placement must be one of: {string.Join(", ", Placements)}.");
                continue;
            }
            var problem = CheckMedia(placement, context.Draft.Content.Media);
            if (problem is not null)
                yield return Invalid(platform, path, problem);
        }
    }

    private static string? CheckMedia(string placement, IReadOnlyList<MediaItem> media) => placement switch
    {
        "carousel" when media.Count is < 2 or > 10 => $"A carousel needs 2 to 10 media items; this post has {media.Count}.",
        "reel" when media.Count != 1 || !media[0].IsVideo => "A reel needs exactly one video.",
        "feed" when media.Count != 1 || !media[0].IsImage => "A feed placement needs exactly one image.",
        "story" when media.Count != 1 => "A story needs exactly one image or video.",
        _ => null,
    };

    private static Problem Invalid(Platform platform, string path, string message) =>
        new(ErrorCodes.InvalidPlacement, message, path, platform,
            "Change the placement or the media: carousel 2–10 items, reel one video, feed one image, story one image or video.");
}
