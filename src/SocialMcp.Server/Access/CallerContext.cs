using System.Security.Claims;
using SocialMcp.Core.Access;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

/// <summary>Who is calling: an API key of a workspace (HTTP), or the local user of a stdio session.</summary>
public sealed record Caller(string WorkspaceId, string? KeyId, IReadOnlySet<string> Scopes)
{
    public static Caller Local { get; } = new(LocalWorkspace.Id, null, Core.Access.Scopes.All.ToHashSet());

    public bool IsLocal => KeyId is null;

    /// <summary>Whose rate-limit budget a call draws on: the API key over HTTP, the workspace on stdio.</summary>
    public string RatePartition => IsLocal ? "local:" + WorkspaceId : "key:" + KeyId;

    /// <summary>The caller a principal from the HTTP gate stands for; no principal means stdio.</summary>
    public static Caller From(ClaimsPrincipal? principal)
    {
        if (principal?.FindFirst(CallerClaims.WorkspaceId)?.Value is not { } workspaceId)
            return Local;
        return new Caller(workspaceId, principal.FindFirst(CallerClaims.KeyId)?.Value,
            principal.FindAll(CallerClaims.Scope).Select(c => c.Value).ToHashSet());
    }

    /// <summary>
    /// The principal of an API-key caller. The key id is also the name identifier: the MCP SDK binds a session to the
    /// user that opened it by that claim, so another key cannot use it.
    /// </summary>
    public ClaimsPrincipal ToPrincipal() => new(new ClaimsIdentity(
        [
            new Claim(CallerClaims.WorkspaceId, WorkspaceId),
            .. KeyId is null ? Array.Empty<Claim>() : [new Claim(CallerClaims.KeyId, KeyId), new Claim(ClaimTypes.NameIdentifier, KeyId)],
            .. Scopes.Select(s => new Claim(CallerClaims.Scope, s)),
        ], CallerClaims.AuthenticationType));
}

/// <summary>
/// The caller of the current tool call, set by <see cref="Mcp.ToolCallFilter"/> in the request's service scope
/// before the tool runs; tools read the workspace from it.
/// </summary>
public sealed class CallerContext : IWorkspaceContext
{
    public Caller Caller { get; set; } = Caller.Local;

    public string WorkspaceId => Caller.WorkspaceId;
}
