using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using SocialMcp.Core.Access;
using SocialMcp.Server.Authorization;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Access;

/// <summary>
/// The <c>OAuthAccessToken</c> scheme: a bearer token that is not an API key is an access token of this server's
/// authorization server. OpenIddict's validation reads it (signature, encryption, lifetime, and its entry and grant in
/// the database, so revocation is immediate); this handler then requires the audience to be this server's <c>/mcp</c>
/// (RFC 8707: a token for another resource is refused) and turns it into the same <see cref="Caller"/> an API key gives:
/// the workspace and scopes the operator approved. The grant's id stands where a key's id does (rate limits, sessions).
/// </summary>
public sealed class OAuthAccessTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "OAuthAccessToken";

    /// <summary>Prefix of the key id given to OAuth callers: <c>oauth:{grant id}</c>.</summary>
    public const string CallerPrefix = "oauth:";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // OpenIddict's validation reads the token in its request step, which the authentication middleware runs only on
        // the authorization server's endpoints (CallerAuthentication): run that step here, for requests that carry one.
        var handlers = Context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(Context, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme) is IAuthenticationRequestHandler validation
            && await validation.HandleRequestAsync())
        {
            return AuthenticateResult.NoResult();
        }
        var result = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.None)
            return AuthenticateResult.NoResult();
        if (!result.Succeeded)
            return AuthenticateResult.Fail("The access token is invalid, expired or revoked.");

        var principal = result.Principal!;
        var resource = Context.RequestServices.GetRequiredService<McpResource>();
        if (!principal.GetAudiences().Any(audience => resource.IsThisResource(Request, audience)))
        {
            Logger.LogInformation("Refused an access token issued for another resource");
            return AuthenticateResult.Fail("The access token was issued for another resource.");
        }
        if (principal.FindFirst(CallerClaims.WorkspaceId)?.Value is not { Length: > 0 } workspaceId)
            return AuthenticateResult.Fail("The access token names no workspace.");

        var grant = principal.GetAuthorizationId() ?? principal.GetTokenId() ?? "unknown";
        var caller = new Caller(workspaceId, CallerPrefix + grant, principal.GetScopes().Intersect(Scopes.Known).ToHashSet());
        return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(), SchemeName));
    }
}
