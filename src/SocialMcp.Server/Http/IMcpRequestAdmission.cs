using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace SocialMcp.Server.Http;

/// <summary>
/// How often an authenticated caller may send JSON-RPC requests to the HTTP MCP endpoint. Asked once per POST that
/// carries a request, after authentication and before the SDK's transport sees the message. A refusal writes the
/// HTTP response itself (429) and the request goes no further.
/// </summary>
public interface IMcpRequestAdmission
{
    /// <summary>
    /// Whether this JSON-RPC request may run now. <paramref name="toolName"/> is set for tools/call.
    /// Returns false after writing 429 with Retry-After and X-RateLimit-* headers.
    /// </summary>
    ValueTask<bool> AdmitAsync(HttpContext context, ClaimsPrincipal caller, string method, string? toolName);
}

/// <summary>The claims a caller carries from authentication to the tools (through the JSON-RPC message's User).</summary>
public static class CallerClaims
{
    public const string WorkspaceId = "socialmcp:workspace";
    public const string KeyId = "socialmcp:key";
    public const string Scope = "socialmcp:scope";
    public const string AuthenticationType = "SocialMcpApiKey";
}
