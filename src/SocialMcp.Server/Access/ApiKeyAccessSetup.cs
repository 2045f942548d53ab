using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

public static class ApiKeyAccessSetup
{
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
}
