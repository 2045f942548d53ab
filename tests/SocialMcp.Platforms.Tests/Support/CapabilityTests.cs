using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Tests.Support;

/// <summary>What each adapter says it can do, by default configuration (docs/platforms.md#summary: which APIs can delete a post).</summary>
public sealed class CapabilityTests
{
    [Theory]
    [InlineData(Platform.X, true)]
    [InlineData(Platform.Facebook, true)]
    [InlineData(Platform.LinkedIn, true)]
    [InlineData(Platform.YouTube, true)]
    [InlineData(Platform.Threads, true)]
    [InlineData(Platform.Amazon, true)]
    [InlineData(Platform.Instagram, false)] // disputed: off unless Settings:DeleteEnabled
    [InlineData(Platform.TikTok, false)]    // no delete endpoint
    public async Task CapabilitiesFor_Platform_SaysWhetherItsApiCanWithdraw(Platform platform, bool canWithdraw)
    {
        await using var harness = await AdapterHarness.StartAsync(platform);

        Assert.Equal(canWithdraw, harness.Adapter.CapabilitiesFor(platform).CanWithdraw);
    }
}
