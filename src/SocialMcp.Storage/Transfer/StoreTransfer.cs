using System.Globalization;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SocialMcp.Storage.Postgres;
using SocialMcp.Storage.Repositories;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Storage.Transfer;

/// <summary>
/// Copies a single-node SQLite database into an empty PostgreSQL database (docs/postgres.md, "Moving a SQLite
/// deployment"). Both sides are migrated to the latest schema first; the tables to copy are read from the schemas
/// themselves, so a table that one engine has and the other lacks stops the copy instead of being left behind. All rows
/// and the token key ring go in one PostgreSQL transaction, committed only when every table's count matches the source.
/// </summary>
public sealed class StoreTransfer(ILoggerFactory loggerFactory)
{
    /// <summary>PostgreSQL's table for the Data Protection key ring; the SQLite deployment keeps it as files instead.</summary>
    public const string KeyRingTable = "data_protection_keys";

    /// <summary>Each engine's own migration history: not copied (each side records its own migrations).</summary>
    private const string MigrationsTable = "schema_migrations";

    /// <summary>PostgreSQL's shared rate-limit windows: counting state of running instances, with no SQLite counterpart.</summary>
    private const string RateLimitTable = "rate_limit_windows";

    /// <summary>
    /// PostgreSQL's insertion-order column (an identity where SQLite uses its rowid): not copied, PostgreSQL numbers the
    /// rows as they arrive, and the source is read in rowid order so the order carries over.
    /// </summary>
    private const string InsertionOrderColumn = "seq";

    private readonly ILogger _logger = loggerFactory.CreateLogger<StoreTransfer>();

    /// <param name="sqlitePath">The SQLite file; it must exist (an absent path is refused, never created).</param>
    /// <param name="postgresConnectionString">The target database (Npgsql syntax); it must hold no rows.</param>
    /// <param name="keysDirectory">The Data Protection key folder of the SQLite deployment (<c>keys/</c> beside the file by default).</param>
    public async Task<StoreTransferReport> CopyAsync(string sqlitePath, string postgresConnectionString, string keysDirectory, CancellationToken cancellationToken)
    {
        var sourcePath = Path.GetFullPath(sqlitePath);
        if (!File.Exists(sourcePath))
            throw new StoreTransferException(StoreTransferErrors.SourceNotFound, $"The SQLite database '{sourcePath}' does not exist.");

        var sqlite = new SqliteConnectionFactory(Options.Create(new StorageOptions { Path = sourcePath }));
        await using var postgres = new PostgresDataSource(Options.Create(new StorageOptions
        {
            Provider = StorageOptions.PostgresProvider,
            ConnectionString = postgresConnectionString,
        }));

        // Refused before anything is written to either side, migrations included.
        await using (var probe = await postgres.OpenAsync(cancellationToken))
            await EnsureEmptyAsync(probe, null, await PostgresTableNamesAsync(probe, cancellationToken), cancellationToken);

        await new SqliteMigrator(sqlite, loggerFactory.CreateLogger<SqliteMigrator>()).ApplyAsync(cancellationToken);
        await new PostgresMigrator(postgres, loggerFactory.CreateLogger<PostgresMigrator>()).ApplyAsync(cancellationToken);

        await using var source = await sqlite.OpenAsync(cancellationToken);
        // A deferred read transaction is one WAL snapshot: the rows copied and the rows counted are the same set.
        await using var snapshot = source.BeginTransaction(deferred: true);
        await using var target = await postgres.OpenAsync(cancellationToken);

        var sourceColumns = await SqliteColumnsAsync(source, snapshot, cancellationToken);
        var targetColumns = WithoutInsertionOrder(await PostgresColumnsAsync(target, cancellationToken), sourceColumns);
        var tables = MatchSchemas(sourceColumns, targetColumns);
        var order = InsertionOrder(tables, await PostgresForeignKeysAsync(target, cancellationToken));
        var keyFiles = KeyFiles(keysDirectory);
        if (keyFiles.Count == 0 && await HasProtectedSecretsAsync(source, snapshot, sourceColumns, cancellationToken))
            throw new StoreTransferException(StoreTransferErrors.KeyRingMissing,
                $"The database holds encrypted tokens or secrets, but '{keysDirectory}' has no key files: without them nothing could decrypt " +
                "those after the move. Point --keys at the key folder (Tokens:KeysDirectory of the SQLite deployment).");

        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        // Nobody else writes while the copy runs, and a server that started meanwhile cannot have slipped rows in.
        await ExecuteAsync(target, transaction,
            $"LOCK TABLE {string.Join(", ", targetColumns.Keys.Where(t => t != MigrationsTable).Select(Quote))} IN EXCLUSIVE MODE;", cancellationToken);
        await EnsureEmptyAsync(target, transaction, targetColumns.Keys.ToList(), cancellationToken);

        foreach (var table in order)
        {
            var copied = await CopyTableAsync(source, snapshot, target, table, targetColumns[table], cancellationToken);
            _logger.LogInformation("Copied {Rows} row(s) of {Table}", copied, table);
        }
        await CopyKeyRingAsync(target, transaction, keyFiles, cancellationToken);
        await AdvanceIdentitiesAsync(target, transaction, cancellationToken);

        var counts = new List<TableCount>();
        foreach (var table in order)
            counts.Add(new TableCount(table, await CountAsync(source, snapshot, table, cancellationToken), await CountAsync(target, transaction, table, cancellationToken)));
        counts.Add(new TableCount(KeyRingTable, keyFiles.Count, await CountAsync(target, transaction, KeyRingTable, cancellationToken)));

        var report = new StoreTransferReport(counts, Committed: counts.All(c => c.Matches));
        if (report.Committed)
            await transaction.CommitAsync(cancellationToken);
        else
            await transaction.RollbackAsync(cancellationToken);
        return report;
    }

    private static async Task EnsureEmptyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> tables, CancellationToken cancellationToken)
    {
        var holding = new List<string>();
        foreach (var table in tables.Where(t => t != MigrationsTable).Order(StringComparer.Ordinal))
        {
            var count = await CountAsync(connection, transaction, table, cancellationToken);
            if (count > 0)
                holding.Add($"{table} ({count})");
        }
        if (holding.Count > 0)
            throw new StoreTransferException(StoreTransferErrors.TargetNotEmpty,
                $"The PostgreSQL database already holds data: {string.Join(", ", holding)}. migrate-store only fills an empty database " +
                "(nothing was written): give it a new database, and start the servers on it only after the copy.");
    }

    /// <summary>PostgreSQL's columns less the insertion-order identity, which PostgreSQL fills itself.</summary>
    private static Dictionary<string, IReadOnlyList<TargetColumn>> WithoutInsertionOrder(
        Dictionary<string, IReadOnlyList<TargetColumn>> target, Dictionary<string, HashSet<string>> source) =>
        target.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<TargetColumn>)pair.Value
                .Where(c => c.Name != InsertionOrderColumn || source.GetValueOrDefault(pair.Key)?.Contains(c.Name) == true).ToList(),
            StringComparer.Ordinal);

    /// <summary>The tables both engines must have, with PostgreSQL's column types; any difference is an error.</summary>
    private static Dictionary<string, IReadOnlyList<TargetColumn>> MatchSchemas(
        Dictionary<string, HashSet<string>> source, Dictionary<string, IReadOnlyList<TargetColumn>> target)
    {
        var problems = new List<string>();
        var sourceTables = source.Keys.Where(t => t != MigrationsTable).ToHashSet();
        var targetTables = target.Keys.Where(t => t is not (MigrationsTable or KeyRingTable or RateLimitTable)).ToHashSet();
        foreach (var table in sourceTables.Except(targetTables).Order(StringComparer.Ordinal))
            problems.Add($"table {table} is in SQLite but not in PostgreSQL");
        foreach (var table in targetTables.Except(sourceTables).Order(StringComparer.Ordinal))
            problems.Add($"table {table} is in PostgreSQL but not in SQLite");
        foreach (var table in sourceTables.Intersect(targetTables).Order(StringComparer.Ordinal))
        {
            var targetNames = target[table].Select(c => c.Name).ToHashSet();
            foreach (var column in source[table].Except(targetNames).Order(StringComparer.Ordinal))
                problems.Add($"column {table}.{column} is in SQLite but not in PostgreSQL");
            foreach (var column in targetNames.Except(source[table]).Order(StringComparer.Ordinal))
                problems.Add($"column {table}.{column} is in PostgreSQL but not in SQLite");
        }
        if (problems.Count > 0)
            throw new StoreTransferException(StoreTransferErrors.SchemaMismatch,
                $"The two schemas differ, so the copy would lose data (nothing was copied): {string.Join("; ", problems)}. " +
                "Use a socialmcp build whose migrations cover both engines, or remove what another tool added.");
        return sourceTables.ToDictionary(t => t, t => target[t], StringComparer.Ordinal);
    }

    /// <summary>Parents before children, by PostgreSQL's foreign keys; ties in name order, so every run copies alike.</summary>
    private static List<string> InsertionOrder(Dictionary<string, IReadOnlyList<TargetColumn>> tables, IReadOnlyList<(string Child, string Parent)> foreignKeys)
    {
        var parents = tables.Keys.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (child, parent) in foreignKeys)
        {
            if (child != parent && parents.ContainsKey(child) && parents.ContainsKey(parent))
                parents[child].Add(parent);
        }
        var order = new List<string>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (order.Count < parents.Count)
        {
            var ready = parents.Keys.Where(t => !placed.Contains(t) && parents[t].IsSubsetOf(placed)).Order(StringComparer.Ordinal).ToList();
            if (ready.Count == 0)
                throw new StoreTransferException(StoreTransferErrors.SchemaMismatch,
                    $"The foreign keys of {string.Join(", ", parents.Keys.Where(t => !placed.Contains(t)).Order(StringComparer.Ordinal))} form a cycle: no copy order exists.");
            order.AddRange(ready);
            placed.UnionWith(ready);
        }
        return order;
    }

    /// <summary>
    /// Streams the table through binary COPY: rows go to the server in the driver's buffer-sized chunks, and only one row
    /// is held in memory, whatever the table's size.
    /// </summary>
    private static async Task<long> CopyTableAsync(SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, string table,
        IReadOnlyList<TargetColumn> columns, CancellationToken cancellationToken)
    {
        var columnList = string.Join(", ", columns.Select(c => Quote(c.Name)));
        await using var read = source.CreateCommand();
        read.Transaction = snapshot;
        read.CommandText = $"SELECT {columnList} FROM {Quote(table)} ORDER BY rowid;";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);

        await using var writer = await target.BeginBinaryImportAsync($"COPY {Quote(table)} ({columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await writer.StartRowAsync(cancellationToken);
            for (var i = 0; i < columns.Count; i++)
            {
                var value = reader.GetValue(i);
                if (value is DBNull)
                    await writer.WriteNullAsync(cancellationToken);
                else
                    await WriteValueAsync(writer, table, columns[i], value, cancellationToken);
            }
            rows++;
        }
        await writer.CompleteAsync(cancellationToken);
        return rows;
    }

    /// <summary>SQLite's loose values as PostgreSQL's typed ones: its 0/1 flags become booleans, numbers stay numbers.</summary>
    private static Task WriteValueAsync(NpgsqlBinaryImporter writer, string table, TargetColumn column, object value, CancellationToken cancellationToken)
    {
        try
        {
            return column.Type switch
            {
                "boolean" => writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean, cancellationToken),
                "bigint" => writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken),
                "integer" => writer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken),
                "double precision" => writer.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellationToken),
                "text" => writer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, cancellationToken),
                "bytea" => writer.WriteAsync((byte[])value, NpgsqlDbType.Bytea, cancellationToken),
                _ => throw new StoreTransferException(StoreTransferErrors.UnsupportedValue,
                    $"Column {table}.{column.Name} has PostgreSQL type '{column.Type}', which migrate-store does not know how to fill."),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new StoreTransferException(StoreTransferErrors.UnsupportedValue,
                $"A value of {table}.{column.Name} (SQLite type {value.GetType().Name}) does not fit PostgreSQL type '{column.Type}'.");
        }
    }

    /// <summary>
    /// One row per key file: friendly_name is the file name without .xml (as the file-system repository names it), xml the
    /// file as it is, so keys encrypted with Tokens:KeyEncryptionSecret stay encrypted and need the same secret after the move.
    /// </summary>
    private static async Task CopyKeyRingAsync(NpgsqlConnection target, NpgsqlTransaction transaction, IReadOnlyList<FileInfo> keyFiles, CancellationToken cancellationToken)
    {
        foreach (var file in keyFiles)
        {
            var xml = await File.ReadAllTextAsync(file.FullName, cancellationToken);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {KeyRingTable} (friendly_name, xml, created_at) VALUES (@name, @xml, @created);", target, transaction);
            insert.Parameters.AddWithValue("name", Path.GetFileNameWithoutExtension(file.Name));
            insert.Parameters.AddWithValue("xml", xml);
            insert.Parameters.AddWithValue("created", DbValues.Time(KeyCreatedAt(xml, file)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The key's own creation (or revocation) date; the file's time when the XML carries none.</summary>
    private static DateTimeOffset KeyCreatedAt(string xml, FileInfo file)
    {
        try
        {
            var date = XDocument.Parse(xml).Descendants().FirstOrDefault(e => e.Name.LocalName is "creationDate" or "revocationDate")?.Value;
            if (date is not null && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return parsed;
        }
        catch (System.Xml.XmlException)
        {
            // Copied as it is all the same: Data Protection reports a broken key itself, with its own words.
        }
        return new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
    }

    private static List<FileInfo> KeyFiles(string keysDirectory)
    {
        var directory = new DirectoryInfo(keysDirectory);
        return directory.Exists
            ? directory.EnumerateFiles("*.xml").OrderBy(f => f.Name, StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Whether any <c>*_reference</c> column holds a Data Protection ciphertext (<c>dp:…</c>) that needs the key ring.</summary>
    private static async Task<bool> HasProtectedSecretsAsync(SqliteConnection source, SqliteTransaction snapshot,
        Dictionary<string, HashSet<string>> columns, CancellationToken cancellationToken)
    {
        foreach (var (table, names) in columns)
        {
            foreach (var column in names.Where(n => n.EndsWith("_reference", StringComparison.Ordinal)))
            {
                await using var command = source.CreateCommand();
                command.Transaction = snapshot;
                command.CommandText = $"SELECT EXISTS (SELECT 1 FROM {Quote(table)} WHERE {Quote(column)} LIKE 'dp:%');";
                if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 0)
                    return true;
            }
        }
        return false;
    }

    /// <summary>Identity columns got their values from SQLite: their sequences move past the largest, so new rows do not collide.</summary>
    private static async Task AdvanceIdentitiesAsync(NpgsqlConnection target, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var identities = new List<(string Table, string Column)>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1, 2;",
            target, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                identities.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (table, column) in identities)
        {
            await using var advance = new NpgsqlCommand(
                $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE(MAX({Quote(column)}), 0) + 1, false) FROM {Quote(table)};",
                target, transaction);
            advance.Parameters.AddWithValue("table", Quote(table));
            advance.Parameters.AddWithValue("column", column);
            await advance.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<List<string>> PostgresTableNamesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE';", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            tables.Add(reader.GetString(0));
        return tables;
    }

    private static async Task<Dictionary<string, IReadOnlyList<TargetColumn>>> PostgresColumnsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, List<TargetColumn>>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            """
            SELECT c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position;
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            if (!columns.TryGetValue(table, out var list))
                columns[table] = list = [];
            list.Add(new TargetColumn(reader.GetString(1), reader.GetString(2)));
        }
        return columns.ToDictionary(p => p.Key, IReadOnlyList<TargetColumn> (p) => p.Value, StringComparer.Ordinal);
    }

    private static async Task<List<(string Child, string Parent)>> PostgresForeignKeysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var keys = new List<(string, string)>();
        await using var command = new NpgsqlCommand(
            """
            SELECT child.relname, parent.relname
            FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid
            JOIN pg_class parent ON parent.oid = k.confrelid
            WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace;
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            keys.Add((reader.GetString(0), reader.GetString(1)));
        return keys;
    }

    private static async Task<Dictionary<string, HashSet<string>>> SqliteColumnsAsync(SqliteConnection connection, SqliteTransaction snapshot, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText =
            """
            SELECT m.name, p.name
            FROM sqlite_schema m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            ORDER BY m.name, p.cid;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            if (!columns.TryGetValue(table, out var set))
                columns[table] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(reader.GetString(1));
        }
        return columns;
    }

    private static async Task<long> CountAsync(SqliteConnection connection, SqliteTransaction snapshot, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = $"SELECT COUNT(*) FROM {Quote(table)};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {Quote(table)};", connection, transaction);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Table and column names come from the schemas, never from input; quoted all the same.</summary>
    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record TargetColumn(string Name, string Type);
}
