using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core;
using SocialMcp.Core.Media;
using SocialMcp.Core.Storage;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The embedded SQLite store (Dapper over Microsoft.Data.Sqlite) and its migrations.</summary>
    public static IServiceCollection AddSocialStorage(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.SectionName);
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<IStore, SqliteStore>();
        // The media library's files (issue 13), beside the database unless Media:Root says otherwise.
        services.AddSingleton<IMediaFileStore, MediaFileStore>();
        return services;
    }
}
