using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocialMcp.Core;
using SocialMcp.Core.Media;
using SocialMcp.Core.Storage;
using SocialMcp.Storage.Migrations;
using SocialMcp.Storage.Postgres;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The store and its migrations on the engine <c>Storage:Provider</c> names: the embedded SQLite file (the default), or
    /// a shared PostgreSQL database. Both are Dapper over the same repositories.
    /// </summary>
    public static IServiceCollection AddSocialStorage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.SectionName);
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<SqliteMigrator>();
        services.AddSingleton<SqliteStore>();
        services.AddSingleton<PostgresDataSource>();
        services.AddSingleton<PostgresMigrator>();
        services.AddSingleton<PostgresStore>();
        services.AddSingleton<IStore>(provider => IsPostgres(provider)
            ? provider.GetRequiredService<PostgresStore>()
            : provider.GetRequiredService<SqliteStore>());
        services.AddSingleton<IStoreMigrator>(provider => IsPostgres(provider)
            ? provider.GetRequiredService<PostgresMigrator>()
            : provider.GetRequiredService<SqliteMigrator>());
        // The media library's files (issue 13), beside the database unless Media:Root says otherwise.
        services.AddSingleton<IMediaFileStore, MediaFileStore>();
        return services;
    }

    private static bool IsPostgres(IServiceProvider provider) => provider.GetRequiredService<IOptions<StorageOptions>>().Value.IsPostgres;
}
