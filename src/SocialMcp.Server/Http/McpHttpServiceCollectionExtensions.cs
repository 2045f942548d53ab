using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core;
using SocialMcp.Server.Http.Health;

namespace SocialMcp.Server.Http;

public static class McpHttpServiceCollectionExtensions
{
    public const string McpPath = "/mcp";

    /// <summary>
    /// The streamable HTTP endpoint, its sessions and their idle eviction, and the health checks. Needs
    /// <c>AddSocialMcpServer()</c> (tools, filters, options: the same as stdio) and an <see cref="IMcpHttpGate"/>.
    /// </summary>
    public static IServiceCollection AddSocialMcpHttp(this IServiceCollection services)
    {
        services.AddValidatedOptions<McpHttpOptions>(McpHttpOptions.SectionName);
        services.AddSingleton<McpHttpSessions>();
        services.AddSingleton<StreamableHttpEndpoint>();
        services.AddHostedService<IdleSessionEviction>();

        // Each check appears under "checks" in /healthz. The scheduler's is unhealthy unless AddSocialScheduler() runs a worker.
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(DatabaseHealthCheck.Name)
            .AddCheck<SchedulerHealthCheck>(SchedulerHealthCheck.Name);
        return services;
    }

    /// <summary>
    /// Maps <c>/mcp</c> (POST, GET, DELETE), <c>GET /llm.txt</c> and <c>GET /healthz</c>, all behind the Host and
    /// Origin allow-lists.
    /// </summary>
    public static WebApplication MapSocialMcp(this WebApplication app)
    {
        app.UseMiddleware<DnsRebindingProtection>();

        var endpoint = app.Services.GetRequiredService<StreamableHttpEndpoint>();
        app.MapPost(McpPath, endpoint.PostAsync);
        app.MapGet(McpPath, endpoint.GetAsync);
        app.MapDelete(McpPath, endpoint.DeleteAsync);

        app.MapGet("/llm.txt", ServeLlmTxtAsync);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        return app;
    }

    private static async Task ServeLlmTxtAsync(HttpContext context)
    {
        await using var text = typeof(McpHttpServiceCollectionExtensions).Assembly.GetManifestResourceStream("llm.txt")
            ?? throw new InvalidOperationException("llm.txt is not embedded in the server assembly.");
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = text.Length;
        await text.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
