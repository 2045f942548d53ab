using System.Data.Common;

namespace SocialMcp.Storage.Repositories;

/// <summary>The database engine a store runs on. Repositories pick an engine's statement where the two dialects differ.</summary>
public enum StorageEngine
{
    Sqlite,
    Postgres,
}

/// <summary>The connection, the transaction (for writes) and the engine every repository of one unit of work uses.</summary>
public sealed record DbContext(DbConnection Connection, DbTransaction? Transaction, StorageEngine Engine)
{
    /// <summary>
    /// The statement for this engine. Most statements are the same on both; where they differ, the repository method
    /// holds both versions side by side and passes them here.
    /// </summary>
    public string Sql(string sqlite, string postgres) => Engine == StorageEngine.Postgres ? postgres : sqlite;

    public bool IsPostgres => Engine == StorageEngine.Postgres;
}
