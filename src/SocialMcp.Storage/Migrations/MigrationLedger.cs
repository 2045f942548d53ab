using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace SocialMcp.Storage.Migrations;

/// <summary>
/// The part of migrating both engines share: the <c>schema_migrations</c> ledger, and applying each pending migration in
/// its own transaction together with its ledger row. How the run is kept to one process at a time is the engine's own
/// (a write-locking transaction per migration on SQLite, an advisory lock around the run on PostgreSQL).
/// </summary>
internal static class MigrationLedger
{
    /// <summary>
    /// Applies the migrations of <paramref name="migrations"/> not in the ledger, in version order, and returns their
    /// versions. <paramref name="beginAsync"/> opens each migration's transaction; a version another process recorded
    /// while this one waited for that transaction is skipped.
    /// </summary>
    public static async Task<IReadOnlyList<int>> ApplyPendingAsync(
        DbConnection connection,
        IReadOnlyList<Migration> migrations,
        Func<CancellationToken, ValueTask<DbTransaction>> beginAsync,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
            cancellationToken: cancellationToken));

        // One cheap read first: on a database that is up to date (every start but the first after an upgrade) nothing
        // below runs, so no write lock is taken.
        var done = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations;", cancellationToken: cancellationToken))).ToHashSet();
        var applied = new List<int>();
        foreach (var migration in migrations.Where(m => !done.Contains(m.Version)))
        {
            await using var transaction = await beginAsync(cancellationToken);
            var appliedMeanwhile = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version;", new { migration.Version }, transaction, cancellationToken: cancellationToken));
            if (appliedMeanwhile > 0)
                continue;

            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt);",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToString("O") }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration.Version);
            logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
        }
        return applied;
    }
}
