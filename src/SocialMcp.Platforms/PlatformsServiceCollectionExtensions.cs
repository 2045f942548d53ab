using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Sandbox;

namespace SocialMcp.Platforms;

public static class PlatformsServiceCollectionExtensions
{
    public static IServiceCollection AddPlatformPublishers(this IServiceCollection services)
    {
        services.AddSingleton<SandboxPublisher>();
        services.AddSingleton<IPublisherResolver, PublisherResolver>();
        return services;
    }
}
