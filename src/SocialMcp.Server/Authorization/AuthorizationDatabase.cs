using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace SocialMcp.Server.Authorization;

/// <summary>Creates the authorization database's schema on first use (once per process).</summary>
public sealed class AuthorizationDatabase(AuthorizationDbContext context)
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Created = [];

    /// <summary>The advisory lock key of the authorization tables' creation ("SMCPAUTH" as 8 bytes).</summary>
    internal const long CreationLockKey = 0x534D435041555448;

    public void EnsureCreated()
    {
        var connection = context.Database.GetConnectionString() ?? "";
        lock (Gate)
        {
            if (Created.Contains(connection))
                return;
            if (context.Database.IsNpgsql())
                EnsureCreatedInSharedDatabase();
            else
                EnsureCreatedInOwnFile();
            Created.Add(connection);
        }
    }

    private void EnsureCreatedInOwnFile()
    {
        context.Database.EnsureCreated();
        using var pragma = context.Database.GetDbConnection().CreateCommand();
        // As the main store: concurrent readers while one instance writes.
        context.Database.OpenConnection();
        pragma.CommandText = "PRAGMA journal_mode=WAL;";
        pragma.ExecuteNonQuery();
        context.Database.CloseConnection();
    }

    // The database already holds the store's tables, so EF Core's EnsureCreated would see "not empty" and do nothing: the
    // tables are created when the model's first table is missing, under an advisory lock so instances that start
    // together create them once.
    private void EnsureCreatedInSharedDatabase()
    {
        context.Database.OpenConnection();
        try
        {
            context.Database.ExecuteSql($"SELECT pg_advisory_lock({CreationLockKey});");
            try
            {
                var firstTable = context.Model.GetEntityTypes().Select(e => e.GetTableName()).First(n => n is not null);
                var exists = context.Database.SqlQuery<bool>($"SELECT to_regclass(quote_ident({firstTable})) IS NOT NULL AS \"Value\"").Single();
                if (!exists)
                    context.GetService<IRelationalDatabaseCreator>().CreateTables();
            }
            finally
            {
                context.Database.ExecuteSql($"SELECT pg_advisory_unlock({CreationLockKey});");
            }
        }
        finally
        {
            context.Database.CloseConnection();
        }
    }
}
