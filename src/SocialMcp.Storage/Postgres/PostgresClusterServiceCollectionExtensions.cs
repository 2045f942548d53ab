using Microsoft.Extensions.DependencyInjection;

namespace SocialMcp.Storage.Postgres;

public static class PostgresClusterServiceCollectionExtensions
{
    /// <summary>
    /// What several instances on one PostgreSQL database need besides the store: the listener that brings the other
    /// instances' changes in (scheduler and webhook wake-ups, post changes for resource subscribers), and the rate-limit
    /// windows counted in the database. For a host whose <c>Storage:Provider</c> is <c>postgres</c>.
    /// </summary>
    public static IServiceCollection AddPostgresCluster(this IServiceCollection services)
    {
        services.AddSingleton<PostgresRateWindows>();
        services.AddSingleton<PostgresChangeListener>();
        services.AddHostedService(provider => provider.GetRequiredService<PostgresChangeListener>());
        return services;
    }
}
