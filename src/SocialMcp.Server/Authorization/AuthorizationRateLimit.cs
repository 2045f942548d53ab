using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SocialMcp.Server.Access;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// Rate limits of the authorization endpoints (<c>/auth/*</c>), per client address, from <c>RateLimits</c>: every request
/// counts against <see cref="RateLimitOptions.AuthorizationPerWindow"/>, and operator sign-in attempts also against the
/// smaller <see cref="RateLimitOptions.SignInPerWindow"/> (password guessing). Over a limit: 429 with Retry-After and an
/// OAuth-style error body.
/// </summary>
internal sealed class AuthorizationRateLimit(RequestDelegate next, ToolRateLimiter limiter, ILogger<AuthorizationRateLimit> logger)
{
    public static bool Applies(HttpContext context) =>
        context.Request.Path.StartsWithSegments(AuthorizationPaths.Prefix, StringComparison.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var decision = limiter.TryAcquireAuthorization(address);
        if (decision.Admitted && HttpMethods.IsPost(context.Request.Method)
            && context.Request.Path.Equals(AuthorizationPaths.SignIn, StringComparison.OrdinalIgnoreCase))
            decision = limiter.TryAcquireSignIn(address);
        if (!decision.Admitted)
        {
            logger.LogWarning("Refused an authorization request: too many from one address");
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(decision.ResetAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["error"] = "rate_limited",
                ["error_description"] = $"Too many authorization requests from this address: the limit is {decision.Limit} per window. Try again after Retry-After seconds.",
            }), context.RequestAborted);
            return;
        }
        await next(context);
    }
}
