using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using System.Security.Claims;

namespace SocialMcp.Server.Http;

/// <summary>
/// Authenticates the caller with the default scheme (API key or OAuth access token), as ASP.NET Core's authentication
/// middleware does, but without first offering the request to every request-handling scheme. Those are OpenIddict's
/// server and validation handlers, which only answer the authorization server's own endpoints; offered a <c>/mcp</c>
/// request they would run their pipeline on every call, and the first call would build their options: the signing keys,
/// the authorization database and its EF Core model (about a second of cold start, bench/README.md, issue 18).
/// <see cref="McpHttpServiceCollectionExtensions.MapSocialMcp"/> runs the full middleware on those endpoints only.
/// </summary>
internal sealed class CallerAuthentication(RequestDelegate next, IAuthenticationSchemeProvider schemes)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature
        {
            OriginalPath = context.Request.Path,
            OriginalPathBase = context.Request.PathBase,
        });
        if (await schemes.GetDefaultAuthenticateSchemeAsync() is { } scheme)
        {
            var result = await context.AuthenticateAsync(scheme.Name);
            if (result.Principal is not null)
                context.User = result.Principal;
            if (result.Succeeded)
            {
                // What the authorization middleware reads instead of authenticating again.
                var authenticated = new AuthenticatedCaller(result);
                context.Features.Set<IHttpAuthenticationFeature>(authenticated);
                context.Features.Set<IAuthenticateResultFeature>(authenticated);
            }
        }
        await next(context);
    }

    private sealed class AuthenticatedCaller(AuthenticateResult result) : IHttpAuthenticationFeature, IAuthenticateResultFeature
    {
        public AuthenticateResult? AuthenticateResult { get; set; } = result;

        public ClaimsPrincipal? User
        {
            get => AuthenticateResult?.Principal;
            set => AuthenticateResult = value is null ? null : AuthenticateResult.Success(new AuthenticationTicket(value, AuthenticateResult?.Ticket?.AuthenticationScheme ?? ""));
        }
    }
}
