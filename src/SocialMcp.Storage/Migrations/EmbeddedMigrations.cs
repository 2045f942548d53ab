using SocialMcp.Storage.Migrations;
using System.Reflection;
using System.Text.RegularExpressions;
using SocialMcp.Storage.Repositories;

namespace SocialMcp.Storage.Migrations;

public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// The numbered .sql files embedded in this assembly, one set per engine: Migrations/Sqlite/NNNN_name.sql and
/// Migrations/Postgres/NNNN_name.sql. Each set is numbered on its own; the PostgreSQL set starts from the schema the
/// SQLite set had reached when PostgreSQL support began.
/// </summary>
public static partial class EmbeddedMigrations
{
    public static IReadOnlyList<Migration> Sqlite { get; } = Load("Sqlite");

    public static IReadOnlyList<Migration> Postgres { get; } = Load("Postgres");

    public static IReadOnlyList<Migration> For(StorageEngine engine) => engine == StorageEngine.Postgres ? Postgres : Sqlite;

    private static List<Migration> Load(string folder)
    {
        var assembly = typeof(EmbeddedMigrations).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success || match.Groups["engine"].Value != folder)
                continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        var duplicates = migrations.GroupBy(m => m.Version).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new InvalidOperationException($"Two {folder} migrations share version(s) {string.Join(", ", duplicates)}.");
        return migrations.OrderBy(m => m.Version).ToList();
    }

    [GeneratedRegex(@"Migrations\.(?<engine>Sqlite|Postgres)\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
