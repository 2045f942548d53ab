using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Validation;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Tests.Validation;

/// <summary>The real rule registrations of AddSocialCore over in-memory configuration, with one connected account per platform.</summary>
internal sealed class RuleHarness : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public RuleHarness(IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSocialCore();
        _provider = services.BuildServiceProvider();
    }

    public PostValidator Validator => _provider.GetRequiredService<PostValidator>();

    public IPlatformTextMeasure Measure => _provider.GetRequiredService<IPlatformTextMeasure>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public ValidationReport Validate(PostContent content, IReadOnlyList<Platform> platforms, DateTimeOffset? scheduledFor = null,
        RulePurpose purpose = RulePurpose.Save, IReadOnlyDictionary<Platform, string>? metadata = null)
    {
        var accounts = PlatformNames.All.ToDictionary(p => p, p => Account(p, metadata?.GetValueOrDefault(p)));
        return Validator.Validate(new RuleContext(new PostDraft(content, platforms, scheduledFor), accounts, Now, purpose));
    }

    public IReadOnlyList<Problem> Problems(PostContent content, params Platform[] platforms) => Validate(content, platforms).AllProblems();

    private static Account Account(Platform platform, string? metadataJson) => new Account
    {
        Id = $"acc-{platform.ToWireName()}",
        WorkspaceId = "local",
        PlatformSetId = "set",
        Platform = platform,
        Handle = "@handle",
        PlatformAccountId = "id",
        IsSandbox = true,
        Metadata = Json(metadataJson ?? "{}"),
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public void Dispose() => _provider.Dispose();
}

/// <summary>Builds post content for rule tests.</summary>
internal static class Make
{
    public static PostContent Text(string text, params MediaItem[] media) =>
        new(text, media, null, new Dictionary<Platform, PlatformOverride>());

    public static PostContent Override(this PostContent content, Platform platform, string? text = null, string? settings = null)
    {
        var overrides = new Dictionary<Platform, PlatformOverride>(content.PlatformOverrides)
        {
            [platform] = new PlatformOverride(text, settings is null ? null : RuleHarness.Json(settings)),
        };
        return content with { PlatformOverrides = overrides };
    }

    public static PostContent WithLink(this PostContent content, string url) => content with { LinkUrl = url };

    public static MediaItem Image(string? mimeType = "image/jpeg", long? sizeBytes = null, int? width = null, int? height = null, string url = "https://example.com/a.jpg") =>
        new(url, MediaTypes.Image, mimeType, sizeBytes, width, height);

    public static MediaItem Gif(long? sizeBytes = null) => new("https://example.com/a.gif", MediaTypes.Image, "image/gif", sizeBytes);

    public static MediaItem Video(double? seconds = null, string? mimeType = "video/mp4", long? sizeBytes = null, int? width = null, int? height = null) =>
        new("https://example.com/v.mp4", MediaTypes.Video, mimeType, sizeBytes, width, height, seconds);

    public static MediaItem[] Images(int count) => Enumerable.Range(0, count).Select(_ => Image()).ToArray();

    public static MediaItem[] Videos(int count) => Enumerable.Range(0, count).Select(_ => Video()).ToArray();
}

internal static class ProblemAssertions
{
    public static Problem Single(this IReadOnlyList<Problem> problems, string code, Platform platform) =>
        Assert.Single(problems, p => p.Code == code && p.Platform == platform);

    public static void None(this IReadOnlyList<Problem> problems, Platform platform) =>
        Assert.DoesNotContain(problems, p => p.Platform == platform);
}
