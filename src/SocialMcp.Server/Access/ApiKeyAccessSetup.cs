using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

public static class ApiKeyAccessSetup
{
    /// <summary>
    /// API keys for the HTTP endpoint: the <c>ApiKey</c> authentication scheme (the default scheme) and per-key rate
    /// limits of tools/call.
    /// </summary>
    public static IServiceCollection AddApiKeyAccess(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, displayName: "API key", null);
        services.AddSingleton<IMcpRequestAdmission, ToolCallRateLimits>();
        return services;
    }
}
