using System.Text.Json;
using SocialMcp.Schema.Compilation;
using SocialMcp.Schema.Evaluation;

namespace SocialMcp.Schema.Validators;

/// <summary><c>$ref</c>: applies the referenced schema in place. The target is filled in after the whole document is compiled.</summary>
internal sealed class RefValidator : KeywordValidator
{
    public SchemaNode? Target { get; set; }

    public override IEnumerable<SchemaNode> InPlaceSubschemas => Target is null ? [] : [Target];

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated) =>
        Target!.Evaluate(instance, context, evaluated);
}

/// <summary>
/// <c>$dynamicRef</c>: resolves like <c>$ref</c>, unless the target is a <c>$dynamicAnchor</c>; then the outermost
/// resource in the dynamic scope that declares the same dynamic anchor wins (this is how schemas are "extended").
/// </summary>
internal sealed class DynamicRefValidator : KeywordValidator
{
    public SchemaNode? StaticTarget { get; set; }

    /// <summary>Set when the statically resolved target carries a matching <c>$dynamicAnchor</c>.</summary>
    public string? DynamicAnchor { get; set; }

    public override IEnumerable<SchemaNode> InPlaceSubschemas => StaticTarget is null ? [] : [StaticTarget];

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        var target = StaticTarget!;
        if (DynamicAnchor is not null)
        {
            foreach (var resource in context.DynamicScope)
            {
                if (resource.DynamicAnchors.TryGetValue(DynamicAnchor, out var outermost))
                {
                    target = outermost;
                    break;
                }
            }
        }

        return target.Evaluate(instance, context, evaluated);
    }
}

/// <summary>
/// Stands in for the draft 2020-12 meta-schema, which cannot be fetched offline: the instance must be a
/// well-formed schema (every keyword this validator knows has a value of the right shape; unknown keywords
/// are allowed, as the meta-schema allows them).
/// </summary>
internal sealed class MetaSchemaValidator : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        try
        {
            SchemaCompiler.CheckWellFormed(instance);
            return true;
        }
        catch (InvalidSchemaException exception)
        {
            if (context.CollectingErrors)
            {
                context.AddError("$ref", $"must be a valid JSON Schema, but {exception.SchemaPath} is invalid: {exception.Reason}");
            }

            return false;
        }
    }
}
