using System.Runtime.CompilerServices;
using SocialMcp.Core.Platforms;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Tests.Platforms;

/// <summary>llm.txt's Platforms section is what the platform definitions produce (like the tools snapshot).</summary>
public sealed class LlmTxtPlatformsTests
{
    private static string LlmTxtPath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "llm.txt");

    /// <summary>Set UPDATE_SNAPSHOTS=1 to rewrite the section after a change to a definition, then review the diff.</summary>
    [Fact]
    public void LlmTxt_PlatformsSection_MatchesTheDefinitions()
    {
        var path = LlmTxtPath();
        var expected = PlatformGuide.ReplaceSection(File.ReadAllText(path).ReplaceLineEndings("\n"), PlatformGuide.Render(PlatformCatalog.All));
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
            File.WriteAllText(path, expected);

        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Render_EveryPlatform_HasATableRowAndASettingsLine()
    {
        var section = PlatformGuide.Render(PlatformCatalog.All);

        Assert.All(PlatformCatalog.All, platform =>
        {
            Assert.Contains($"\n| {platform.Name} | {platform.Text.Summary} |", section);
            Assert.Contains($"\n- {platform.Name}:", section);
            Assert.All(platform.Settings.Fields, field => Assert.Contains($"  - {field.Name} (", section));
        });
    }

    [Fact]
    public void ReplaceSection_WithoutMarkers_Throws() =>
        Assert.Throws<InvalidOperationException>(() => PlatformGuide.ReplaceSection("no markers here", "x"));
}
