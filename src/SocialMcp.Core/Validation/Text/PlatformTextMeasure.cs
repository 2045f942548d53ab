using System.Text.Json;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation.Text;

/// <summary>The main text one platform receives, where it comes from, its length counted the platform's way, and its limit.</summary>
public sealed record MeasuredText(string Text, string Path, int Length, int MaxLength, string Unit);

/// <summary>Counts each platform's text its own way: the one place that knows which text a platform receives and how it counts.</summary>
public interface IPlatformTextMeasure
{
    MeasuredText Measure(Platform platform, PostContent content);

    /// <summary>The counter for a platform's main text (also used for its other fields where the unit is the same).</summary>
    ITextCounter CounterFor(Platform platform);
}

/// <summary>
/// The text a platform receives is <c>platformOverrides.{platform}.text</c> when given, else <c>content.text</c>;
/// on youtube it is the video description, so <c>settings.description</c> wins when given. The limit is
/// <c>ContentRules:MaxTextLength:{platform}</c>, except on TikTok photo posts, whose text is a description
/// (<c>ContentRules:TikTok:MaxPhotoTextLength</c>).
/// </summary>
public sealed class PlatformTextMeasure : IPlatformTextMeasure
{
    private readonly ContentRulesOptions _options;
    private readonly Dictionary<Platform, ITextCounter> _counters;

    public PlatformTextMeasure(IOptions<ContentRulesOptions> options)
    {
        _options = options.Value;
        _counters = PlatformNames.All.ToDictionary(p => p, p => TextCounters.Create(_options.TextCountingFor(p), _options.X));
    }

    public ITextCounter CounterFor(Platform platform) => _counters[platform];

    public MeasuredText Measure(Platform platform, PostContent content)
    {
        var (text, path) = TextFor(platform, content);
        var limit = platform == Platform.TikTok && content.Media.Count > 0 && content.Media.All(m => m.IsImage)
            ? _options.TikTok.MaxPhotoTextLength
            : _options.MaxTextLengthFor(platform);
        var counter = _counters[platform];
        return new MeasuredText(text, path, counter.Count(text), limit, counter.Unit);
    }

    private static (string Text, string Path) TextFor(Platform platform, PostContent content)
    {
        if (platform == Platform.YouTube &&
            content.SettingsFor(platform) is { ValueKind: JsonValueKind.Object } settings &&
            settings.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
        {
            return (description.GetString()!, RuleContext.SettingPath(platform, "description"));
        }
        var hasOverride = content.PlatformOverrides.TryGetValue(platform, out var o) && o.Text is not null;
        return (content.TextFor(platform), hasOverride ? $"$.content.platformOverrides.{platform.ToWireName()}.text" : "$.content.text");
    }
}
