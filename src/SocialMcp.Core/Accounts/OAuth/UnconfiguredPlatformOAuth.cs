using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>
/// The stand-in until SocialMcp.Platforms registers the real <see cref="IPlatformOAuth"/>: every platform answers
/// PLATFORM_NOT_CONFIGURED, and nothing is refreshed (no account can have been connected through it).
/// </summary>
internal sealed class UnconfiguredPlatformOAuth : IPlatformOAuth
{
    public bool IsConfigured(Platform platform) => false;

    public IReadOnlyList<string> RequiredSettings(Platform platform) =>
        [$"Platforms:{platform.ToWireName()}:ClientId", $"Platforms:{platform.ToWireName()}:ClientSecret"];

    public RefreshModel RefreshModelOf(Platform platform) => RefreshModel.ReconnectOnly;

    public bool UsesPkce(Platform platform) => true;

    public Uri BuildAuthorizationUrl(Platform platform, string state, string codeVerifier, Uri redirectUri) => throw NotConfigured(platform);

    public Task<ConnectedGrant> ExchangeCodeAsync(Platform platform, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken) =>
        throw NotConfigured(platform);

    public Task<TokenGrant> RefreshAsync(Account account, AccountTokens tokens, CancellationToken cancellationToken) => throw NotConfigured(account.Platform);

    public Task<bool> RevokeAsync(Account account, string token, CancellationToken cancellationToken) => Task.FromResult(false);

    private static OAuthException NotConfigured(Platform platform) =>
        new(OAuthFailureKind.Misconfigured, $"{platform.ToWireName()} has no app credentials on this server.", "not_configured");
}
