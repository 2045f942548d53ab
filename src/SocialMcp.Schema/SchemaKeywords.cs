using System.Collections.Frozen;

namespace SocialMcp.Schema;

/// <summary>The keyword vocabulary this validator understands.</summary>
internal static class SchemaKeywords
{
    /// <summary>Keywords that change validation or reference resolution.</summary>
    public static readonly FrozenSet<string> Validation = FrozenSet.ToFrozenSet(
    [
        // Core: identification and references.
        "$id", "$anchor", "$dynamicAnchor", "$ref", "$dynamicRef", "$defs",
        // Applicators.
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
        "prefixItems", "items", "contains",
        "properties", "patternProperties", "additionalProperties", "propertyNames",
        "unevaluatedItems", "unevaluatedProperties",
        // Validation.
        "type", "enum", "const",
        "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "maxLength", "minLength", "pattern",
        "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
        "maxProperties", "minProperties", "required", "dependentRequired",
        "format",
    ], StringComparer.Ordinal);

    /// <summary>Keywords that carry information for humans or tooling only; accepted and ignored.</summary>
    public static readonly FrozenSet<string> Annotation = FrozenSet.ToFrozenSet(
    [
        "$schema", "$comment", "$vocabulary",
        "title", "description", "default", "examples",
        "readOnly", "writeOnly", "deprecated",
        "contentMediaType", "contentEncoding", "contentSchema",
    ], StringComparer.Ordinal);

    public static readonly FrozenSet<string> All =
        Validation.Concat(Annotation).ToFrozenSet(StringComparer.Ordinal);
}
