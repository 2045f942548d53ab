using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Http;

public static class PlatformHttpClients
{
    /// <summary>The resilience pipeline's name within each platform's HttpClient (the registry key is "platform-x-resilience").</summary>
    public const string PipelineName = "resilience";

    public static string NameOf(Platform platform) => "platform-" + platform.ToWireName();

    /// <summary>
    /// One named HttpClient per platform, each with its own named resilience pipeline (<see cref="PlatformResiliencePipeline"/>)
    /// built from that platform's <see cref="PlatformOptions"/>. The pipeline registry keeps each pipeline for the
    /// container's life, so a platform's circuit breaker sees all of its calls across the factory's handler rotations.
    /// </summary>
    public static IServiceCollection AddPlatformHttpClients(this IServiceCollection services)
    {
        foreach (var platform in PlatformNames.All)
        {
            var name = platform.ToWireName();
            services.AddOptions<PlatformOptions>(name).BindConfiguration($"Platforms:{name}");
            services.AddHttpClient(NameOf(platform))
                .AddResilienceHandler(PipelineName, (pipeline, context) => PlatformResiliencePipeline.Configure(
                    pipeline, context.GetOptions<PlatformOptions>(name), context.ServiceProvider.GetRequiredService<TimeProvider>()));
        }
        return services;
    }
}
