using OpenIddict.Abstractions;
using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// What this server asks of OAuth requests beyond OpenIddict's defaults: a <c>state</c> on every authorization request,
/// and a <c>resource</c> (RFC 8707), when given, that names this server's <c>/mcp</c> — any other is <c>invalid_target</c>.
/// The discovery document adds client registration and client ID metadata documents.
/// </summary>
internal static class AuthorizationRequestRules
{
    // After OpenIddict's own checks (client, redirect URI, PKCE), so a refusal is sent to a verified redirect URI.
    private const int AfterBuiltInChecks = int.MaxValue - 100_000;

    public static void AddTo(OpenIddictServerBuilder server)
    {
        server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.SetOrder(AfterBuiltInChecks).UseInlineHandler(context =>
        {
            if (string.IsNullOrEmpty(context.Request.State))
            {
                context.Reject(Errors.InvalidRequest, "The 'state' parameter is required: send an unguessable value and check it on the way back.");
                return default;
            }
            var request = context.Transaction.GetHttpRequest()!;
            var resource = request.HttpContext.RequestServices.GetRequiredService<McpResource>();
            foreach (var named in context.Request.GetResources())
            {
                if (!resource.IsThisResource(request, named))
                {
                    context.Reject(Errors.InvalidTarget, $"This server issues tokens only for its MCP endpoint, {resource.Resource(request)}.");
                    return default;
                }
            }
            return default;
        }));

        server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.SetOrder(AfterBuiltInChecks).UseInlineHandler(context =>
        {
            var request = context.Transaction.GetHttpRequest()!;
            var resource = request.HttpContext.RequestServices.GetRequiredService<McpResource>();
            if (context.Request.GetResources().Any(named => !resource.IsThisResource(request, named)))
                context.Reject(Errors.InvalidTarget, $"This server issues tokens only for its MCP endpoint, {resource.Resource(request)}.");
            return default;
        }));

        server.AddEventHandler<HandleConfigurationRequestContext>(handler => handler.SetOrder(AfterBuiltInChecks).UseInlineHandler(context =>
        {
            var request = context.Transaction.GetHttpRequest()!;
            var issuer = request.HttpContext.RequestServices.GetRequiredService<McpResource>().Issuer(request);
            // OpenIddict writes its endpoints from the request's own address; behind a proxy that is not the public
            // one, so every endpoint is written from the issuer's origin (OAuth:PublicBaseUrl when set).
            context.AuthorizationEndpoint = new Uri(issuer + AuthorizationPaths.Authorize);
            context.TokenEndpoint = new Uri(issuer + AuthorizationPaths.Token);
            context.RevocationEndpoint = new Uri(issuer + AuthorizationPaths.Revoke);
            context.JsonWebKeySetEndpoint = new Uri(issuer + AuthorizationPaths.Jwks);
            context.Metadata["registration_endpoint"] = issuer + AuthorizationPaths.Register;
            context.Metadata["client_id_metadata_document_supported"] = true;
            context.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
            // Public clients (PKCE, no secret) are the usual MCP client; client assertions are not offered.
            context.TokenEndpointAuthenticationMethods.Add(ClientAuthenticationMethods.None);
            context.TokenEndpointAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
            context.RevocationEndpointAuthenticationMethods.Add(ClientAuthenticationMethods.None);
            context.RevocationEndpointAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
            return default;
        }));
    }
}
