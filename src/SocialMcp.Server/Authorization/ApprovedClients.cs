using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace SocialMcp.Server.Authorization;

/// <summary>One approval: an operator let a client act in a workspace with these scopes.</summary>
public sealed record ClientApproval(string AuthorizationId, string WorkspaceId, string OperatorId, IReadOnlyList<string> Scopes, DateTimeOffset? ApprovedAt);

/// <summary>A registered client and its live approvals.</summary>
public sealed record ApprovedClient(string ClientId, string Name, string Registration, IReadOnlyList<string> RedirectUris, IReadOnlyList<ClientApproval> Approvals);

/// <summary>
/// The clients operators approved, for <c>socialmcp clients list|revoke</c> and the consent page. Revoking kills the
/// client's grants and every token issued under them at once (/mcp checks each token's entry).
/// </summary>
public sealed class ApprovedClients(
    IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens,
    AuthorizationDatabase database, AuthorizationDbContext context)
{
    /// <summary>The authorization property naming the workspace an approval is for.</summary>
    public const string WorkspaceProperty = "socialmcp_workspace";

    /// <summary>The application property saying how the client registered: "dynamic" (RFC 7591) or "metadata_document".</summary>
    public const string RegistrationProperty = "socialmcp_registration";

    public async Task<IReadOnlyList<ApprovedClient>> ListAsync(string? workspaceId, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        var result = new List<ApprovedClient>();
        await foreach (var application in applications.ListAsync(null, null, cancellationToken))
        {
            var id = await applications.GetIdAsync(application, cancellationToken);
            var approvals = new List<ClientApproval>();
            await foreach (var authorization in authorizations.FindByApplicationIdAsync(id!, cancellationToken))
            {
                if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken))
                    continue;
                var approval = await ApprovalOfAsync(authorization, cancellationToken);
                if (workspaceId is null || approval.WorkspaceId == workspaceId)
                    approvals.Add(approval);
            }
            if (workspaceId is not null && approvals.Count == 0)
                continue;
            var properties = await applications.GetPropertiesAsync(application, cancellationToken);
            result.Add(new ApprovedClient(
                (await applications.GetClientIdAsync(application, cancellationToken))!,
                await applications.GetDisplayNameAsync(application, cancellationToken) ?? "(no name)",
                properties.TryGetValue(RegistrationProperty, out var kind) ? kind.GetString() ?? "dynamic" : "dynamic",
                [.. await applications.GetRedirectUrisAsync(application, cancellationToken)],
                approvals));
        }
        return result;
    }

    /// <summary>
    /// With no workspace: forgets the client (its registration, grants and tokens). With one: revokes that workspace's
    /// grants of the client and their tokens. False when there was nothing to revoke.
    /// </summary>
    public async Task<bool> RevokeAsync(string clientId, string? workspaceId, CancellationToken cancellationToken)
    {
        database.EnsureCreated();
        // Entities listed earlier in this scope would be deleted twice (the store deletes grants and tokens in bulk).
        context.ChangeTracker.Clear();
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
            return false;
        if (workspaceId is null)
        {
            await applications.DeleteAsync(application, cancellationToken);
            return true;
        }

        var id = await applications.GetIdAsync(application, cancellationToken);
        var revoked = false;
        var matching = new List<object>();
        await foreach (var authorization in authorizations.FindByApplicationIdAsync(id!, cancellationToken))
        {
            if ((await ApprovalOfAsync(authorization, cancellationToken)).WorkspaceId == workspaceId)
                matching.Add(authorization);
        }
        foreach (var authorization in matching)
        {
            var authorizationId = await authorizations.GetIdAsync(authorization, cancellationToken);
            revoked |= await authorizations.TryRevokeAsync(authorization, cancellationToken);
            await tokens.RevokeByAuthorizationIdAsync(authorizationId!, cancellationToken);
        }
        return revoked;
    }

    private async Task<ClientApproval> ApprovalOfAsync(object authorization, CancellationToken cancellationToken)
    {
        var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
        return new ClientApproval(
            (await authorizations.GetIdAsync(authorization, cancellationToken))!,
            properties.TryGetValue(WorkspaceProperty, out var workspace) && workspace.ValueKind == JsonValueKind.String ? workspace.GetString()! : "",
            await authorizations.GetSubjectAsync(authorization, cancellationToken) ?? "",
            [.. (await authorizations.GetScopesAsync(authorization, cancellationToken)).Where(s => s != OpenIddictConstants.Scopes.OfflineAccess)],
            await authorizations.GetCreationDateAsync(authorization, cancellationToken));
    }
}
