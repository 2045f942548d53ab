using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Access;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

public static class ApiKeyAccessSetup
{
    /// <summary>The default scheme once OAuth access tokens are accepted too: picks API key or access token by the token's format.</summary>
    public const string CallerSchemeName = "McpCaller";

    /// <summary>
    /// API keys for the HTTP endpoint: the <c>ApiKey</c> authentication scheme (the default scheme). Per-key limits of
    /// tools/call are <see cref="Mcp.ToolCallFilter"/>'s, the same on stdio and over HTTP.
    /// </summary>
    public static IServiceCollection AddApiKeyAccess(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, displayName: "API key", null);
        services.AddSingleton<IMcpRequestAdmission, AdmitEveryRequest>();
        return services;
    }

    /// <summary>
    /// API keys and OAuth access tokens side by side on the same endpoint: a bearer token with the API key prefix
    /// (<c>smcp_live_</c>) is a key, any other bearer token an access token. The challenge is the API key scheme's,
    /// which names the protected-resource metadata so OAuth clients can discover the authorization server.
    /// </summary>
    public static IServiceCollection AddOAuthAccessTokens(this IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = CallerSchemeName;
                options.DefaultAuthenticateScheme = CallerSchemeName;
                options.DefaultChallengeScheme = CallerSchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, OAuthAccessTokenHandler>(OAuthAccessTokenHandler.SchemeName, displayName: "OAuth access token", null)
            .AddPolicyScheme(CallerSchemeName, "API key or OAuth access token", options =>
            {
                options.ForwardDefaultSelector = context => IsAccessToken(context.Request.Headers.Authorization.ToString())
                    ? OAuthAccessTokenHandler.SchemeName
                    : ApiKeyAuthenticationHandler.SchemeName;
                options.ForwardChallenge = ApiKeyAuthenticationHandler.SchemeName;
                options.ForwardForbid = ApiKeyAuthenticationHandler.SchemeName;
            });
        return services;
    }

    private static bool IsAccessToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && authorization.Length > "Bearer ".Length
        && !authorization["Bearer ".Length..].TrimStart().StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal);
}
