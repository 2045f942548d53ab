using Microsoft.Extensions.Options;
using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Workspaces;

/// <summary>Workspaces (tenants) and their API keys: what the operator manages from the command line.</summary>
public sealed class WorkspaceService(IStore store, TimeProvider time, IOptions<WorkspaceOptions> options)
{
    public Task<Workspace> CreateAsync(string name, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            if (await session.Workspaces.FindByNameAsync(name, cancellationToken) is not null)
                throw Invalid($"A workspace named '{name}' already exists.", "$.name");
            var now = time.GetUtcNow();
            var workspace = new Workspace(Guid.CreateVersion7(now).ToString(), name, now);
            await WorkspaceProvisioner.ProvisionAsync(session, workspace, options.Value.SandboxAccounts, cancellationToken);
            return workspace;
        }, cancellationToken);

    public Task<IReadOnlyList<Workspace>> ListAsync(CancellationToken cancellationToken) =>
        store.ReadAsync(session => session.Workspaces.ListAsync(cancellationToken), cancellationToken);

    /// <summary>Finds a workspace by id or by name.</summary>
    public Task<Workspace> ResolveAsync(string idOrName, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
            await session.Workspaces.GetAsync(idOrName, cancellationToken)
            ?? await session.Workspaces.FindByNameAsync(idOrName, cancellationToken)
            ?? throw new NotFoundException(new Problem(ErrorCodes.ValidationFailed, $"No workspace '{idOrName}'.", "$.workspace",
                Hint: "List them with: socialmcp workspaces list")), cancellationToken);

    /// <summary>Creates a key and returns it with its plaintext, which is shown once and never stored.</summary>
    public Task<(ApiKey Key, string Plaintext)> CreateKeyAsync(string workspaceId, string name, IReadOnlyList<string>? scopes, CancellationToken cancellationToken) =>
        store.WriteAsync(async session =>
        {
            var granted = scopes is null || scopes.Count == 0 ? Scopes.All : scopes.Distinct().ToList();
            // posts:approve is Known but never in the default: a person's key asks for it by name (issue 16).
            var unknown = granted.Except(Scopes.Known).ToList();
            if (unknown.Count > 0)
                throw Invalid($"Unknown scope(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Scopes.Known)}.", "$.scopes");
            if (await session.Workspaces.GetAsync(workspaceId, cancellationToken) is null)
                throw Invalid($"No workspace '{workspaceId}'.", "$.workspace");

            var (id, secret, plaintext) = ApiKeyFormat.Generate();
            var key = new ApiKey
            {
                Id = id,
                WorkspaceId = workspaceId,
                Name = name,
                Scopes = granted,
                SecretHash = ApiKeyFormat.Hash(secret),
                CreatedAt = time.GetUtcNow(),
            };
            await session.ApiKeys.InsertAsync(key, cancellationToken);
            return (key, plaintext);
        }, cancellationToken);

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? workspaceId, CancellationToken cancellationToken) =>
        store.ReadAsync(session => session.ApiKeys.ListAsync(workspaceId, cancellationToken), cancellationToken);

    public Task<bool> RevokeKeyAsync(string keyId, CancellationToken cancellationToken) =>
        store.WriteAsync(session => session.ApiKeys.RevokeAsync(keyId, time.GetUtcNow(), cancellationToken), cancellationToken);

    /// <summary>The live key a presented secret belongs to, or null (unknown, malformed, wrong secret or revoked).</summary>
    public async Task<ApiKey?> AuthenticateAsync(string? presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presented, out var id, out var secret))
            return null;
        var key = await store.ReadAsync(session => session.ApiKeys.GetAsync(id, cancellationToken), cancellationToken);
        // Hash and compare even for an unknown id, so timing does not tell which ids exist.
        var matches = ApiKeyFormat.Matches(secret, key?.SecretHash ?? new string('0', 64));
        return key is not null && matches && !key.IsRevoked ? key : null;
    }

    private static DomainValidationException Invalid(string message, string path) =>
        new([new Problem(ErrorCodes.ValidationFailed, message, path)]);
}
