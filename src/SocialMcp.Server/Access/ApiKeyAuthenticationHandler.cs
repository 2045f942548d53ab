using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Access;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Authorization;

namespace SocialMcp.Server.Access;

/// <summary>
/// The <c>ApiKey</c> authentication scheme: <c>Authorization: Bearer smcp_live_…</c> names a workspace's API key, which
/// decides the caller (workspace and scopes). A refused request (no key, or an unknown, malformed or revoked one)
/// counts against a per-client-address limit (<see cref="RateLimitOptions.UnauthenticatedPerWindow"/>): 401 with a
/// Bearer challenge, or 429 with Retry-After once the address is over it. Keys are never logged, only their public id.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    WorkspaceService workspaces,
    ToolRateLimiter rateLimiter)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();

        var key = await workspaces.AuthenticateAsync(header[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        if (key is null)
            return AuthenticateResult.Fail("The API key is unknown, malformed or revoked.");

        var principal = new Caller(key.WorkspaceId, key.Id, key.Scopes.ToHashSet()).ToPrincipal();
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Guessing keys costs the guesser: every refused request counts against its address.
        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var decision = rateLimiter.TryAcquireUnauthenticated(address);
        if (!decision.Admitted)
        {
            Logger.LogWarning("Refused an unauthenticated MCP request: too many from one address");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(decision.ResetAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await WriteErrorAsync(Context, "RATE_LIMITED",
                $"Too many requests without a valid API key from this address: the limit is {decision.Limit} per window. Send a valid key: Authorization: Bearer smcp_live_…");
            return;
        }

        // A key was presented and refused: the challenge says "invalid_token" only then.
        var keyPresented = Request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);
        Logger.LogInformation("Refused an MCP request: {Reason}", keyPresented ? "unknown, malformed or revoked key" : "no bearer token");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        // With the authorization server on, the challenge names the protected-resource metadata (RFC 9728, the MCP
        // authorization spec): that is how a hosted client finds where to get a token.
        var resource = Context.RequestServices.GetService<McpResource>();
        var discovery = resource is null
            ? ""
            : $", resource_metadata=\"{resource.MetadataUrl(Request)}\"" + (keyPresented ? "" : $", scope=\"{string.Join(' ', Scopes.All)}\"");
        Response.Headers.WWWAuthenticate = keyPresented
            ? $"Bearer realm=\"socialmcp\", error=\"invalid_token\"{discovery}"
            : $"Bearer realm=\"socialmcp\"{discovery}";
        await WriteErrorAsync(Context, "UNAUTHORIZED",
            keyPresented
                ? "The API key or access token is unknown, malformed, expired, revoked or for another resource."
                : resource is null
                    ? "Send an API key: Authorization: Bearer smcp_live_…"
                    : "Send an API key (Authorization: Bearer smcp_live_…) or an OAuth access token from this server's authorization server.");
    }

    internal static Task WriteErrorAsync(HttpContext context, string code, string message)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } }), context.RequestAborted);
    }
}
