using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Emulator;
using SocialMcp.Platforms;

namespace SocialMcp.Platforms.Tests.Accounts;

/// <summary>`socialmcp accounts connect` checks a token with the platform's own "who am I" call before storing it.</summary>
public sealed class AccountVerificationTests
{
    public static TheoryData<Platform> VerifiablePlatforms() => new(Platform.Instagram, Platform.Threads, Platform.TikTok, Platform.X,
        Platform.Facebook, Platform.LinkedIn, Platform.YouTube);

    private static IAccountVerifier Verifier() => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tokens:KeysDirectory"] = Path.Combine(Path.GetTempPath(), "socialmcp-keys-tests"),
        }).Build())
        .AddLogging()
        .AddPlatformPublishers()
        .BuildServiceProvider()
        .GetRequiredService<IAccountVerifier>();

    [Theory]
    [MemberData(nameof(VerifiablePlatforms))]
    public async Task Verify_TokenTheEmulatorIssued_NamesItsAccount(Platform platform)
    {
        await using var emulator = await PlatformEmulator.StartAsync(platforms: [platform]);
        var token = emulator.State.IssueToken(platform, "acct-42", "alice");

        var verified = await Verifier().VerifyAsync(platform, token.Token, emulator.BaseUrlOf(platform), CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(verified.PlatformAccountId));
        Assert.False(string.IsNullOrEmpty(verified.Handle));
    }

    [Theory]
    [MemberData(nameof(VerifiablePlatforms))]
    public async Task Verify_UnknownToken_IsRefusedWithAuthExpired(Platform platform)
    {
        await using var emulator = await PlatformEmulator.StartAsync(platforms: [platform]);

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            Verifier().VerifyAsync(platform, "not-a-real-token", emulator.BaseUrlOf(platform), CancellationToken.None));

        Assert.Equal(ErrorCodes.AuthExpired, ex.Problem.Code);
        Assert.DoesNotContain("not-a-real-token", ex.Problem.Message);
    }
}
