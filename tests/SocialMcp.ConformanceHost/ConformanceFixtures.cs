using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Server.Mcp;

namespace SocialMcp.ConformanceHost;

/// <summary>
/// The tools, resources and prompts that the official MCP conformance suites (@modelcontextprotocol/conformance 0.1.16 and
/// 0.2.0-alpha, run by tests/conformance/run.sh) call by name, plus the completion and subscription handlers they exercise.
/// Test-only: this host adds them to the product's server through <c>SocialMcpCommandLine.Build</c>'s hook. They change
/// nothing else — not authentication, not rate limits, not the product's tools.
/// </summary>
public static class ConformanceFixtures
{
    public static IMcpServerBuilder AddConformanceFixtures(this IMcpServerBuilder builder)
    {
        // A configure step, so it runs before ToolSchemaBinding (a post-configure step), which then binds and checks the
        // fixture tools exactly like the product's: schema from Schemas/, [ToolAccess] required.
        builder.Services.AddSingleton<IConfigureOptions<McpServerOptions>, ConformanceServerSetup>();
        builder.Services.AddSingleton<IToolSchemaSource, ConformanceSchemaSource>();
        return builder;
    }
}

/// <summary>Adds the fixtures to the server's options when they are enabled.</summary>
internal sealed class ConformanceServerSetup(IServiceProvider services, ILogger<ConformanceServerSetup> logger)
    : IConfigureOptions<McpServerOptions>
{
    public void Configure(McpServerOptions options)
    {
        logger.LogWarning("Conformance fixtures are served: test-only tools, resources and prompts. This host is for tests only.");

        options.ToolCollection ??= [];
        foreach (var method in new[] { typeof(ConformanceTools), typeof(ConformanceMrtrTools) }.SelectMany(Annotated<McpServerToolAttribute>))
            options.ToolCollection.Add(McpServerTool.Create(method, target: null, new McpServerToolCreateOptions { Services = services }));

        options.ResourceCollection ??= [];
        foreach (var method in Annotated<McpServerResourceAttribute>(typeof(ConformanceResources)))
            options.ResourceCollection.Add(McpServerResource.Create(method, target: null, new McpServerResourceCreateOptions { Services = services }));

        options.PromptCollection ??= [];
        foreach (var method in Annotated<McpServerPromptAttribute>(typeof(ConformancePrompts)))
            options.PromptCollection.Add(McpServerPrompt.Create(method, target: null, new McpServerPromptCreateOptions { Services = services }));

        options.Handlers.CompleteHandler = CompleteAsync;
        options.Handlers.SubscribeToResourcesHandler = (context, _) => AcceptSubscription(context.Params?.Uri);
        options.Handlers.UnsubscribeFromResourcesHandler = (context, _) => AcceptSubscription(context.Params?.Uri);
        // The SDK derives the other capabilities from what is registered, but not this one.
        options.Capabilities ??= new();
        options.Capabilities.Resources ??= new();
        options.Capabilities.Resources.Subscribe = true;
    }

    private static IEnumerable<MethodInfo> Annotated<TAttribute>(Type type) where TAttribute : Attribute =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.GetCustomAttribute<TAttribute>() is not null);

    /// <summary>Completes test_prompt_with_arguments' arguments from a fixed list; anything else has no suggestions.</summary>
    private static ValueTask<CompleteResult> CompleteAsync(RequestContext<CompleteRequestParams> context, CancellationToken cancellationToken)
    {
        string[] candidates = context.Params?.Ref is PromptReference { Name: ConformancePrompts.WithArgumentsName }
            ? ["paris", "park", "party", "test", "testing"]
            : [];
        var prefix = context.Params?.Argument.Value ?? "";
        var values = candidates.Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return ValueTask.FromResult(new CompleteResult { Completion = new Completion { Values = values, Total = values.Count, HasMore = false } });
    }

    // The fixture resources never change, so there is never an update to send: a subscription only has to name one.
    private static ValueTask<EmptyResult> AcceptSubscription(string? uri) =>
        uri is not null && ConformanceResources.StaticUris.Contains(uri)
            ? ValueTask.FromResult(new EmptyResult())
            : throw new McpProtocolException($"Unknown resource '{uri}'.", McpErrorCode.ResourceNotFound);
}

/// <summary>The fixture tools' input schemas (Schemas/*.json, embedded).</summary>
internal sealed class ConformanceSchemaSource : IToolSchemaSource
{
    private const string ResourcePrefix = "SocialMcp.ConformanceHost.Schemas.";

    public IEnumerable<(string ToolName, JsonNode Schema)> ReadSchemas()
    {
        var assembly = typeof(ConformanceSchemaSource).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            yield return (name[ResourcePrefix.Length..^".json".Length],
                JsonNode.Parse(stream) ?? throw new InvalidOperationException($"Embedded schema '{name}' is empty."));
        }
    }
}
