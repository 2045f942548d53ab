using System.Data.Common;
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
        // BEGIN IMMEDIATE: two processes starting on one new file must not both apply a migration.
        return await MigrationLedger.ApplyPendingAsync(connection, EmbeddedMigrations.Sqlite,
            _ => ValueTask.FromResult<DbTransaction>(connection.BeginTransaction(deferred: false)), logger, cancellationToken);
    }
}
