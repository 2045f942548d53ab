using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using SocialMcp.Core.Access;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Http;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// The consent page. OpenIddict has already checked the authorization request (client, exact redirect URI, S256 PKCE,
/// state, resource) when it reaches <see cref="AuthorizeAsync"/>: an operator signs in, sees the client's name, id,
/// redirect URI and the scopes it asks for, and approves (possibly fewer scopes) or denies. The approved grant carries
/// the operator's workspace and the scopes granted. Forms carry an anti-forgery token; nothing needs script.
/// </summary>
internal static class ConsentEndpoints
{
    private const string OperatorIdClaim = "socialmcp:operator";
    private const string OperatorNameClaim = "socialmcp:operator_name";

    // Our own form fields, which are not part of the OAuth request carried through the consent form.
    private static readonly HashSet<string> FormFields = ["decision", "granted_scope"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods(AuthorizationPaths.Authorize, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        app.MapPost(AuthorizationPaths.SignIn, SignInAsync);
        app.MapPost(AuthorizationPaths.SignOut, SignOutAsync);
        app.MapGet(AuthorizationPaths.Clients, ClientsAsync);
        app.MapPost(AuthorizationPaths.Clients, RevokeClientAsync);
    }

    private static async Task AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict authorization request is missing.");
        var services = context.RequestServices;
        var antiforgery = services.GetRequiredService<IAntiforgery>();
        var carried = request.GetParameters()
            .Where(p => !FormFields.Contains(p.Key) && p.Key != AntiforgeryField(services))
            .Select(p => new KeyValuePair<string, string>(p.Key, (string?)p.Value ?? ""))
            .ToList();

        var signedIn = await SignedInOperatorAsync(context);
        if (signedIn is null)
        {
            var returnUrl = AuthorizationPaths.Authorize + QueryString.Create(carried!).ToUriComponent();
            await WritePageAsync(context, StatusCodes.Status200OK, SignInPage(context, returnUrl, null, null, null));
            return;
        }
        var (operatorId, operatorName, workspaceId) = signedIn.Value;

        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict accepted a client it cannot find.");
        var resources = services.GetRequiredService<McpResource>();
        var offered = request.GetScopes().Intersect(Core.Access.Scopes.Known).ToList() is { Count: > 0 } asked ? asked : [.. Core.Access.Scopes.All];
        var workspaceName = await WorkspaceNameAsync(services, workspaceId, context.RequestAborted);

        async Task ShowConsentAsync(string? error) => await WritePageAsync(context, error is null ? 200 : 400, ConsentPages.Consent(
            AntiforgeryField(services), antiforgery.GetAndStoreTokens(context).RequestToken!, carried, operatorName, workspaceName,
            await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId!, request.ClientId!,
            request.RedirectUri!, resources.Resource(context.Request), offered, error));

        var decision = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            ? (string?)(await context.Request.ReadFormAsync(context.RequestAborted))["decision"]
            : null;
        if (decision is null)
        {
            await ShowConsentAsync(null);
            return;
        }
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            await WritePageAsync(context, StatusCodes.Status400BadRequest,
                ConsentPages.Problem("Form expired", "The form was not sent from this page, or it expired. Go back and try again."));
            return;
        }

        if (decision != "approve")
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsentEndpoints))
                .LogInformation("Operator {OperatorId} denied client {ClientId}", operatorId, request.ClientId);
            await context.ForbidAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The operator denied this client access.",
            }));
            return;
        }

        var granted = context.Request.Form["granted_scope"].OfType<string>().Intersect(offered).ToList();
        if (granted.Count == 0)
        {
            await ShowConsentAsync("Grant at least one scope, or deny.");
            return;
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, operatorId)
            .SetClaim(Claims.Name, operatorName)
            .SetClaim(CallerClaims.WorkspaceId, workspaceId);
        identity.SetScopes([.. granted, OpenIddictConstants.Scopes.OfflineAccess]);
        // The audience: this server's /mcp and nothing else (RFC 8707; checked again at /mcp).
        identity.SetResources(resources.Resource(context.Request));

        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = await applications.GetIdAsync(application, context.RequestAborted),
            Subject = operatorId,
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = services.GetRequiredService<TimeProvider>().GetUtcNow(),
            Principal = new ClaimsPrincipal(identity),
        };
        descriptor.Scopes.UnionWith(identity.GetScopes());
        descriptor.Properties[ApprovedClients.WorkspaceProperty] = JsonSerializer.SerializeToElement(workspaceId);
        var authorization = await authorizations.CreateAsync(descriptor, context.RequestAborted);
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, context.RequestAborted));
        identity.SetDestinations(_ => [Destinations.AccessToken]);

        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsentEndpoints))
            .LogInformation("Operator {OperatorId} approved client {ClientId} for workspace {WorkspaceId} with {Scopes}",
                operatorId, request.ClientId, workspaceId, string.Join(' ', granted));
        await context.SignInAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }

    private static async Task SignInAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = SafeReturnUrl(form["return_url"]);
        string? workspace = form["workspace"], name = form["name"], password = form["password"];
        if (!await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            await WritePageAsync(context, StatusCodes.Status400BadRequest, SignInPage(context, returnUrl, "The form expired; sign in again.", workspace, name));
            return;
        }

        WorkspaceOperator? signedIn = null;
        if (!string.IsNullOrWhiteSpace(workspace) && !string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(password))
        {
            try
            {
                var resolved = await services.GetRequiredService<WorkspaceService>().ResolveAsync(workspace.Trim(), context.RequestAborted);
                signedIn = await services.GetRequiredService<WorkspaceOperators>().VerifyAsync(resolved.Id, name, password, context.RequestAborted);
            }
            catch (NotFoundException)
            {
                // The same answer as a wrong password: the page does not tell which workspaces exist.
            }
        }
        if (signedIn is null)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsentEndpoints)).LogWarning("A consent page sign-in failed");
            await WritePageAsync(context, StatusCodes.Status401Unauthorized,
                SignInPage(context, returnUrl, "The workspace, operator name or password is wrong.", workspace, name));
            return;
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(OperatorIdClaim, signedIn.Id),
                new Claim(OperatorNameClaim, signedIn.Name),
                new Claim(CallerClaims.WorkspaceId, signedIn.WorkspaceId),
            ], AuthorizationServerSetup.OperatorScheme);
        await context.SignInAsync(AuthorizationServerSetup.OperatorScheme, new ClaimsPrincipal(identity));
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = returnUrl;
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        if (!await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            await WritePageAsync(context, StatusCodes.Status400BadRequest, ConsentPages.Problem("Form expired", "Go back and try again."));
            return;
        }
        await context.SignOutAsync(AuthorizationServerSetup.OperatorScheme);
        await WritePageAsync(context, StatusCodes.Status200OK, ConsentPages.Problem("Signed out", "You are signed out."));
    }

    private static Task ClientsAsync(HttpContext context) => ShowClientsAsync(context, null);

    private static async Task RevokeClientAsync(HttpContext context)
    {
        var services = context.RequestServices;
        if (await SignedInOperatorAsync(context) is not { } signedIn)
        {
            await WritePageAsync(context, StatusCodes.Status401Unauthorized, SignInPage(context, AuthorizationPaths.Clients, null, null, null));
            return;
        }
        if (!await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            await WritePageAsync(context, StatusCodes.Status400BadRequest, ConsentPages.Problem("Form expired", "Go back and try again."));
            return;
        }
        var clientId = (string?)context.Request.Form["client_id"] ?? "";
        var revoked = await services.GetRequiredService<ApprovedClients>().RevokeAsync(clientId, signedIn.WorkspaceId, context.RequestAborted);
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsentEndpoints))
            .LogInformation("Operator {OperatorId} revoked client {ClientId} in workspace {WorkspaceId}", signedIn.OperatorId, clientId, signedIn.WorkspaceId);
        await ShowClientsAsync(context, revoked ? $"Revoked {clientId}: its tokens no longer work." : $"{clientId} had no approval to revoke.");
    }

    private static async Task ShowClientsAsync(HttpContext context, string? notice)
    {
        var services = context.RequestServices;
        if (await SignedInOperatorAsync(context) is not { } signedIn)
        {
            await WritePageAsync(context, StatusCodes.Status200OK, SignInPage(context, AuthorizationPaths.Clients, null, null, null));
            return;
        }
        var clients = await services.GetRequiredService<ApprovedClients>().ListAsync(signedIn.WorkspaceId, context.RequestAborted);
        await WritePageAsync(context, StatusCodes.Status200OK, ConsentPages.Clients(
            AntiforgeryField(services), services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!,
            signedIn.OperatorName, await WorkspaceNameAsync(services, signedIn.WorkspaceId, context.RequestAborted), clients, notice));
    }

    /// <summary>The operator signed in on this browser, if the operator still exists.</summary>
    private static async Task<(string OperatorId, string OperatorName, string WorkspaceId)?> SignedInOperatorAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(AuthorizationServerSetup.OperatorScheme);
        if (!result.Succeeded || result.Principal.FindFirst(OperatorIdClaim)?.Value is not { } id)
            return null;
        // Removed with admin remove: the cookie no longer counts.
        if (await context.RequestServices.GetRequiredService<WorkspaceOperators>().FindAsync(id, context.RequestAborted) is not { } found)
            return null;
        return (found.Id, found.Name, found.WorkspaceId);
    }

    private static string SignInPage(HttpContext context, string returnUrl, string? error, string? workspace, string? name)
    {
        var services = context.RequestServices;
        return ConsentPages.SignIn(AntiforgeryField(services), services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!,
            returnUrl, error, workspace, name);
    }

    private static string AntiforgeryField(IServiceProvider services) =>
        services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.FormFieldName;

    /// <summary>Only the consent page and the client list are places to return to (no open redirect).</summary>
    private static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is not null && (returnUrl.StartsWith(AuthorizationPaths.Authorize + "?", StringComparison.Ordinal) || returnUrl == AuthorizationPaths.Clients)
            && !returnUrl.Contains("//", StringComparison.Ordinal) && !returnUrl.Contains('\\')
            ? returnUrl
            : AuthorizationPaths.Clients;

    private static async Task<string> WorkspaceNameAsync(IServiceProvider services, string workspaceId, CancellationToken cancellationToken)
    {
        try
        {
            return (await services.GetRequiredService<WorkspaceService>().ResolveAsync(workspaceId, cancellationToken)).Name;
        }
        catch (NotFoundException)
        {
            return workspaceId;
        }
    }

    private static async Task WritePageAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }
}
