using System.Text.Json;
using System.Text.Json.Nodes;
using SocialMcp.Schema;

namespace SocialMcp.Server.Mcp;

/// <summary>One tool's input schema: the JSON advertised in tools/list and the compiled validator of that same JSON.</summary>
public sealed record ToolSchema(string ToolName, JsonElement Json, JsonSchema Validator);

/// <summary>
/// The input schemas of all tools, read from the JSON files embedded under Mcp/Schemas. Shared pieces live in
/// _defs.json and are inlined where referenced, so each advertised schema stands alone. Compiling here means a
/// schema that uses a keyword our validator does not implement stops the server at start-up.
/// </summary>
public sealed class ToolSchemaCatalog
{
    private const string ResourcePrefix = "SocialMcp.Server.Mcp.Schemas.";
    private const string DefsResource = ResourcePrefix + "_defs.json";

    private readonly Dictionary<string, ToolSchema> _schemas;

    public ToolSchemaCatalog()
    {
        var assembly = typeof(ToolSchemaCatalog).Assembly;
        var defs = ReadResource(DefsResource)["$defs"]!.AsObject();
        _schemas = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) && name != DefsResource)
            .Select(name =>
            {
                var toolName = name[ResourcePrefix.Length..^".json".Length];
                var node = Inline(ReadResource(name), defs, toolName);
                var json = JsonSerializer.SerializeToElement(node);
                return new ToolSchema(toolName, json, JsonSchema.Compile(json));
            })
            .ToDictionary(s => s.ToolName, StringComparer.Ordinal);
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
