using SocialMcp.Platforms.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters;
using SocialMcp.Platforms.Http;
using SocialMcp.Platforms.Media;
using SocialMcp.Platforms.OAuth;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Platforms.Tokens;
using SocialMcp.Platforms.Tokens.KeyRing;

namespace SocialMcp.Platforms;

public static class PlatformsServiceCollectionExtensions
{
    /// <summary>
    /// The publishers: one adapter per platform (every concrete <see cref="PlatformAdapter"/> in this assembly),
    /// their HttpClients with the shared resilience handler, the token vault (Data Protection keys in
    /// <c>Tokens:KeysDirectory</c>, owner-only and encrypted at rest: <see cref="KeyRingProtection"/>), the sandbox
    /// publisher for sandbox accounts, and the platforms' OAuth clients
    /// (<see cref="SocialMcp.Core.Accounts.OAuth.IPlatformOAuth"/>, with their own no-retry HttpClients).
    /// </summary>
    public static IServiceCollection AddPlatformPublishers(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddPlatformHttpClients();
        services.AddGuardedMediaFetcher();
        services.AddWebhookTransport();
        services.AddPlatformOAuth();
        services.AddProtectedKeyRing();
        services.AddSingleton<ITokenCipher, TokenCipher>();
        services.AddSingleton<ITokenVault, TokenVault>();

        // Adapters are discovered rather than listed so each platform lives in its own folder without a shared edit.
        foreach (var adapter in typeof(PlatformAdapter).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(PlatformAdapter)) && !t.IsAbstract))
            services.AddSingleton(typeof(PlatformAdapter), adapter);

        services.AddSingleton<SocialMcp.Core.Accounts.IAccountVerifier, PlatformAccountVerifier>();
        services.AddSingleton<SandboxPublisher>();
        services.AddSingleton<IPublisherResolver, PublisherResolver>();
        return services;
    }
}
