using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using SocialMcp.Server.Http;

namespace SocialMcp.Http.Tests.Support;

/// <summary>
/// A gate for tests: the bearer token is the caller's key id. "reject" is refused with 401, a key named "limited"
/// is refused with 429 on every tools/call. Both refusals write their own recognisable response.
/// </summary>
public sealed class TestGate : IMcpHttpGate
{
    public const string DefaultKey = "key-a";
    public const string RejectedKey = "reject";
    public const string LimitedKey = "limited";

    /// <summary>Every admission asked for: (key, method, tool name).</summary>
    public ConcurrentQueue<(string Key, string Method, string? ToolName)> Admissions { get; } = new();

    public async ValueTask<ClaimsPrincipal?> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : DefaultKey;
        if (key == RejectedKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"test\"";
            await context.Response.WriteAsync("test gate: unauthorized");
            return null;
        }
        // A key claim only: the tools then act as the local workspace, as over stdio.
        return new ClaimsPrincipal(new ClaimsIdentity([new Claim(CallerClaims.KeyId, key)], "Test"));
    }

    public async ValueTask<bool> AdmitAsync(HttpContext context, ClaimsPrincipal caller, string method, string? toolName)
    {
        var key = caller.FindFirst(CallerClaims.KeyId)!.Value;
        Admissions.Enqueue((key, method, toolName));
        if (key == LimitedKey && method == "tools/call")
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7";
            await context.Response.WriteAsync("test gate: slow down");
            return false;
        }
        return true;
    }
}
