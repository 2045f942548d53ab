using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Conformance;

/// <summary>
/// The tools, resources and prompts that the official MCP conformance suite (@modelcontextprotocol/conformance, run by
/// tests/conformance/run.sh) calls by name, plus the completion and subscription handlers it exercises. Test-only: they
/// exist in a server only when <c>Conformance:Enabled</c> is true (<c>SOCIALMCP_Conformance__Enabled=true</c>). They
/// change nothing else — not authentication, not rate limits, not the product's tools.
/// </summary>
public static class ConformanceFixtures
{
    public const string EnabledKey = "Conformance:Enabled";

    /// <summary>Only the value "true" (any case) turns them on; anything else, or no configuration, leaves them off.</summary>
    public static bool IsEnabled(IConfiguration? configuration) =>
        bool.TryParse(configuration?[EnabledKey], out var enabled) && enabled;

    /// <summary>
    /// Registers the fixtures behind <see cref="EnabledKey"/>, which is read when the server's options are built, after
    /// every configuration source is in. Switched off, they add no tool, schema, resource, prompt, handler or capability.
    /// </summary>
    public static IMcpServerBuilder AddConformanceFixtures(this IMcpServerBuilder builder)
    {
        // A configure step, so it runs before ToolSchemaBinding (a post-configure step), which then binds and checks the
        // fixture tools exactly like the product's: schema from Conformance/Schemas, [ToolAccess] required.
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
        if (!ConformanceFixtures.IsEnabled(services.GetService<IConfiguration>()))
            return;

        logger.LogWarning("Conformance fixtures are enabled ({Key}=true): test-only tools, resources and prompts are served. Never set it outside tests.",
            ConformanceFixtures.EnabledKey);

        options.ToolCollection ??= [];
        foreach (var method in Annotated<McpServerToolAttribute>(typeof(ConformanceTools)))
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

/// <summary>The fixture tools' input schemas (Conformance/Schemas/*.json, embedded), when the fixtures are enabled.</summary>
internal sealed class ConformanceSchemaSource(IConfiguration? configuration = null) : IToolSchemaSource
{
    private const string ResourcePrefix = "SocialMcp.Server.Conformance.Schemas.";

    public IEnumerable<(string ToolName, JsonNode Schema)> ReadSchemas()
    {
        if (!ConformanceFixtures.IsEnabled(configuration))
            yield break;

        var assembly = typeof(ConformanceSchemaSource).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            yield return (name[ResourcePrefix.Length..^".json".Length],
                JsonNode.Parse(stream) ?? throw new InvalidOperationException($"Embedded schema '{name}' is empty."));
        }
    }
}
