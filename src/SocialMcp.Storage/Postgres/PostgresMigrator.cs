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
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
                cancellationToken: cancellationToken));
            var done = (await connection.QueryAsync<int>(new CommandDefinition(
                "SELECT version FROM schema_migrations;", cancellationToken: cancellationToken))).ToHashSet();

            var applied = new List<int>();
            foreach (var migration in EmbeddedMigrations.Postgres)
            {
                if (done.Contains(migration.Version))
                    continue;
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt);",
                    new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToString("O") }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                applied.Add(migration.Version);
                logger.LogInformation("Applied PostgreSQL migration {Version} {Name}", migration.Version, migration.Name);
            }
            return applied;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key);", new { key = MigrationLockKey }, cancellationToken: CancellationToken.None));
        }
    }
}
