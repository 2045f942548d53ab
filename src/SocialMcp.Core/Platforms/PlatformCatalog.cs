using SocialMcp.Core.Domain;
using SocialMcp.Core.Platforms.Definitions;

namespace SocialMcp.Core.Platforms;

/// <summary>
/// Every platform's <see cref="PlatformDefinition"/>, in the order of <see cref="Platform"/>. Adding a platform means
/// adding its enum member, its definition and its line here; the tool schemas, the validation defaults and llm.txt's
/// platform tables follow.
/// </summary>
public static class PlatformCatalog
{
    public static IReadOnlyList<PlatformDefinition> All { get; } = Create(
    [
        new InstagramPlatform(),
        new FacebookPlatform(),
        new XPlatform(),
        new LinkedInPlatform(),
        new TikTokPlatform(),
        new YouTubePlatform(),
        new ThreadsPlatform(),
        new AmazonPlatform(),
    ]);

    public static PlatformDefinition For(Platform platform) => All[(int)platform];

    private static PlatformDefinition[] Create(PlatformDefinition[] definitions)
    {
        var platforms = Enum.GetValues<Platform>();
        if (definitions.Length != platforms.Length)
            throw new InvalidOperationException($"There are {platforms.Length} platforms but {definitions.Length} platform definitions.");
        for (var i = 0; i < definitions.Length; i++)
        {
            // For() indexes by the enum's value, so the list keeps the enum's order.
            if ((int)definitions[i].Platform != i)
                throw new InvalidOperationException($"Platform definition {definitions[i].Name} is at position {i}; list the definitions in the order of the Platform enum.");
        }
        return definitions;
    }
}
