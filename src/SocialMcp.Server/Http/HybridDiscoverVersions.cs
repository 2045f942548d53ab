using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace SocialMcp.Server.Http;

/// <summary>
/// In the hybrid session mode one endpoint serves every revision: 2026-07-28 without sessions, earlier ones with an
/// initialize handshake. The SDK's <c>server/discover</c> answer lists only the sessionless revision, while its
/// UnsupportedProtocolVersion error lists them all; the 2026-07-28 revision wants the error's list to be a subset of
/// what discovery advertises, and a client deciding how to talk to us should see every revision we serve. So the
/// discover result's <c>supportedVersions</c> is widened to the endpoint's full list here.
/// </summary>
internal static class HybridDiscoverVersions
{
    /// <summary>
    /// The revisions ModelContextProtocol 2.4.0 serves on one endpoint (its own list is internal; its
    /// UnsupportedProtocolVersion error names the same five). HybridEndpointTests checks the two stay equal.
    /// </summary>
    internal static readonly string[] EndpointRevisions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"];

    public static IMcpServerBuilder WithHybridDiscoverVersions(this IMcpServerBuilder builder) =>
        builder.WithMessageFilters(filters => filters.AddOutgoingFilter(next => async (context, cancellationToken) =>
        {
            // Only a DiscoverResult carries "supportedVersions" next to "capabilities" in a response's result.
            if (context.JsonRpcMessage is JsonRpcResponse { Result: JsonObject result }
                && result["supportedVersions"] is JsonArray advertised
                && result.ContainsKey("capabilities")
                && context.Services?.GetService<IOptions<McpHttpOptions>>()?.Value.EffectiveSessionMode == HttpServerSessionMode.StatefulForInitializeClients)
            {
                foreach (var version in EndpointRevisions)
                {
                    if (!advertised.Any(v => v?.GetValue<string>() == version))
                        advertised.Add(version);
                }
            }
            await next(context, cancellationToken);
        }));
}
