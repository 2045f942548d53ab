using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using SocialMcp.Core;
using SocialMcp.Server.Authorization;
using SocialMcp.Server.Http.Health;
using SocialMcp.Server.Media;
using SocialMcp.Server.OAuth;

namespace SocialMcp.Server.Http;

public static class McpHttpServiceCollectionExtensions
{
    public const string McpPath = "/mcp";

    /// <summary>The authorization policy of <c>/mcp</c>: an authenticated caller (an API key or an OAuth access token).</summary>
    public const string McpCallerPolicy = "McpCaller";

    /// <summary>
    /// The SDK's streamable HTTP transport configured from <c>Http</c>, our session bookkeeping, the endpoint's
    /// authorization policy and the health checks. Needs <c>AddSocialMcpServer()</c> (tools, filters, options: the same
    /// as stdio), an authentication scheme as the default (<c>AddApiKeyAccess()</c>) and an <see cref="IMcpRequestAdmission"/>.
    /// </summary>
    public static IServiceCollection AddSocialMcpHttp(this IServiceCollection services)
    {
        services.AddValidatedOptions<McpHttpOptions>(McpHttpOptions.SectionName);
        services.AddSingleton<McpHttpSessions>();
        services.AddSingleton<McpEventStore>();
        services.AddSingleton<IConfigureOptions<HttpServerTransportOptions>, McpHttpTransportSetup>();
        services.AddMcpServer().WithHttpTransport().WithHybridDiscoverVersions();

        // Scopes are checked per tool by ToolCallFilter (the tool is named in the body, not in the HTTP request); the
        // endpoint only needs to know the caller is an API key.
        services.AddAuthorization(options => options.AddPolicy(McpCallerPolicy, policy => policy
            .RequireAuthenticatedUser()
            .RequireClaim(CallerClaims.KeyId)));

        // Each check appears under "checks" in /healthz. The scheduler's is unhealthy unless AddSocialScheduler() runs a worker.
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(DatabaseHealthCheck.Name)
            .AddCheck<SchedulerHealthCheck>(SchedulerHealthCheck.Name)
            .AddCheck<RunnerHealthCheck>(RunnerHealthCheck.Name)
            .AddCheck<OverdueHealthCheck>(OverdueHealthCheck.Name)
            .AddCheck<AccountTokensHealthCheck>(AccountTokensHealthCheck.Name);
        return services;
    }

    /// <summary>
    /// Maps <c>/mcp</c> (the SDK's POST, and GET and DELETE unless stateless) for authenticated callers, the OAuth connect
    /// pages (<c>/oauth/connect/{link}</c>, <c>/oauth/callback/{platform}</c>, <c>/oauth/choose</c>), <c>GET /llm.txt</c>
    /// signed media URLs (<c>/media/s/{token}</c>), <c>GET /llm.txt</c>
    /// and <c>GET /healthz</c>, all behind the Host and Origin allow-lists.
    /// </summary>
    public static WebApplication MapSocialMcp(this WebApplication app)
    {
        app.UseMiddleware<DnsRebindingProtection>();
        var authorizationServer = AuthorizationServerSetup.IsEnabled(app.Services);
        // Rate limits and metadata-document clients before authentication, where OpenIddict answers its endpoints.
        if (authorizationServer)
            app.UseSocialMcpAuthorization();
        // OpenIddict answers its endpoints from the authentication middleware's request handlers: offered there only.
        app.UseWhen(AuthorizationPaths.IsServerEndpoint, endpoints => endpoints.UseAuthentication());
        app.UseWhen(context => !AuthorizationPaths.IsServerEndpoint(context), callers => callers.UseMiddleware<CallerAuthentication>());
        // UseAuthentication in a branch does not mark the main pipeline, and WebApplication would then put the full
        // middleware in front of everything (its check is this property, which UseAuthentication itself sets).
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        app.UseAuthorization();
        app.UseWhen(IsMcp, mcp => mcp.UseMiddleware<McpSessionGuard>());
        app.UseWhen(context => IsMcp(context) && HttpMethods.IsPost(context.Request.Method), mcp => mcp.UseMiddleware<McpRequestAdmission>());

        app.MapMcp(McpPath).RequireAuthorization(McpCallerPolicy);
        // Large media files (issue 13), with the same key and workspace as /mcp.
        app.MapMediaUpload();

        // A person's browser has no API key: the signed link, the state and the signed choice token are the authority.
        app.MapOAuthConnect();
        // Platforms that pull media fetch the signed URL without an API key: the token is the authority.
        app.MapSignedMedia();
        // Hosted clients (issue 19): resource metadata, client registration and the consent page.
        if (authorizationServer)
            app.MapSocialMcpAuthorization();
        app.MapGet("/llm.txt", ServeLlmTxtAsync);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        return app;
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    private static bool IsMcp(HttpContext context) => context.Request.Path.Equals(McpPath, StringComparison.OrdinalIgnoreCase);

    private static async Task ServeLlmTxtAsync(HttpContext context)
    {
        await using var text = typeof(McpHttpServiceCollectionExtensions).Assembly.GetManifestResourceStream("llm.txt")
            ?? throw new InvalidOperationException("llm.txt is not embedded in the server assembly.");
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = text.Length;
        await text.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
