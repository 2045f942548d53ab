using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// Where this server is, as OAuth names it: the issuer (the server's origin), the protected resource (<c>/mcp</c> under
/// it) and the resource metadata document. <c>OAuth:PublicBaseUrl</c> decides when it is set (behind a TLS proxy it must
/// be); otherwise the request's own scheme and Host (already checked against <c>Http:AllowedHosts</c>).
/// </summary>
public sealed class McpResource(IOptions<OAuthOptions> oauth)
{
    public const string MetadataPath = "/.well-known/oauth-protected-resource";

    public string Issuer(HttpRequest request) =>
        oauth.Value.PublicBaseUrl is { } root
            ? root.GetLeftPart(UriPartial.Authority)
            : $"{request.Scheme}://{request.Host.ToUriComponent()}";

    /// <summary>The issuer as OpenIddict writes it (an absolute URI: the origin and a slash), listed in the resource metadata.</summary>
    public string AuthorizationServer(HttpRequest request) => Issuer(request) + "/";

    /// <summary>The resource indicator (RFC 8707) tokens for <c>/mcp</c> are bound to.</summary>
    public string Resource(HttpRequest request) => Issuer(request) + McpHttpServiceCollectionExtensions.McpPath;

    /// <summary>RFC 9728's path-suffixed metadata address of <c>/mcp</c>.</summary>
    public string MetadataUrl(HttpRequest request) => Issuer(request) + MetadataPath + McpHttpServiceCollectionExtensions.McpPath;

    /// <summary>Whether <paramref name="resource"/> names this server's <c>/mcp</c> (a trailing slash is tolerated).</summary>
    public bool IsThisResource(HttpRequest request, string? resource) =>
        resource is not null && string.Equals(resource.TrimEnd('/'), Resource(request), StringComparison.Ordinal);
}
