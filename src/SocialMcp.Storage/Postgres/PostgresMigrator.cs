using Dapper;
using Microsoft.Extensions.Logging;
using SocialMcp.Storage.Migrations;

namespace SocialMcp.Storage.Postgres;

/// <summary>
/// Applies the PostgreSQL migrations (Migrations/Postgres/NNNN_name.sql), each in its own transaction, recorded in
/// <c>schema_migrations</c>. The whole run holds a session-level advisory lock, so instances that start together
/// migrate once: the others wait on the lock, then find every version applied.
/// </summary>
public sealed class PostgresMigrator(PostgresDataSource connections, ILogger<PostgresMigrator> logger) : IStoreMigrator
{
    /// <summary>The advisory lock key of migrations ("SMCPMIGR" as 8 bytes); any instance of any version uses the same.</summary>
    internal const long MigrationLockKey = 0x534D43504D494752;

    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key);", new { key = MigrationLockKey }, cancellationToken: cancellationToken));
        try
        {
            return await MigrationLedger.ApplyPendingAsync(connection, EmbeddedMigrations.Postgres,
                async ct => await connection.BeginTransactionAsync(ct), logger, cancellationToken);
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key);", new { key = MigrationLockKey }, cancellationToken: CancellationToken.None));
        }
    }
}
