using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core;
using SocialMcp.Core.Media;

namespace SocialMcp.Platforms.Media;

public static class MediaFetchServiceCollectionExtensions
{
    /// <summary>
    /// The guarded fetcher and its own HttpClient: no automatic redirects (each one is checked by the fetcher), no proxy
    /// (the connection must go to the checked address), and a ConnectCallback that connects only to addresses the guard
    /// checked. The fetcher's timeout bounds a fetch, so the client's own is off.
    /// </summary>
    public static IServiceCollection AddGuardedMediaFetcher(this IServiceCollection services)
    {
        // Registered here too so the fetcher works wherever the publishers are; bound and validated once either way.
        services.AddValidatedOptions<MediaOptions>(MediaOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.TryAddSingleton<HostGuard>();
        services.TryAddSingleton<IMediaFetcher, GuardedMediaFetcher>();
        services.AddHttpClient(GuardedMediaFetcher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(HostGuard.CreateHandler);
        return services;
    }
}
