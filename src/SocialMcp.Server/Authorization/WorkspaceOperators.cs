using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SocialMcp.Core.Errors;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// The people who may approve clients on the consent page, one workspace each, created with <c>socialmcp admin create</c>.
/// The password is generated, shown once, and stored only as a salted PBKDF2 hash (ASP.NET Core Identity's hasher).
/// </summary>
public sealed class WorkspaceOperators(AuthorizationDbContext context, AuthorizationDatabase database, TimeProvider time)
{
    private static readonly PasswordHasher<WorkspaceOperator> Hasher = new();

    // Verified when the name is unknown too, so a sign-in takes as long either way.
    private static readonly string UnknownOperatorHash = Hasher.HashPassword(null!, "unknown-operator");

    public async Task<(WorkspaceOperator Operator, string Password)> CreateAsync(string workspaceId, string name, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        name = name.Trim();
        if (name.Length is 0 or > 100)
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "The operator's name must be 1 to 100 characters.", "$.name",
                Hint: "Give a short name, e.g. --name alice.")]);
        if (await context.Operators.AnyAsync(o => o.WorkspaceId == workspaceId && o.Name == name, cancellationToken))
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, $"This workspace already has an operator named '{name}'.", "$.name",
                Hint: "Choose another name, or remove the old operator with admin remove.")]);

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var created = new WorkspaceOperator
        {
            Id = "op_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            WorkspaceId = workspaceId,
            Name = name,
            PasswordHash = "",
            CreatedAt = time.GetUtcNow(),
        };
        created.PasswordHash = Hasher.HashPassword(created, password);
        context.Operators.Add(created);
        await context.SaveChangesAsync(cancellationToken);
        return (created, password);
    }

    public async Task<IReadOnlyList<WorkspaceOperator>> ListAsync(string? workspaceId, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        var query = context.Operators.AsNoTracking();
        if (workspaceId is not null)
            query = query.Where(o => o.WorkspaceId == workspaceId);
        var all = await query.ToListAsync(cancellationToken);
        return [.. all.OrderBy(o => o.WorkspaceId, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal)];
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        return await context.Operators.Where(o => o.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>The operator whose name and password these are in the workspace, or null.</summary>
    public async Task<WorkspaceOperator?> VerifyAsync(string workspaceId, string name, string password, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        var found = await context.Operators.AsNoTracking()
            .SingleOrDefaultAsync(o => o.WorkspaceId == workspaceId && o.Name == name.Trim(), cancellationToken);
        var result = Hasher.VerifyHashedPassword(found!, found?.PasswordHash ?? UnknownOperatorHash, password);
        return found is not null && result != PasswordVerificationResult.Failed ? found : null;
    }

    public async Task<WorkspaceOperator?> FindAsync(string id, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        return await context.Operators.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
    }
}
