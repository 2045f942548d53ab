using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace SocialMcp.Server.Http;

/// <summary>
/// Who may use the HTTP MCP endpoint, and how often. The endpoint asks the gate before it hands anything to
/// the MCP transport: <see cref="AuthenticateAsync"/> once per HTTP request, <see cref="AdmitAsync"/> once per
/// JSON-RPC request in the body. A gate that refuses writes the HTTP response itself (401, 429) and the
/// endpoint then stops.
/// </summary>
public interface IMcpHttpGate
{
    /// <summary>The caller, or null after writing 401 with <c>WWW-Authenticate: Bearer</c>.</summary>
    ValueTask<ClaimsPrincipal?> AuthenticateAsync(HttpContext context);

    /// <summary>
    /// Whether this JSON-RPC request may run now (rate limits). <paramref name="toolName"/> is set for tools/call.
    /// Returns false after writing 429 with Retry-After and X-RateLimit-* headers.
    /// </summary>
    ValueTask<bool> AdmitAsync(HttpContext context, ClaimsPrincipal caller, string method, string? toolName);
}

/// <summary>The claims a caller carries from the gate to the tools (through the JSON-RPC message's User).</summary>
public static class CallerClaims
{
    public const string WorkspaceId = "socialmcp:workspace";
    public const string KeyId = "socialmcp:key";
    public const string Scope = "socialmcp:scope";
    public const string AuthenticationType = "SocialMcpApiKey";
}
