using System.Diagnostics.CodeAnalysis;
using SocialMcp.Core.Platforms;

namespace SocialMcp.Core.Domain;

/// <summary>The social platforms SocialMcp publishes to. Each has its definition in <see cref="PlatformCatalog"/>.</summary>
public enum Platform
{
    Instagram,
    Facebook,
    X,
    LinkedIn,
    TikTok,
    YouTube,
    Threads,
    Amazon,
}

/// <summary>Wire names of platforms (each definition's <see cref="PlatformDefinition.Name"/>): the lower-case names agents use in arguments and results.</summary>
public static class PlatformNames
{
    public static IReadOnlyList<Platform> All { get; } = Enum.GetValues<Platform>();

    private static readonly string[] WireNames = PlatformCatalog.All.Select(d => d.Name).ToArray();

    public static IReadOnlyList<string> AllWireNames { get; } = WireNames;

    public static string ToWireName(this Platform platform) => WireNames[(int)platform];

    public static bool TryParse(string? name, [NotNullWhen(true)] out Platform? platform)
    {
        var index = Array.IndexOf(WireNames, name);
        platform = index >= 0 ? (Platform)index : null;
        return platform is not null;
    }

    public static Platform Parse(string name) =>
        TryParse(name, out var platform)
            ? platform.Value
            : throw new ArgumentException($"Unknown platform '{name}'.", nameof(name));
}
