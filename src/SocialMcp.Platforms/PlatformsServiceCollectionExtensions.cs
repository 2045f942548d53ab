using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters;
using SocialMcp.Platforms.Http;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Platforms.Tokens;

namespace SocialMcp.Platforms;

public static class PlatformsServiceCollectionExtensions
{
    /// <summary>
    /// The publishers: one adapter per platform (every concrete <see cref="PlatformAdapter"/> in this assembly),
    /// their HttpClients with the shared resilience handler, the token vault (Data Protection keys in
    /// <c>Tokens:KeysDirectory</c>), and the sandbox publisher for sandbox accounts.
    /// </summary>
    public static IServiceCollection AddPlatformPublishers(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddPlatformHttpClients();
        services.AddDataProtection().SetApplicationName("socialmcp");
        services.AddOptions<KeyManagementOptions>().Configure<IConfiguration>((keys, configuration) =>
        {
            var directory = configuration["Tokens:KeysDirectory"];
            if (!string.IsNullOrWhiteSpace(directory))
                keys.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
                    Directory.CreateDirectory(directory), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        });
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
