using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// Configuration section <c>AuthorizationServer</c>: the OAuth 2.1 authorization server that lets hosted MCP clients
/// (custom connectors) reach <c>/mcp</c> without an API key header (docs/authorization.md). Its public address is
/// <c>OAuth:PublicBaseUrl</c>, the same one the platform connect pages use.
/// </summary>
public sealed class AuthorizationServerOptions : IValidatableObject
{
    public const string SectionName = "AuthorizationServer";

    /// <summary>Serve the authorization server and accept its access tokens at <c>/mcp</c> (with <c>serve --http</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The SQLite file holding clients, grants, tokens, operator sign-ins and signing keys. Empty: beside
    /// <c>Storage:Path</c>, named <c>{database}.authorization.db</c>.
    /// </summary>
    public string? DatabasePath { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long an authorization code can be exchanged (once).</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an operator stays signed in on the consent page.</summary>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a fetched client ID metadata document is trusted before it is fetched again.</summary>
    public TimeSpan ClientMetadataLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The largest client ID metadata document read.</summary>
    public long MaxClientMetadataBytes { get; set; } = 16 * 1024;

    public TimeSpan ClientMetadataTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The database file in force: <see cref="DatabasePath"/>, else beside the main database.</summary>
    public string ResolveDatabasePath(string mainDatabasePath) =>
        !string.IsNullOrWhiteSpace(DatabasePath)
            ? Path.GetFullPath(DatabasePath)
            : Path.Combine(Path.GetDirectoryName(mainDatabasePath) ?? ".", Path.GetFileNameWithoutExtension(mainDatabasePath) + ".authorization.db");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(AccessTokenLifetime), AccessTokenLifetime), (nameof(RefreshTokenLifetime), RefreshTokenLifetime),
                     (nameof(AuthorizationCodeLifetime), AuthorizationCodeLifetime), (nameof(SignInLifetime), SignInLifetime),
                     (nameof(ClientMetadataLifetime), ClientMetadataLifetime), (nameof(ClientMetadataTimeout), ClientMetadataTimeout),
                 })
        {
            if (value <= TimeSpan.Zero)
                yield return new ValidationResult($"AuthorizationServer:{name} must be positive (e.g. 00:10:00).");
        }
        if (AuthorizationCodeLifetime > TimeSpan.FromMinutes(10))
            yield return new ValidationResult("AuthorizationServer:AuthorizationCodeLifetime must be at most 00:10:00: codes are short-lived.");
        if (MaxClientMetadataBytes < 512)
            yield return new ValidationResult("AuthorizationServer:MaxClientMetadataBytes must be at least 512.");
    }
}
