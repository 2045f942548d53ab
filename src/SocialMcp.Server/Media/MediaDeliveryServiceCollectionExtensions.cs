using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Media;

namespace SocialMcp.Server.Media;

public static class MediaDeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The signed media URLs every host hands out (stdio too: the operator may run a listener at <c>Media:PublicBaseUrl</c>);
    /// the HTTP host serves them through <see cref="MediaEndpoints.MapSignedMedia"/>.
    /// </summary>
    public static IServiceCollection AddMediaDelivery(this IServiceCollection services)
    {
        services.TryAddSingleton<IMediaUrlSigner, MediaUrlSigner>();
        return services;
    }
}
