using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Platforms.Definitions;

namespace SocialMcp.Core.Validation.Media;

/// <summary>
/// How many images, GIFs and videos each platform takes in one post (<c>ContentRules:Media:{platform}</c>):
/// x up to 4 images, or 1 GIF, or 1 video; youtube exactly one video; tiktok one video or 1–35 photos;
/// threads up to 20 items; linkedin one image, 2–20 images or one video; amazon exactly one image;
/// instagram 1–10 items. Mixed posts on platforms that refuse them are left to <see cref="MixedMediaRule"/>,
/// and Instagram or Facebook posts with a placement to <see cref="PlacementRule"/>.
/// </summary>
public sealed class MediaCountRule(IOptions<ContentRulesOptions> options) : IPostRule
{
    public bool ChecksEachPart => true;
    public bool ChecksMedia => true;

    private const string Path = "$.content.media";

    public IEnumerable<Problem> Check(RuleContext context)
    {
        var media = context.Draft.Content.Media;
        foreach (var platform in context.TargetPlatforms)
        {
            var rules = options.Value.MediaFor(platform);
            if (HasPlacement(context, platform))
                continue;
            var gifs = rules.GifAlone ? media.Count(MediaKinds.IsGif) : 0;
            var images = media.Count(m => m.IsImage) - gifs;
            var videos = media.Count(m => m.IsVideo);
            if (images + gifs > 0 && videos > 0 && !rules.AllowMixed)
                continue;

            var name = platform.ToWireName();
            var has = Describe(images, gifs, videos, rules.GifAlone);
            var problems = new List<string>();
            if (gifs > 0 && media.Count > 1)
                problems.Add($"{name} takes a GIF only on its own; this post has {has}.");
            if (media.Count < rules.MinItems)
                problems.Add($"{name} needs at least {MediaKinds.Count(rules.MinItems, "media item")}; this post has {has}.");
            if (images < rules.MinImages)
                problems.Add($"{name} needs at least {MediaKinds.Count(rules.MinImages, "image")}; this post has {has}.");
            if (videos < rules.MinVideos)
                problems.Add($"{name} needs at least {MediaKinds.Count(rules.MinVideos, "video")}; this post has {has}.");
            if (images > rules.MaxImages)
                problems.Add(rules.MaxImages == 0 ? $"{name} does not take images; this post has {has}." : $"{name} takes at most {MediaKinds.Count(rules.MaxImages.Value, "image")}; this post has {has}.");
            if (videos > rules.MaxVideos)
                problems.Add(rules.MaxVideos == 0 ? $"{name} does not take videos; this post has {has}." : $"{name} takes at most {MediaKinds.Count(rules.MaxVideos.Value, "video")}; this post has {has}.");
            if (media.Count > rules.MaxItems)
                problems.Add($"{name} takes at most {MediaKinds.Count(rules.MaxItems.Value, "media item")}; this post has {has}.");

            foreach (var message in problems)
            {
                yield return new Problem(ErrorCodes.UnsupportedMediaConfig, message, Path, platform,
                    $"{name} takes {Allowed(rules)}. Change content.media, or post to {name} separately.");
            }
        }
    }

    private static bool HasPlacement(RuleContext context, Platform platform) =>
        PlatformCatalog.For(platform).HasPlacements &&
        context.SettingsFor(platform) is { } settings && settings.TryGetProperty(MetaPlacements.SettingName, out _);

    private static string Describe(int images, int gifs, int videos, bool countGifs)
    {
        var parts = new List<string>();
        if (images > 0) parts.Add(MediaKinds.Count(images, "image"));
        if (countGifs && gifs > 0) parts.Add(MediaKinds.Count(gifs, "GIF"));
        if (videos > 0) parts.Add(MediaKinds.Count(videos, "video"));
        return parts.Count == 0 ? "no media" : string.Join(" and ", parts);
    }

    /// <summary>What the rules allow, in words: "up to 4 images, or 1 GIF, or 1 video", "exactly 1 video".</summary>
    public static string Allowed(MediaRulesOptions rules)
    {
        var kinds = new List<string>();
        if (rules.MaxImages != 0) kinds.Add(Range(rules.MinImages, rules.MaxImages, "image"));
        if (rules.GifAlone) kinds.Add("1 GIF");
        if (rules.MaxVideos != 0) kinds.Add(Range(rules.MinVideos, rules.MaxVideos, "video"));
        var allowed = kinds.Count == 0 ? "no media" : string.Join(rules.AllowMixed ? " and " : ", or ", kinds);
        if (rules.MinItems > 0 || rules.MaxItems is not null)
            allowed += $" ({Range(rules.MinItems, rules.MaxItems, "media item")} in all)";
        return allowed;
    }

    private static string Range(int min, int? max, string noun) => (min, max) switch
    {
        (0, null) => $"any number of {noun}s",
        (_, null) => $"at least {MediaKinds.Count(min, noun)}",
        (0, 1) => $"1 {noun}",
        (0, _) => $"up to {MediaKinds.Count(max.Value, noun)}",
        _ when min == max => $"exactly {MediaKinds.Count(min, noun)}",
        _ => $"{min} to {max} {noun}s",
    };
}
