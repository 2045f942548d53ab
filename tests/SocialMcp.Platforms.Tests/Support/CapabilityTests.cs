using SocialMcp.Core.Domain;
using SocialMcp.Core.Platforms;

namespace SocialMcp.Platforms.Tests.Support;

/// <summary>
/// What each adapter says it can do, by default configuration, is what its platform definition says (docs/platforms.md#summary: which
/// APIs can delete a post): the sandbox, the tool descriptions and llm.txt take it from the definition.
/// </summary>
public sealed class CapabilityTests
{
    public static TheoryData<Platform, bool> Definitions()
    {
        var data = new TheoryData<Platform, bool>();
        foreach (var definition in PlatformCatalog.All)
            data.Add(definition.Platform, definition.CanWithdraw);
        return data;
    }

    [Fact]
    public void Definitions_SayWhichApisCannotDelete()
    {
        // Instagram: disputed, off unless Settings:DeleteEnabled; TikTok: no delete endpoint.
        Assert.Equal([Platform.Instagram, Platform.TikTok], PlatformCatalog.All.Where(d => !d.CanWithdraw).Select(d => d.Platform));
    }

    public static TheoryData<Platform, bool> ReadBack()
    {
        var data = new TheoryData<Platform, bool>();
        foreach (var definition in PlatformCatalog.All)
            data.Add(definition.Platform, definition.Conversation.CanReadPosts);
        return data;
    }

    /// <summary>
    /// A platform whose definition says it reads posts back (docs/platforms.md#read-back) answers a definite NotFound for a
    /// post that was never there; the others answer Unknown, never NotFound.
    /// </summary>
    [Theory]
    [MemberData(nameof(ReadBack))]
    public async Task LookUpAsync_Platform_ReadsBackWhereItsDefinitionSays(Platform platform, bool canReadPosts)
    {
        await using var harness = await AdapterHarness.StartAsync(platform);
        var neverThere = platform switch
        {
            Platform.LinkedIn => "urn:li:share:1",
            Platform.YouTube => "neverthere0",
            _ => "1880000000000000001",
        };

        var found = await harness.Adapter.LookUpAsync(new Core.Publishing.PostLookupRequest(platform, harness.Account(), neverThere), CancellationToken.None);

        Assert.Equal(canReadPosts ? Core.Publishing.PostLookupResult.NotFound : Core.Publishing.PostLookupResult.Unknown, found.Result);
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public async Task CapabilitiesFor_Platform_SaysWhatItsDefinitionSays(Platform platform, bool canWithdraw)
    {
        await using var harness = await AdapterHarness.StartAsync(platform);

        Assert.Equal(canWithdraw, harness.Adapter.CapabilitiesFor(platform).CanWithdraw);
    }
}
