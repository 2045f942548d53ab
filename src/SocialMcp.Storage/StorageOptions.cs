namespace SocialMcp.Storage;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions : System.ComponentModel.DataAnnotations.IValidatableObject
{
    public const string SectionName = "Storage";

    public const string SqliteProvider = "sqlite";
    public const string PostgresProvider = "postgres";

    /// <summary>
    /// <c>sqlite</c> (the default: one file, no setup) or <c>postgres</c> (a shared database for several server instances,
    /// <see cref="ConnectionString"/> required).
    /// </summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>The PostgreSQL connection string (Npgsql syntax), for <c>Provider=postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The SQLite file. Empty means the per-user default (<see cref="DefaultPath"/>).</summary>
    public string? Path { get; set; }

    /// <summary>How long a statement waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsPostgres => string.Equals(Provider, PostgresProvider, StringComparison.OrdinalIgnoreCase);

    public string ResolvedPath => string.IsNullOrWhiteSpace(Path) ? DefaultPath : System.IO.Path.GetFullPath(Path);

    /// <summary>
    /// Where local files that sit beside the data live (the media library, the token key ring of a SQLite deployment): the
    /// SQLite file's folder, or the per-user data folder when the data is in PostgreSQL.
    /// </summary>
    public string DataDirectory => System.IO.Path.GetDirectoryName(IsPostgres ? DefaultPath : ResolvedPath) ?? ".";

    /// <summary>~/.local/share/socialmcp/socialmcp.db on Linux, %LOCALAPPDATA%\socialmcp\socialmcp.db on Windows.</summary>
    public static string DefaultPath => System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "socialmcp", "socialmcp.db");

    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        if (!string.Equals(Provider, SqliteProvider, StringComparison.OrdinalIgnoreCase) && !IsPostgres)
            yield return new($"Storage:Provider '{Provider}' is not known: use '{SqliteProvider}' (the default) or '{PostgresProvider}'.");
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new("Storage:Provider is 'postgres' but Storage:ConnectionString is empty: set it (or SOCIALMCP_Storage__ConnectionString), e.g. 'Host=db;Database=socialmcp;Username=socialmcp;Password=…'.");
        if (IsPostgres && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            string? problem = null;
            try { _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString); }
            catch (ArgumentException e) { problem = e.Message; }
            if (problem is not null)
                yield return new($"Storage:ConnectionString is not a valid PostgreSQL connection string: {problem}");
        }
        if (BusyTimeout <= TimeSpan.Zero)
            yield return new("Storage:BusyTimeout must be positive (e.g. 00:00:10).");
        if (!string.IsNullOrWhiteSpace(Path) && Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
            yield return new($"Storage:Path '{Path}' is not a valid file path.");
    }
}
