using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Http;

public static class PlatformHttpClients
{
    public static string NameOf(Platform platform) => "platform-" + platform.ToWireName();

    /// <summary>One named HttpClient per platform, each with the shared resilience handler shape.</summary>
    public static IServiceCollection AddPlatformHttpClients(this IServiceCollection services)
    {
        services.AddSingleton<PlatformPipelines>();
        foreach (var platform in PlatformNames.All)
        {
            services.AddOptions<PlatformOptions>(platform.ToWireName()).BindConfiguration($"Platforms:{platform.ToWireName()}");
            services.AddHttpClient(NameOf(platform))
                .AddHttpMessageHandler(sp => new PlatformResilienceHandler(platform, sp.GetRequiredService<PlatformPipelines>()));
        }
        return services;
    }
}
