using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

/// <summary>
/// The HTTP endpoint's gate: a Bearer API key decides the caller (its workspace and scopes); tools/call is
/// rate-limited per key and operation. Keys are never logged — only their public id.
/// </summary>
public sealed class ApiKeyGate(WorkspaceService workspaces, ToolAccessCatalog access, ToolRateLimiter rateLimiter, TimeProvider time, ILogger<ApiKeyGate> logger)
    : IMcpHttpGate
{
    private const string BearerPrefix = "Bearer ";

    public async ValueTask<ClaimsPrincipal?> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? header[BearerPrefix.Length..].Trim() : null;
        var key = presented is null ? null : await workspaces.AuthenticateAsync(presented, context.RequestAborted);
        if (key is null)
        {
            logger.LogInformation("Refused an MCP request: {Reason}", presented is null ? "no bearer token" : "unknown, malformed or revoked key");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = presented is null
                ? "Bearer realm=\"socialmcp\""
                : "Bearer realm=\"socialmcp\", error=\"invalid_token\"";
            await WriteErrorAsync(context, "UNAUTHORIZED",
                presented is null ? "Send an API key: Authorization: Bearer smcp_live_…" : "The API key is unknown, malformed or revoked.");
            return null;
        }
        return new Caller(key.WorkspaceId, key.Id, key.Scopes.ToHashSet()).ToPrincipal();
    }

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
        await WriteErrorAsync(context, "RATE_LIMITED",
            $"Too many {rule.Operation.ToString().ToLowerInvariant()} calls for this key: the limit is {decision.Limit} per window; it resets at {resetAt:O}.");
        return false;
    }

    private static Task WriteErrorAsync(HttpContext context, string code, string message)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } }), context.RequestAborted);
    }
}
