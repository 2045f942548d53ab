namespace SocialMcp.Storage;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions : System.ComponentModel.DataAnnotations.IValidatableObject
{
    public const string SectionName = "Storage";

    /// <summary>The SQLite file. Empty means the per-user default (<see cref="DefaultPath"/>).</summary>
    public string? Path { get; set; }

    /// <summary>How long a statement waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public string ResolvedPath => string.IsNullOrWhiteSpace(Path) ? DefaultPath : System.IO.Path.GetFullPath(Path);

    /// <summary>~/.local/share/socialmcp/socialmcp.db on Linux, %LOCALAPPDATA%\socialmcp\socialmcp.db on Windows.</summary>
    public static string DefaultPath => System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "socialmcp", "socialmcp.db");

    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        if (BusyTimeout <= TimeSpan.Zero)
            yield return new("Storage:BusyTimeout must be positive (e.g. 00:00:10).");
        if (!string.IsNullOrWhiteSpace(Path) && Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
            yield return new($"Storage:Path '{Path}' is not a valid file path.");
    }
}
