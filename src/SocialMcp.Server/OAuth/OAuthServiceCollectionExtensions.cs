using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Accounts.OAuth;

namespace SocialMcp.Server.OAuth;

public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// What every command needs to hand out connect links: <c>OAuth</c> options, the signed links (also the
    /// <see cref="IReconnectLinks"/> that list_accounts and AUTH_EXPIRED results use) and the stdio server's loopback connects.
    /// The HTTP endpoints are mapped by <see cref="OAuthEndpoints.MapOAuthConnect"/>.
    /// </summary>
    public static IServiceCollection AddOAuthConnect(this IServiceCollection services)
    {
        services.AddOptions<OAuthOptions>().BindConfiguration(OAuthOptions.SectionName);
        services.TryAddSingleton<ConnectLinks>();
        services.TryAddSingleton<IReconnectLinks>(sp => sp.GetRequiredService<ConnectLinks>());
        services.TryAddSingleton<LoopbackConnects>();
        return services;
    }
}
