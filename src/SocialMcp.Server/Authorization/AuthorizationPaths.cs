using Microsoft.AspNetCore.Http;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// The authorization server's endpoints, under <c>/auth</c> — apart from <c>/oauth/*</c>, which is the platform account
/// connect flow (this server as an OAuth client of Instagram, X, …), not this.
/// </summary>
public static class AuthorizationPaths
{
    public const string Prefix = "/auth";
    public const string Authorize = "/auth/authorize";
    public const string Token = "/auth/token";
    public const string Revoke = "/auth/revoke";
    public const string Register = "/auth/register";
    public const string SignIn = "/auth/signin";
    public const string SignOut = "/auth/signout";
    public const string Clients = "/auth/clients";
    public const string ServerMetadata = "/.well-known/oauth-authorization-server";
    public const string OpenIdMetadata = "/.well-known/openid-configuration";
    public const string Jwks = "/.well-known/jwks";

    /// <summary>The endpoints OpenIddict's server answers itself (the rest are ours, mapped as endpoints).</summary>
    private static readonly string[] ServerEndpoints = [Authorize, Token, Revoke, ServerMetadata, OpenIdMetadata, Jwks];

    public static bool IsServerEndpoint(HttpContext context)
    {
        // OpenIddict also matches an endpoint's address with a trailing slash.
        var path = context.Request.Path.Value.AsSpan().TrimEnd('/');
        foreach (var endpoint in ServerEndpoints)
        {
            if (path.Equals(endpoint, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
