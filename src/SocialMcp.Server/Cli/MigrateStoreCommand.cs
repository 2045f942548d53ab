using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SocialMcp.Platforms.Tokens.KeyRing;
using SocialMcp.Server.Hosting;
using SocialMcp.Storage.Transfer;

namespace SocialMcp.Server.Cli;

/// <summary>
/// <c>socialmcp migrate-store --from sqlite:PATH --to postgres:CONNSTR [--keys DIR]</c>: moves a single-node deployment's
/// data and token key ring into an empty PostgreSQL database (docs/postgres.md), then prints the row counts of both sides.
/// Exit 0 when every count matches, 1 when they differ (nothing committed), 2 when the copy was refused.
/// </summary>
public static class MigrateStoreCommand
{
    private const string SqlitePrefix = "sqlite:";
    private const string PostgresPrefix = "postgres:";

    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The SQLite database: sqlite:PATH.", Required = true };
        var to = new Option<string>("--to")
        {
            Description = "The empty PostgreSQL database: postgres:CONNSTR (Npgsql syntax, e.g. postgres:'Host=db;Database=socialmcp;Username=socialmcp;Password=…').",
            Required = true,
        };
        var keys = new Option<string?>("--keys")
        {
            Description = "The token key folder of the SQLite deployment. Default: Tokens:KeysDirectory when set, else keys/ beside the database.",
        };
        var command = new Command("migrate-store",
            "Copy a SQLite database (rows and token key ring) into an empty PostgreSQL database in one transaction, then compare row counts.")
        {
            from,
            to,
            keys,
        };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(from)!, result.GetValue(to)!, result.GetValue(keys), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string from, string to, string? keys, CancellationToken cancellationToken)
    {
        if (!from.StartsWith(SqlitePrefix, StringComparison.Ordinal) || from.Length == SqlitePrefix.Length)
            return await RefuseAsync("invalid_argument", $"--from must be {SqlitePrefix}PATH, e.g. {SqlitePrefix}/data/socialmcp.db.");
        if (!to.StartsWith(PostgresPrefix, StringComparison.Ordinal) || to.Length == PostgresPrefix.Length)
            return await RefuseAsync("invalid_argument", $"--to must be {PostgresPrefix}CONNSTR, e.g. {PostgresPrefix}'Host=db;Database=socialmcp;Username=socialmcp'.");
        var sqlitePath = Path.GetFullPath(from[SqlitePrefix.Length..]);
        var connectionString = to[PostgresPrefix.Length..];
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The driver's message may quote the string, password included: say only where to look.
            return await RefuseAsync("invalid_argument", "--to is not a valid PostgreSQL connection string (Npgsql syntax: Key=Value;Key=Value).");
        }

        // The same configuration sources as the server, so Tokens:KeysDirectory and logging settings apply alike.
        var builder = SocialMcpHost.CreateBuilder(new Dictionary<string, string?>());
        var keysDirectory = keys
            ?? (builder.Configuration[KeyRingProtection.KeysDirectoryKey] is { Length: > 0 } configured ? configured : null)
            ?? Path.Combine(Path.GetDirectoryName(sqlitePath) ?? ".", "keys");
        using var host = builder.Build();

        Console.WriteLine($"Copying {sqlitePath} (key ring: {Path.GetFullPath(keysDirectory)}) into PostgreSQL.");
        StoreTransferReport report;
        try
        {
            report = await new StoreTransfer(host.Services.GetRequiredService<ILoggerFactory>())
                .CopyAsync(sqlitePath, connectionString, keysDirectory, cancellationToken);
        }
        catch (StoreTransferException e)
        {
            return await RefuseAsync(e.Code, e.Message);
        }
        catch (NpgsqlException e)
        {
            // Connection failures and the like; the exception's own text can carry host details, so its type and state suffice.
            return await RefuseAsync("postgres_unavailable",
                $"PostgreSQL failed ({e.GetType().Name}{(e is PostgresException p ? " " + p.SqlState : "")}); nothing was committed. Check the connection string and that the server is up.");
        }

        Console.Write(FormatCounts(report));
        Console.WriteLine(report.Committed
            ? "All counts match: committed."
            : "Counts differ: rolled back, PostgreSQL is unchanged.");
        Console.WriteLine("Not moved: media files (copy the media folder to the shared volume, or point Media:Root at shared storage), " +
            "and the OAuth authorization server's database of serve --http (MCP clients register again).");
        return report.Committed ? 0 : 1;
    }

    /// <summary>The per-table counts as a plain aligned table, one line per table and a marker where they differ.</summary>
    public static string FormatCounts(StoreTransferReport report)
    {
        var width = Math.Max("table".Length, report.Tables.Max(t => t.Table.Length));
        var lines = new System.Text.StringBuilder();
        lines.AppendLine($"{"table".PadRight(width)}  {"sqlite",10}  {"postgres",10}");
        foreach (var table in report.Tables)
            lines.AppendLine($"{table.Table.PadRight(width)}  {table.Source,10}  {table.Target,10}{(table.Matches ? "" : "  MISMATCH")}");
        return lines.ToString();
    }

    private static async Task<int> RefuseAsync(string code, string message)
    {
        await Console.Error.WriteLineAsync($"socialmcp migrate-store: {code}: {message}");
        return 2;
    }
}
