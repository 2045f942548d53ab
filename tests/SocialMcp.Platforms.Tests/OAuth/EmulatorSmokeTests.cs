using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Emulator.OAuth;
using SocialMcp.Platforms.OAuth;

namespace SocialMcp.Platforms.Tests.OAuth;

/// <summary>PlatformOAuth against the emulator's OAuth endpoints (the URL rule end to end), per platform.</summary>
public sealed class EmulatorSmokeTests
{
    private static readonly Uri Redirect = new("https://app.example/oauth/callback");
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier";

    [Theory]
    [InlineData(Platform.X)]
    [InlineData(Platform.LinkedIn)]
    [InlineData(Platform.TikTok)]
    [InlineData(Platform.YouTube)]
    [InlineData(Platform.Facebook)]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Threads)]
    [InlineData(Platform.Amazon)]
    public async Task ConnectRefreshRevoke_AgainstTheEmulator(Platform platform)
    {
        var time = new FakeTimeProvider(TestTime.Start);
        await using var emulator = await PlatformEmulator.StartAsync(time: time, platforms: [platform]);
        var name = platform.ToWireName();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Platforms:{name}:BaseUrl"] = emulator.BaseUrlOf(platform).AbsoluteUri,
            [$"Platforms:{name}:ClientId"] = OAuthClient.DemoClientId(platform),
            [$"Platforms:{name}:ClientSecret"] = OAuthClient.DemoClientSecret(platform),
            // The emulator's demo LinkedIn app is a partner (it gets refresh tokens); say so, or LinkedIn is reconnect-only.
            ["Platforms:linkedin:Settings:PartnerRefreshTokens"] = "true",
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddPlatformOAuth()
            .BuildServiceProvider();
        var oauth = services.GetRequiredService<IPlatformOAuth>();

        var authorize = oauth.BuildAuthorizationUrl(platform, "state-1", Verifier, Redirect);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(authorize);
        Assert.True((int)consent.StatusCode is 302 or 303, $"{platform}: authorize answered {(int)consent.StatusCode} {await consent.Content.ReadAsStringAsync()}");
        var location = consent.Headers.Location!;
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("state-1", query["state"]);
        var code = query["code"].ToString() + (location.Fragment == "#_" ? "#_" : "");

        var connected = await oauth.ExchangeCodeAsync(platform, code, Verifier, Redirect, default);
        Assert.NotEmpty(connected.Identities);

        var identity = connected.Identities[0];
        var account = new Account
        {
            Id = "a1", WorkspaceId = "ws", PlatformSetId = "set", Platform = platform, Handle = identity.Handle,
            PlatformAccountId = identity.PlatformAccountId, IsSandbox = false,
            Metadata = System.Text.Json.JsonSerializer.SerializeToElement(new { }), CreatedAt = TestTime.Start, UpdatedAt = TestTime.Start,
        };
        var grant = identity.Grant ?? connected.Grant;
        var model = oauth.RefreshModelOf(platform);
        if (model == RefreshModel.ReconnectOnly)
        {
            Assert.Null(grant.RefreshToken);
        }
        else
        {
            time.Advance(TimeSpan.FromHours(25)); // Instagram and Threads renew only tokens at least 24 h old
            var renewed = await oauth.RefreshAsync(account, new(grant.AccessToken, grant.RefreshToken, grant.AccessExpiresAt), default);
            Assert.NotEqual(grant.AccessToken, renewed.AccessToken);
            if (model == RefreshModel.RotatingRefreshToken)
            {
                Assert.NotEqual(grant.RefreshToken, renewed.RefreshToken);
                var dead = await Assert.ThrowsAsync<OAuthException>(() =>
                    oauth.RefreshAsync(account, new(grant.AccessToken, grant.RefreshToken, grant.AccessExpiresAt), default));
                Assert.Equal(OAuthFailureKind.DeadGrant, dead.Kind);
            }
            if (model == RefreshModel.RefreshToken)
                Assert.NotNull(renewed.RefreshToken);
            grant = renewed;
        }

        var revoked = await oauth.RevokeAsync(account, grant.RefreshToken ?? grant.AccessToken, default);
        Assert.Equal(platform is Platform.X or Platform.TikTok or Platform.YouTube or Platform.LinkedIn, revoked);
        if (revoked && grant.RefreshToken is not null)
        {
            var dead = await Assert.ThrowsAsync<OAuthException>(() =>
                oauth.RefreshAsync(account, new(grant.AccessToken, grant.RefreshToken, grant.AccessExpiresAt), default));
            Assert.Equal(OAuthFailureKind.DeadGrant, dead.Kind);
        }
    }
}
