using Microsoft.EntityFrameworkCore;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// The authorization server's own database (EF Core): OpenIddict's applications, authorizations, scopes and tokens,
/// the operators who may approve clients, and the server's signing and encryption keys. Everything else stays in the
/// Dapper store; see docs/decisions.md ("Authorization server") for why this is a separate file.
/// </summary>
public sealed class AuthorizationDbContext(DbContextOptions<AuthorizationDbContext> options) : DbContext(options)
{
    public DbSet<WorkspaceOperator> Operators => Set<WorkspaceOperator>();

    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<WorkspaceOperator>(entity =>
        {
            entity.ToTable("operators");
            entity.HasKey(o => o.Id);
            entity.HasIndex(o => new { o.WorkspaceId, o.Name }).IsUnique();
        });
        modelBuilder.Entity<ServerKey>(entity =>
        {
            entity.ToTable("server_keys");
            entity.HasKey(k => k.Id);
        });
    }
}

/// <summary>A person who may sign in on the consent page and approve clients for one workspace. Only a hash of the password is kept.</summary>
public sealed class WorkspaceOperator
{
    public required string Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Name { get; set; }
    public required string PasswordHash { get; set; }
    public required DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An RSA key of the authorization server, its private part protected with ASP.NET Core Data Protection.</summary>
public sealed class ServerKey
{
    /// <summary><see cref="ServerKeys.SigningKeyId"/> or <see cref="ServerKeys.EncryptionKeyId"/>.</summary>
    public required string Id { get; set; }
    public required string ProtectedPrivateKey { get; set; }
    public required DateTimeOffset CreatedAt { get; set; }
}
