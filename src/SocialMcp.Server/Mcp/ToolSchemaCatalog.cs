using System.Text.Json;
using System.Text.Json.Nodes;
using SocialMcp.Core.Platforms;
using SocialMcp.Schema;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// One tool's input schema (the JSON advertised in tools/list and the compiled validator of that same JSON) and, for the
/// product's tools, its output schema: what the structuredContent of a successful call conforms to.
/// </summary>
public sealed record ToolSchema(string ToolName, JsonElement Json, JsonElement? OutputJson = null)
{
    // Compiled on the tool's first call, not at start-up: compiling every schema was 43 % of the start-up's CPU
    // (bench/README.md). The tests call every tool, so a keyword the validator lacks still fails before a release.
    private readonly Lazy<JsonSchema> _validator = new(() => JsonSchema.Compile(Json));

    public JsonSchema Validator => _validator.Value;

    // Compiled on first use: only the tests validate results against it, so a server does not pay for it at start-up.
    private readonly Lazy<JsonSchema?> _outputValidator = new(() => OutputJson is { } output ? JsonSchema.Compile(output) : null);

    public JsonSchema? OutputValidator => _outputValidator.Value;
}

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
/// (<see cref="PlatformSchemas"/>), and are inlined where referenced, so each advertised schema stands alone. Each validator is compiled on its tool's first call
/// (<see cref="ToolSchema.Validator"/>), so start-up does not pay for tools nobody calls.
/// <para>
/// Output schemas are hand-written too, in Mcp/Schemas/Outputs (shared pieces in its own _defs.json), one per product
/// tool, rather than derived from the result records: a derived schema would not know the wire names (statuses,
/// platforms, token health are plain strings in C#), that nulls are left out rather than sent, or what a field means,
/// and those are what an agent reads the schema for. Drift is caught by tests instead: every tool is called through the
/// server and its structuredContent checked against what tools/list advertises (additionalProperties is false, so a
/// new result field without a schema line fails).
/// </para>
/// </summary>
public sealed class ToolSchemaCatalog
{
    private const string ResourcePrefix = "SocialMcp.Server.Mcp.Schemas.";
    private const string DefsResource = ResourcePrefix + "_defs.json";
    private const string OutputPrefix = ResourcePrefix + "Outputs.";
    private const string OutputDefsResource = OutputPrefix + "_defs.json";

    private readonly Dictionary<string, ToolSchema> _schemas = new(StringComparer.Ordinal);

    /// <param name="additionalSources">Schemas of tools registered outside Mcp/Schemas (see <see cref="IToolSchemaSource"/>).</param>
    public ToolSchemaCatalog(IEnumerable<IToolSchemaSource>? additionalSources = null)
    {
        var defs = ReadResource(DefsResource)["$defs"]!.AsObject();
        foreach (var (name, schema) in PlatformSchemas.Definitions(PlatformCatalog.All))
        {
            if (!defs.TryAdd(name, schema))
                throw new InvalidOperationException($"_defs.json defines '{name}', which the platform definitions produce; remove it from _defs.json.");
        }
        var ours = ToolResources(ResourcePrefix, DefsResource).ToList();
        var outputs = ReadOutputSchemas(ours.Select(r => r.ToolName));
        foreach (var (toolName, schema) in ours.Concat((additionalSources ?? []).SelectMany(source => source.ReadSchemas())))
        {
            var json = JsonSerializer.SerializeToElement(Inline(schema, defs, toolName));
            // Tools of additional sources (the conformance fixtures) have no output schema of ours.
            JsonElement? output = outputs.TryGetValue(toolName, out var found) ? found : null;
            if (!_schemas.TryAdd(toolName, new ToolSchema(toolName, json, output)))
                throw new InvalidOperationException($"Tool '{toolName}' has two input schemas.");
        }
    }

    /// <summary>The embedded tool schemas directly under a prefix (not in a sub-folder), by tool name.</summary>
    private static IEnumerable<(string ToolName, JsonNode Schema)> ToolResources(string prefix, string defsResource) =>
        typeof(ToolSchemaCatalog).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) && name != defsResource)
            .Select(name => name[prefix.Length..^".json".Length])
            .Where(toolName => !toolName.Contains('.'))
            .Select(toolName => (toolName, ReadResource(prefix + toolName + ".json")));

    /// <summary>Every product tool has exactly one output schema, an object schema; the catalog refuses anything else.</summary>
    private static Dictionary<string, JsonElement> ReadOutputSchemas(IEnumerable<string> toolNames)
    {
        var defs = ReadResource(OutputDefsResource)["$defs"]!.AsObject();
        var toolError = Inline(defs["toolError"]!, defs, "toolError");
        var successes = ToolResources(OutputPrefix, OutputDefsResource)
            .ToDictionary(r => r.ToolName, r => Inline(r.Schema, defs, r.ToolName), StringComparer.Ordinal);
        var tools = toolNames.ToHashSet(StringComparer.Ordinal);
        if (tools.Where(t => !successes.ContainsKey(t)).ToList() is { Count: > 0 } missing)
            throw new InvalidOperationException($"Tools without an output schema in Mcp/Schemas/Outputs: {string.Join(", ", missing)}.");
        if (successes.Keys.Where(t => !tools.Contains(t)).ToList() is { Count: > 0 } orphans)
            throw new InvalidOperationException($"Output schemas without an input schema: {string.Join(", ", orphans)}.");

        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (toolName, success) in successes)
        {
            // MCP: an outputSchema describes structuredContent, which is always a JSON object.
            if (success["type"]?.GetValue<string>() != "object")
                throw new InvalidOperationException($"Output schema of '{toolName}' must have \"type\": \"object\".");
            // Error results carry structuredContent too ({"error": ...}), and clients such as the TypeScript SDK's check
            // every structuredContent against the outputSchema, isError or not: the advertised schema admits both.
            outputs[toolName] = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["type"] = "object",
                ["description"] = "The result of a successful call (first schema) or, with isError true, the error (second).",
                ["anyOf"] = new JsonArray(success, toolError.DeepClone()),
            });
        }
        return outputs;
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
