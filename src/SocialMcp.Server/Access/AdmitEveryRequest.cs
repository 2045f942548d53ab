using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

/// <summary>
/// The product's HTTP admission: every authenticated request goes on to the MCP server, where limits are answered the
/// same way as on stdio (a RATE_LIMITED tool error for tools/call, JSON-RPC -32029 for other requests). The seam stays
/// for tests that need to refuse at the HTTP layer.
/// </summary>
public sealed class AdmitEveryRequest : IMcpRequestAdmission
{
    public ValueTask<bool> AdmitAsync(HttpContext context, ClaimsPrincipal caller, string method, string? toolName) => ValueTask.FromResult(true);
}
