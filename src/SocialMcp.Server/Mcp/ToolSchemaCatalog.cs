using System.Text.Json;
using System.Text.Json.Nodes;
using SocialMcp.Core.Platforms;
using SocialMcp.Schema;

namespace SocialMcp.Server.Mcp;

/// <summary>One tool's input schema: the JSON advertised in tools/list and the compiled validator of that same JSON.</summary>
public sealed record ToolSchema(string ToolName, JsonElement Json, JsonSchema Validator);

/// <summary>
/// Input schemas of tools registered outside the product's set, e.g. the conformance fixtures (only when they are
/// enabled). <see cref="ToolSchemaCatalog"/> adds them to Mcp/Schemas and they are checked and enforced the same way.
/// </summary>
public interface IToolSchemaSource
{
    /// <summary>Each tool's name and input schema; nothing when the source adds no tools.</summary>
    IEnumerable<(string ToolName, JsonNode Schema)> ReadSchemas();
}

/// <summary>
/// The input schemas of all tools, read from the JSON files embedded under Mcp/Schemas and from any
/// <see cref="IToolSchemaSource"/>. Shared pieces live in _defs.json, or are produced from the platform definitions
/// (<see cref="PlatformSchemas"/>), and are inlined where referenced, so each advertised schema stands alone. Compiling here means a schema that uses a keyword our validator does not implement
/// stops the server at start-up.
/// </summary>
public sealed class ToolSchemaCatalog
{
    private const string ResourcePrefix = "SocialMcp.Server.Mcp.Schemas.";
    private const string DefsResource = ResourcePrefix + "_defs.json";

    private readonly Dictionary<string, ToolSchema> _schemas = new(StringComparer.Ordinal);

    /// <param name="additionalSources">Schemas of tools registered outside Mcp/Schemas (see <see cref="IToolSchemaSource"/>).</param>
    public ToolSchemaCatalog(IEnumerable<IToolSchemaSource>? additionalSources = null)
    {
        var assembly = typeof(ToolSchemaCatalog).Assembly;
        var defs = ReadResource(DefsResource)["$defs"]!.AsObject();
        foreach (var (name, schema) in PlatformSchemas.Definitions(PlatformCatalog.All))
        {
            if (!defs.TryAdd(name, schema))
                throw new InvalidOperationException($"_defs.json defines '{name}', which the platform definitions produce; remove it from _defs.json.");
        }
        var ours = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) && name != DefsResource)
            .Select(name => (ToolName: name[ResourcePrefix.Length..^".json".Length], Schema: ReadResource(name)));
        foreach (var (toolName, schema) in ours.Concat((additionalSources ?? []).SelectMany(source => source.ReadSchemas())))
        {
            var json = JsonSerializer.SerializeToElement(Inline(schema, defs, toolName));
            if (!_schemas.TryAdd(toolName, new ToolSchema(toolName, json, JsonSchema.Compile(json))))
                throw new InvalidOperationException($"Tool '{toolName}' has two input schemas.");
        }
    }

    public IReadOnlyCollection<ToolSchema> All => _schemas.Values;

    public ToolSchema? Find(string toolName) => _schemas.GetValueOrDefault(toolName);

    private static JsonNode ReadResource(string name)
    {
        using var stream = typeof(ToolSchemaCatalog).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded schema '{name}' is missing.");
        return JsonNode.Parse(stream) ?? throw new InvalidOperationException($"Embedded schema '{name}' is empty.");
    }

    /// <summary>Replaces every {"$ref": "#/$defs/NAME"} with a copy of the shared definition, recursively.</summary>
    private static JsonNode Inline(JsonNode node, JsonObject defs, string toolName, int depth = 0)
    {
        if (depth > 32)
            throw new InvalidOperationException($"Schema of {toolName}: $ref nesting is too deep (a cycle?).");

        switch (node)
        {
            case JsonObject obj when obj.Count == 1 && obj["$ref"] is JsonValue reference:
                var target = reference.GetValue<string>();
                const string prefix = "#/$defs/";
                if (!target.StartsWith(prefix, StringComparison.Ordinal) || defs[target[prefix.Length..]] is not { } definition)
                    throw new InvalidOperationException($"Schema of {toolName}: unknown $ref '{target}'.");
                return Inline(definition.DeepClone(), defs, toolName, depth + 1);
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                    copy[key] = value is null ? null : Inline(value, defs, toolName, depth);
                return copy;
            case JsonArray array:
                return new JsonArray(array.Select(item => item is null ? null : Inline(item, defs, toolName, depth)).ToArray());
            default:
                return node.DeepClone();
        }
    }
}
