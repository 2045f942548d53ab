using Dapper;
using Microsoft.Extensions.Logging;
using SocialMcp.Storage.Migrations;

namespace SocialMcp.Storage.Sqlite;

/// <summary>
/// Applies the SQLite migrations (Migrations/Sqlite/NNNN_name.sql), each in its own transaction, recording each in
/// <c>schema_migrations</c>. Sets WAL journaling, which persists in the file.
/// </summary>
public sealed class SqliteMigrator(SqliteConnectionFactory connections, ILogger<SqliteMigrator> logger) : IStoreMigrator
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The database holds encrypted tokens but also posts, handles and audit entries that no other local user should
    /// read: it is created 0600 (SQLite gives its -wal and -shm files the database file's mode), and an older, looser
    /// file is tightened.
    /// </summary>
    private static void RestrictToOwner(string databasePath)
    {
        if (OperatingSystem.IsWindows())
            return;
        try
        {
            if (!File.Exists(databasePath))
            {
                // An empty file is a valid new SQLite database; creating it here is what lets us choose its mode.
                using var created = new FileStream(databasePath, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite,
                });
            }
            else if ((File.GetUnixFileMode(databasePath) & ~OwnerReadWrite) != 0)
            {
                File.SetUnixFileMode(databasePath, OwnerReadWrite);
            }
        }
        catch (IOException)
        {
            // Another process created it first, or the path is not a plain file: SQLite's own open reports what matters.
        }
        catch (UnauthorizedAccessException)
        {
            // Owned by another user (a shared deployment's choice): leave its mode alone.
        }
    }

    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(connections.DatabasePath);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        RestrictToOwner(connections.DatabasePath);

        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
            cancellationToken: cancellationToken));

        // One cheap read first: on a database that is up to date (every start but the first after an upgrade) the loop
        // below takes no write lock at all.
        var done = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations;", cancellationToken: cancellationToken))).ToHashSet();
        var applied = new List<int>();
        foreach (var migration in EmbeddedMigrations.Sqlite.Where(m => !done.Contains(m.Version)))
        {
            // BEGIN IMMEDIATE: two processes starting on one new file must not both apply a migration.
            await using var transaction = connection.BeginTransaction(deferred: false);
            // Checked again under the lock: another process may have applied it since the read above.
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
