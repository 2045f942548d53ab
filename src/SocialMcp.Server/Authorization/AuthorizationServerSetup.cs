using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using SocialMcp.Core;
using SocialMcp.Core.Access;
using SocialMcp.Platforms.Media;
using SocialMcp.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace SocialMcp.Server.Authorization;

public static class AuthorizationServerSetup
{
    /// <summary>The cookie of an operator signed in on the consent page (path <c>/auth</c> only).</summary>
    public const string OperatorScheme = "SocialMcpOperator";

    /// <summary>Scopes a token can carry: the API keys' scopes, and offline_access (without which OpenIddict issues no refresh token).</summary>
    public static IReadOnlyList<string> TokenScopes { get; } = [.. Core.Access.Scopes.Known, OpenIddictConstants.Scopes.OfflineAccess];

    /// <summary>
    /// The authorization database, OpenIddict's EF Core stores and the operator and client services: what the CLI needs
    /// (<c>admin …</c>, <c>clients …</c>) without the HTTP server.
    /// </summary>
    public static IServiceCollection AddSocialMcpAuthorizationStore(this IServiceCollection services)
    {
        services.AddValidatedOptions<AuthorizationServerOptions>(AuthorizationServerOptions.SectionName);
        services.AddDbContext<AuthorizationDbContext>((provider, options) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (storage.IsPostgres)
            {
                // Beside the store in the shared database, so every instance signs with the same keys and knows the same clients.
                options.UseNpgsql(provider.GetRequiredService<Storage.Postgres.PostgresDataSource>().ConnectionString);
            }
            else
            {
                var path = provider.GetRequiredService<IOptions<AuthorizationServerOptions>>().Value.ResolveDatabasePath(storage.ResolvedPath);
                Directory.CreateDirectory(Path.GetDirectoryName(path) ?? ".");
                options.UseSqlite($"Data Source={path};Pooling=true");
            }
            options.UseOpenIddict();
        });
        services.TryAddScoped<AuthorizationDatabase>();
        services.TryAddScoped<WorkspaceOperators>();
        services.TryAddScoped<ApprovedClients>();
        services.AddOpenIddict().AddCore(core => core.UseEntityFrameworkCore().UseDbContext<AuthorizationDbContext>());
        return services;
    }

    /// <summary>
    /// The OAuth 2.1 authorization server for <c>serve --http</c> (issue 19): OpenIddict's server (authorization code
    /// with S256 PKCE, refresh tokens, revocation, resource indicators) and validation (tokens at <c>/mcp</c>), the
    /// consent page's operator cookie and anti-forgery, client registration (RFC 7591) and client ID metadata documents.
    /// Does nothing when <c>AuthorizationServer:Enabled</c> is false.
    /// </summary>
    public static IServiceCollection AddSocialMcpAuthorization(this IServiceCollection services)
    {
        services.AddSocialMcpAuthorizationStore();
        services.AddGuardedMediaFetcher();
        services.TryAddSingleton<McpResource>();
        services.TryAddScoped<ClientMetadataDocuments>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeys>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerLifetimes>();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "socialmcp.consent.af";
            options.Cookie.Path = AuthorizationPaths.Prefix;
            options.FormFieldName = "__consent_token";
        });

        services.AddAuthentication().AddCookie(OperatorScheme, options =>
        {
            options.Cookie.Name = "socialmcp.operator";
            options.Cookie.Path = AuthorizationPaths.Prefix;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = false;
            // A page that needs a sign-in shows the sign-in form itself; nothing redirects.
            options.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
        });
        // Behind a TLS proxy the request arrives as plain HTTP: an https public address still marks the sign-in cookie
        // Secure. (Antiforgery refuses that policy on a plain request, so its cookie, which grants nothing alone, keeps the default.)
        services.AddOptions<CookieAuthenticationOptions>(OperatorScheme)
            .Configure<IOptions<AuthorizationServerOptions>, IOptions<Core.Accounts.OAuth.OAuthOptions>>((cookie, authorization, oauth) =>
            {
                cookie.ExpireTimeSpan = authorization.Value.SignInLifetime;
                if (oauth.Value.PublicBaseUrl?.Scheme == Uri.UriSchemeHttps)
                    cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            });

        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizationPaths.Authorize[1..])
                    .SetTokenEndpointUris(AuthorizationPaths.Token[1..])
                    .SetRevocationEndpointUris(AuthorizationPaths.Revoke[1..])
                    .SetConfigurationEndpointUris(AuthorizationPaths.ServerMetadata[1..], AuthorizationPaths.OpenIdMetadata[1..])
                    .SetJsonWebKeySetEndpointUris(AuthorizationPaths.Jwks[1..]);
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                server.RequireProofKeyForCodeExchange();
                server.RegisterScopes([.. TokenScopes]);
                server.Configure(options =>
                {
                    // S256 only: OAuth 2.1 and the MCP spec refuse plain.
                    options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
                    // The resource indicator names /mcp at this server's address, which is known per request when
                    // OAuth:PublicBaseUrl is not set: AuthorizationRequestRules checks it instead of a fixed list.
                    options.DisableResourceValidation = true;
                    options.IgnoreResourcePermissions = true;
                });
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    // TLS ends at the reverse proxy in front of a public server; the loopback default is plain HTTP.
                    .DisableTransportSecurityRequirement();
                AuthorizationRequestRules.AddTo(server);
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
                // A revoked token, or a grant revoked with its client, stops working at once.
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
            });
        return services;
    }

    /// <summary>
    /// Maps the protected-resource metadata, client registration, the consent page and operator sign-in, and rate-limits
    /// every authorization endpoint per client address. Call before authentication runs (OpenIddict answers its own
    /// endpoints there).
    /// </summary>
    public static WebApplication UseSocialMcpAuthorization(this WebApplication app)
    {
        app.UseWhen(AuthorizationRateLimit.Applies, branch => branch.UseMiddleware<AuthorizationRateLimit>());
        app.UseWhen(context => context.Request.Path.Equals(AuthorizationPaths.Authorize, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseMiddleware<ClientMetadataDocumentMiddleware>());
        return app;
    }

    public static WebApplication MapSocialMcpAuthorization(this WebApplication app)
    {
        ProtectedResourceMetadata.Map(app);
        ClientRegistrationEndpoint.Map(app);
        ConsentEndpoints.Map(app);
        return app;
    }

    public static bool IsEnabled(IServiceProvider services) =>
        services.GetService<IOptions<AuthorizationServerOptions>>()?.Value.Enabled == true
        && services.GetService<McpResource>() is not null;
}

/// <summary>Token and code lifetimes from <see cref="AuthorizationServerOptions"/>, and the issuer from <c>OAuth:PublicBaseUrl</c>.</summary>
internal sealed class ServerLifetimes(IOptions<AuthorizationServerOptions> options, IOptions<Core.Accounts.OAuth.OAuthOptions> oauth)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions server)
    {
        var settings = options.Value;
        // Behind a proxy the request's own address is not the public one: OAuth:PublicBaseUrl fixes the issuer.
        if (oauth.Value.PublicBaseUrl is { } root)
            server.Issuer = new Uri(root.GetLeftPart(UriPartial.Authority) + "/");
        server.AccessTokenLifetime = settings.AccessTokenLifetime;
        server.RefreshTokenLifetime = settings.RefreshTokenLifetime;
        server.AuthorizationCodeLifetime = settings.AuthorizationCodeLifetime;
    }
}

public static class AuthorizationServerHostExtensions
{
    /// <summary>
    /// <c>serve --http</c>'s authorization server and OAuth access tokens at <c>/mcp</c>, beside the API keys, unless
    /// <c>AuthorizationServer:Enabled</c> is false. Call after <c>AddApiKeyAccess()</c>.
    /// </summary>
    public static WebApplicationBuilder AddSocialMcpAuthorization(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue(AuthorizationServerOptions.SectionName + ":" + nameof(AuthorizationServerOptions.Enabled), true))
            return builder;
        builder.Services.AddSocialMcpAuthorization();
        Access.ApiKeyAccessSetup.AddOAuthAccessTokens(builder.Services);
        // OpenIddict's information lines carry whole requests (a PKCE verifier among them): keep only its warnings.
        builder.Logging.AddFilter("OpenIddict", Microsoft.Extensions.Logging.LogLevel.Warning);
        return builder;
    }
}
