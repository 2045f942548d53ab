using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Access;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// RFC 9728 protected-resource metadata for <c>/mcp</c>, at the path-suffixed address the 401 challenge names and at
/// the bare one clients fall back to: which authorization server issues tokens for it, with which scopes, sent how.
/// </summary>
internal static class ProtectedResourceMetadata
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(McpResource.MetadataPath + Http.McpHttpServiceCollectionExtensions.McpPath, Serve);
        app.MapGet(McpResource.MetadataPath, Serve);
    }

    private static IResult Serve(HttpContext context)
    {
        var resource = context.RequestServices.GetRequiredService<McpResource>();
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Json(new Dictionary<string, object>
        {
            ["resource"] = resource.Resource(context.Request),
            ["authorization_servers"] = new[] { resource.AuthorizationServer(context.Request) },
            ["scopes_supported"] = Scopes.Known,
            ["bearer_methods_supported"] = new[] { "header" },
            ["resource_name"] = "SocialMcp",
            ["resource_documentation"] = resource.Issuer(context.Request) + "/llm.txt",
        });
    }
}
