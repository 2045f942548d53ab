using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.OAuth;

/// <summary>
/// An app registered with an emulated platform. A null <see cref="ClientSecret"/> is a public client (PKCE only).
/// <see cref="AnyRedirect"/> accepts every redirect_uri: the demo clients have it, so a server run anywhere can connect
/// without registering its callback; tests register their own clients with exact redirects.
/// </summary>
public sealed record OAuthClient(Platform Platform, string ClientId, string? ClientSecret, IReadOnlyList<string> RedirectUris)
{
    public bool AnyRedirect { get; init; }

    /// <summary>LinkedIn: an approved Marketing Developer Platform partner, the only kind of app that gets refresh tokens.</summary>
    public bool IsPartner { get; init; }

    public bool IsConfidential => ClientSecret is not null;

    public static string DemoClientId(Platform platform) => $"socialmcp-{platform.ToWireName()}";

    public static string DemoClientSecret(Platform platform) => $"socialmcp-{platform.ToWireName()}-secret";
}

/// <summary>A Page, Instagram business account or Amazon brand profile a demo user can publish as.</summary>
public sealed record OAuthSubAccount(string Id, string Name, string? InstagramAccountId = null, string? InstagramUsername = null);

/// <summary>The person who consents on an emulated platform's authorize page (every consent is theirs).</summary>
public sealed record OAuthDemoUser(string AccountId, string Username, string DisplayName, IReadOnlyList<OAuthSubAccount> SubAccounts)
{
    /// <summary>The demo user of each platform; Facebook has two Pages (each with an Instagram account) and Amazon two brand profiles.</summary>
    public static OAuthDemoUser For(Platform platform) => platform switch
    {
        Platform.X => new("1700000000000000001", "socialmcp_demo", "SocialMcp Demo", []),
        Platform.LinkedIn => new("dEm0MeMbEr1", "socialmcp-demo", "SocialMcp Demo", []),
        Platform.TikTok => new("-000demoOpenId0000000001", "socialmcp.demo", "SocialMcp Demo", []),
        Platform.YouTube => new("UCs0cialmcpDem0Channel001", "socialmcpdemo", "SocialMcp Demo", []),
        Platform.Facebook => new("100000000000001", "SocialMcp Demo", "SocialMcp Demo",
        [
            new("104000000000001", "SocialMcp Demo Page", "17841400000000101", "socialmcp.page"),
            new("104000000000002", "SocialMcp Demo Shop", "17841400000000102", "socialmcp.shop"),
        ]),
        Platform.Instagram => new("17841400000000001", "socialmcp.demo", "SocialMcp Demo", []),
        Platform.Threads => new("26000000000000001", "socialmcp.demo", "SocialMcp Demo", []),
        Platform.Amazon => new("amzn1.account.SOCIALMCPDEMO", "SocialMcp Demo", "SocialMcp Demo",
        [
            new("3100000000000001", "SocialMcp Demo Brand"),
            new("3100000000000002", "SocialMcp Demo Outlet"),
        ]),
        _ => new($"demo-{platform.ToWireName()}", "demo", "Demo", []),
    };
}
