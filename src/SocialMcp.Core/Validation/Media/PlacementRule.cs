using System.Text.Json;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Platforms.Definitions;

namespace SocialMcp.Core.Validation.Media;

/// <summary>
/// Instagram and Facebook placements (<c>settings.placement</c>: feed, story, reel, carousel) fit the media:
/// carousel 2–10 items, reel exactly one video, feed exactly one image, story one image or video. A Facebook
/// reel is vertical (height greater than width, when both are given) and lasts 3–90 s (when durationSeconds is
/// given); a Facebook story video lasts at most 60 s. An Instagram reel is vertical too (when width and height are known,
/// as they always are for library media); its 3 s minimum is <see cref="MediaFormatRule"/>'s. Other platforms have no placements.
/// </summary>
public sealed class PlacementRule(IOptions<ContentRulesOptions> options) : IPostRule
{
    public bool ChecksEachPart => true;
    public bool ChecksMedia => true;

    /// <summary>"instagram and facebook": the platforms whose definitions take a placement.</summary>
    private static readonly string PlacingPlatforms = string.Join(" and ", PlatformCatalog.All.Where(d => d.HasPlacements).Select(d => d.Name));

    public IEnumerable<Problem> Check(RuleContext context)
    {
        var limits = options.Value.Placements;
        foreach (var platform in context.TargetPlatforms)
        {
            if (context.SettingsFor(platform) is not { } settings || !settings.TryGetProperty(MetaPlacements.SettingName, out var placementElement))
                continue;

            var path = RuleContext.SettingPath(platform, MetaPlacements.SettingName);
            if (!PlatformCatalog.For(platform).HasPlacements)
            {
                yield return Invalid(platform, path, $"{platform.ToWireName()} has no placements; placement applies to {PlacingPlatforms} only.", limits);
                continue;
            }
            var placement = placementElement.ValueKind == JsonValueKind.String ? placementElement.GetString() : null;
            if (placement is null || !MetaPlacements.Values.Contains(placement))
            {
                yield return Invalid(platform, path, $"placement must be one of: {string.Join(", ", MetaPlacements.Values)}.", limits);
                continue;
            }
            foreach (var message in CheckMedia(platform, placement, context.Draft.Content.Media, limits))
                yield return Invalid(platform, path, message, limits);
        }
    }

    private static IEnumerable<string> CheckMedia(Platform platform, string placement, IReadOnlyList<MediaItem> media, PlacementRulesOptions limits)
    {
        switch (placement)
        {
            case "carousel" when media.Count < limits.CarouselMinItems || media.Count > limits.CarouselMaxItems:
                yield return $"A carousel needs {limits.CarouselMinItems} to {limits.CarouselMaxItems} media items; this post has {media.Count}.";
                break;
            case "reel" when media.Count != 1 || !media[0].IsVideo:
                yield return "A reel needs exactly one video.";
                break;
            case "reel" when platform == Platform.Instagram:
                if (limits.InstagramReelMustBeVertical && media[0] is { Width: { } reelWidth, Height: { } reelHeight } && reelHeight <= reelWidth)
                    yield return $"An Instagram reel must be a vertical video (9:16, e.g. 1080×1920); this one is {reelWidth}×{reelHeight}.";
                break;
            case "reel" when platform == Platform.Facebook:
                var video = media[0];
                if (limits.FacebookReelMustBeVertical && video is { Width: { } width, Height: { } height } && height <= width)
                    yield return $"A Facebook reel must be a vertical video (9:16, e.g. 1080×1920); this one is {width}×{height}.";
                if (video.DurationSeconds is { } seconds && (seconds < limits.FacebookReelMinSeconds || seconds > limits.FacebookReelMaxSeconds))
                    yield return $"A Facebook reel lasts {MediaKinds.Seconds(limits.FacebookReelMinSeconds)} to {MediaKinds.Seconds(limits.FacebookReelMaxSeconds)}; this video is {MediaKinds.Seconds(seconds)}.";
                break;
            case "feed" when media.Count != 1 || !media[0].IsImage:
                yield return "A feed placement needs exactly one image.";
                break;
            case "story" when media.Count != 1:
                yield return "A story needs exactly one image or video.";
                break;
            case "story" when platform == Platform.Facebook && media[0] is { IsVideo: true, DurationSeconds: { } storySeconds } && storySeconds > limits.FacebookStoryMaxVideoSeconds:
                yield return $"A Facebook story video lasts at most {MediaKinds.Seconds(limits.FacebookStoryMaxVideoSeconds)}; this one is {MediaKinds.Seconds(storySeconds)}.";
                break;
        }
    }

    private static Problem Invalid(Platform platform, string path, string message, PlacementRulesOptions limits) =>
        new(ErrorCodes.InvalidPlacement, message, path, platform,
            $"Change the placement or the media: carousel {limits.CarouselMinItems}–{limits.CarouselMaxItems} items, reel one video" +
            (platform == Platform.Facebook ? $" (vertical, {MediaKinds.Seconds(limits.FacebookReelMinSeconds)}–{MediaKinds.Seconds(limits.FacebookReelMaxSeconds)})"
                : platform == Platform.Instagram ? " (vertical)" : "") +
            ", feed one image, story one image or video.");
}
