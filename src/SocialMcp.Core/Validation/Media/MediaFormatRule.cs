using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation.Media;

/// <summary>
/// Each media item's MIME type, size and (videos) duration fit the platform (<c>ContentRules:Media:{platform}</c>).
/// Only what an item states is checked: an item without mimeType, sizeBytes or durationSeconds passes that check.
/// A mimeType that does not even fit the item's type is <see cref="Generic.MediaFieldsRule"/>'s to report.
/// </summary>
public sealed class MediaFormatRule(IOptions<ContentRulesOptions> options) : IPostRule
{
    public bool ChecksEachPart => true;
    public bool ChecksMedia => true;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        var media = context.Draft.Content.Media;
        foreach (var platform in context.TargetPlatforms)
        {
            var rules = options.Value.MediaFor(platform);
            var name = platform.ToWireName();
            for (var i = 0; i < media.Count; i++)
            {
                var item = media[i];
                var kind = MediaKinds.IsGif(item) ? "GIF" : item.Type;
                if (item.MimeType is { } mime && mime.StartsWith(item.Type + "/", StringComparison.OrdinalIgnoreCase))
                {
                    var allowed = item.IsVideo ? rules.VideoMimeTypeList : rules.ImageMimeTypeList;
                    if (allowed.Count > 0 && !allowed.Contains(mime, StringComparer.OrdinalIgnoreCase))
                    {
                        yield return new Problem(ErrorCodes.UnsupportedMediaType,
                            $"{name} does not accept {item.Type}s of type {mime}; it takes {string.Join(", ", allowed)}.",
                            MediaKinds.PathOf(i) + ".mimeType", platform,
                            $"Convert the file to one of {string.Join(", ", allowed)}, or post it to {name} without this item.");
                    }
                }

                var maxBytes = item.IsVideo ? rules.MaxVideoBytes : kind == "GIF" ? rules.MaxGifBytes ?? rules.MaxImageBytes : rules.MaxImageBytes;
                if (item.SizeBytes is { } size && size > maxBytes)
                {
                    yield return new Problem(ErrorCodes.UnsupportedMediaConfig,
                        $"{name} takes {kind}s up to {MediaKinds.Bytes(maxBytes.Value)}; this one is {MediaKinds.Bytes(size)}.",
                        MediaKinds.PathOf(i) + ".sizeBytes", platform,
                        "Use a smaller file (compress or shorten it), or post it to this platform without this item.");
                }

                if (item.IsVideo && item.DurationSeconds is { } seconds && (seconds < rules.MinVideoSeconds || seconds > rules.MaxVideoSeconds))
                {
                    yield return new Problem(ErrorCodes.UnsupportedMediaConfig,
                        $"{name} takes videos of {DescribeDuration(rules)}; this one is {MediaKinds.Seconds(seconds)}.",
                        MediaKinds.PathOf(i) + ".durationSeconds", platform,
                        "Trim or extend the video, or post it to this platform without this item.");
                }
            }
        }
    }

    private static string DescribeDuration(MediaRulesOptions rules) => (rules.MinVideoSeconds, rules.MaxVideoSeconds) switch
    {
        ({ } min, { } max) => $"{MediaKinds.Seconds(min)} to {MediaKinds.Seconds(max)}",
        ({ } min, null) => $"at least {MediaKinds.Seconds(min)}",
        (null, { } max) => $"at most {MediaKinds.Seconds(max)}",
        _ => "any length",
    };
}
