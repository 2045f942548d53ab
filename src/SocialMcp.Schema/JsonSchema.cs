using System.Text.Json;
using SocialMcp.Schema.Compilation;
using SocialMcp.Schema.Evaluation;

namespace SocialMcp.Schema;

/// <summary>
/// A compiled JSON Schema (draft 2020-12) used to validate MCP tool arguments against a tool's <c>inputSchema</c>.
/// Compile once at start-up; <see cref="Validate"/> and <see cref="IsValid"/> are thread-safe and do not re-parse the schema.
/// </summary>
public sealed class JsonSchema
{
    private readonly SchemaNode _root;

    private JsonSchema(SchemaNode root) => _root = root;

    /// <summary>Every keyword accepted by <see cref="Compile"/>: the ones that validate plus the pure annotations that are ignored.</summary>
    public static IReadOnlySet<string> SupportedKeywords => SchemaKeywords.All;

    /// <summary>Compiles a schema.</summary>
    /// <exception cref="UnsupportedSchemaKeywordException">The schema (anywhere, including $defs) uses a keyword that is not implemented.</exception>
    /// <exception cref="InvalidSchemaException">The schema is malformed, has an unresolvable $ref, or loops on itself.</exception>
    public static JsonSchema Compile(JsonElement schema, JsonSchemaOptions? options = null)
    {
        if (schema.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The schema element is undefined (default JsonElement).", nameof(schema));
        }

        // Clone so the compiled schema does not depend on the lifetime of the caller's JsonDocument.
        return new JsonSchema(SchemaCompiler.Compile(schema.Clone(), options ?? JsonSchemaOptions.Default));
    }

    /// <summary>Parses and compiles a schema given as JSON text.</summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public static JsonSchema Parse(string schemaJson, JsonSchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        using var document = JsonDocument.Parse(schemaJson);
        return Compile(document.RootElement, options);
    }

    /// <summary>Validates an instance; an empty list means it is valid. Errors are in schema/document order.</summary>
    public IReadOnlyList<SchemaValidationError> Validate(JsonElement instance)
    {
        // The fast boolean pass decides validity without building any messages; only failures pay for diagnostics.
        if (IsValid(instance))
        {
            return [];
        }

        var errors = new List<SchemaValidationError>();
        Evaluate(instance, errors);
        if (errors.Count == 0)
        {
            errors.Add(new SchemaValidationError(Evaluation.InstancePath.Root, "schema", "does not match the schema"));
        }

        return errors;
    }

    /// <summary>True when the instance satisfies the schema; stops at the first failure.</summary>
    public bool IsValid(JsonElement instance) => Evaluate(instance, errors: null);

    private bool Evaluate(JsonElement instance, List<SchemaValidationError>? errors)
    {
        var context = EvaluationContext.Rent(errors);
        try
        {
            return _root.Evaluate(instance, context, evaluated: null);
        }
        finally
        {
            EvaluationContext.Return(context);
        }
    }
}
