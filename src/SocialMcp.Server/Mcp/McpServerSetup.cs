using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Server.Access;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp.BadInput;
using SocialMcp.Server.Resources;
using SocialMcp.Server.Tools;

namespace SocialMcp.Server.Mcp;

public static class McpServerSetup
{
    public const string ServerName = "socialmcp";

    public static string ServerVersion { get; } =
        typeof(McpServerSetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.1.0";

    private static readonly string Instructions =
        "SocialMcp drafts, checks, schedules, publishes, tracks and withdraws social media posts on " +
        $"{string.Join(", ", PlatformNames.AllWireNames.SkipLast(1))} and {PlatformNames.AllWireNames[^1]}. " +
        "Typical flow: list_accounts (connect_account to connect one) → validate_post → create_post → publish_post " +
        "(or schedule_post) → get_post to track → withdraw_post to take down. Every error has a stable code, a JSON path and a hint.";

    /// <summary>
    /// The MCP server with every SocialMcp tool, its advertised input schemas replaced by our strict ones, and the
    /// call filter that validates arguments against them. The caller adds the transport.
    /// </summary>
    public static IMcpServerBuilder AddSocialMcpServer(this IServiceCollection services)
    {
        services.AddSingleton<ToolSchemaCatalog>();
        services.AddSingleton<ToolCallFilter>();
        services.AddSingleton<Tools.BoundedPublish>();
        services.AddSingleton<Tools.ApprovalPrompt>();
        services.AddSingleton<Tools.ReconnectHints>();
        services.AddSingleton<Tools.TimeArguments>();
        services.AddSingleton<ToolAccessCatalog>();
        services.AddSingleton<ToolRateLimiter>();
        services.AddSingleton<RequestStateProtector>();
        services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.SectionName);
        // One caller per tool call: the filter fills it in the request's scope, tools read the workspace from it.
        services.AddScoped<CallerContext>();
        services.AddScoped<IWorkspaceContext>(sp => sp.GetRequiredService<CallerContext>());
        services.AddEmulatedSandbox();
        // Over HTTP only (a plain host has no middleware): malformed JSON-RPC bodies answered before the transport reads them.
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, JsonRpcBodyGuard>();
        services.AddSingleton<IPostConfigureOptions<McpServerOptions>, ToolSchemaBinding>();
        services.PostConfigure<McpServerOptions>(options =>
        {
            options.ServerInfo = new Implementation { Name = ServerName, Title = "SocialMcp", Version = ServerVersion };
            options.ServerInstructions = Instructions;
        });

        return services.AddMcpServer()
            .WithTools<PostTools>(SocialJson.Options)
            .WithTools<AccountTools>(SocialJson.Options)
            .WithTools<ConnectTools>(SocialJson.Options)
            .WithTools<PlatformSetTools>(SocialJson.Options)
            .WithTools<HealthTools>(SocialJson.Options)
            .WithTools<MediaTools>(SocialJson.Options)
            .WithTools<QueueTools>(SocialJson.Options)
            .WithTools<WebhookTools>(SocialJson.Options)
            .WithTools<ApprovalTools>(SocialJson.Options)
            // Limits first, so a request with bad params still costs its sender; then params the SDK could not read.
            .WithMessageFilters(filters => filters
                .AddRequestLimits(services => services!.GetRequiredService<ToolRateLimiter>())
                .AddRequestParamsGuard())
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => (context, cancellationToken) =>
                context.Services!.GetRequiredService<ToolCallFilter>().InvokeAsync(context, next, cancellationToken)))
            .WithPostResources();
    }
}

/// <summary>
/// Replaces each tool's SDK-generated input schema with the catalog's strict one, so tools/list advertises exactly what
/// <see cref="ToolCallFilter"/> validates, and sets its outputSchema from Mcp/Schemas/Outputs. Refuses to start when a tool has no schema, a schema has no tool, or a schema's
/// top-level members differ from the method's parameters (which is how the SDK binds arguments).
/// </summary>
internal sealed class ToolSchemaBinding(ToolSchemaCatalog catalog) : IPostConfigureOptions<McpServerOptions>
{
    // The SDK builds McpServerOptions for every session, and in stateless HTTP mode for every request, from the same
    // singleton tools. Each tool is checked and bound once; later option builds find it here and skip it (the check
    // walked every schema per request: 6 % of the server's CPU under load, bench/results/before-after-issues-10-11.md).
    private readonly ConditionalWeakTable<Tool, object> bound = [];

    // PostConfigure: runs after the SDK has filled the tool collection.
    public void PostConfigure(string? name, McpServerOptions options)
    {
        var tools = options.ToolCollection ?? throw new InvalidOperationException("No MCP tools are registered.");
        var boundAny = false;
        foreach (var tool in tools)
        {
            var protocolTool = tool.ProtocolTool;
            if (bound.TryGetValue(protocolTool, out _))
                continue;
            Bind(tool);
            bound.AddOrUpdate(protocolTool, catalog);
            boundAny = true;
        }
        if (!boundAny)
            return;

        var orphans = catalog.All.Select(s => s.ToolName).Except(tools.Select(t => t.ProtocolTool.Name)).ToList();
        if (orphans.Count > 0)
            throw new InvalidOperationException($"Schemas without a tool: {string.Join(", ", orphans)}.");
    }

    private void Bind(McpServerTool tool)
    {
        var protocolTool = tool.ProtocolTool;
        var schema = catalog.Find(protocolTool.Name)
            ?? throw new InvalidOperationException($"Tool '{protocolTool.Name}' has no input schema in Mcp/Schemas.");
        var generated = PropertyNames(protocolTool.InputSchema);
        var ours = PropertyNames(schema.Json);
        if (!generated.SetEquals(ours))
        {
            throw new InvalidOperationException(
                $"Schema of '{protocolTool.Name}' has members [{string.Join(", ", ours.Order())}] but the tool method binds [{string.Join(", ", generated.Order())}].");
        }
        protocolTool.InputSchema = schema.Json;
        // The product's tools have one (the catalog insists); conformance fixtures keep whatever the SDK made.
        if (schema.OutputJson is { } output)
            protocolTool.OutputSchema = output;
        _ = ToolAccessCatalog.AccessOf(tool); // throws at start-up for a tool without [ToolAccess]
    }

    private static HashSet<string> PropertyNames(JsonElement schema) =>
        schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];
}
