using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

/// <summary>
/// tools/call over HTTP is rate-limited per API key and operation (read, create, publish): 429 with Retry-After and
/// X-RateLimit-* headers, before the call reaches the MCP server. Other methods pass.
/// </summary>
public sealed class ToolCallRateLimits(ToolAccessCatalog access, ToolRateLimiter rateLimiter, TimeProvider time) : IMcpRequestAdmission
{
    public async ValueTask<bool> AdmitAsync(HttpContext context, ClaimsPrincipal caller, string method, string? toolName)
    {
        if (method != "tools/call" || toolName is null || access.Find(toolName) is not { } rule)
            return true;

        var who = Caller.From(caller);
        var decision = rateLimiter.TryAcquire("key:" + who.KeyId, rule.Operation);
        var resetSeconds = (int)Math.Ceiling(decision.ResetAfter.TotalSeconds);
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
        if (decision.Admitted)
            return true;

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        headers.RetryAfter = resetSeconds.ToString(CultureInfo.InvariantCulture);
        var resetAt = time.GetUtcNow() + decision.ResetAfter;
        await ApiKeyAuthenticationHandler.WriteErrorAsync(context, "RATE_LIMITED",
            $"Too many {rule.Operation.ToString().ToLowerInvariant()} calls for this key: the limit is {decision.Limit} per window; it resets at {resetAt:O}.");
        return false;
    }
}
