using System.Text.Json;

namespace SocialMcp.Schema.Evaluation;

/// <summary>
/// A compiled (sub)schema: either a boolean schema or an ordered list of keyword validators.
/// Nodes are created before their validators so that recursive <c>$ref</c>s can point at them.
/// </summary>
internal sealed class SchemaNode
{
    private KeywordValidator[] _validators = [];
    private bool _tracksOwnAnnotations;

    public SchemaNode(string schemaPath, SchemaResource? resource)
    {
        SchemaPath = schemaPath;
        Resource = resource;
    }

    /// <summary>JSON pointer fragment of this schema inside its document, e.g. <c>#/properties/a</c>.</summary>
    public string SchemaPath { get; }

    public SchemaResource? Resource { get; }

    /// <summary>Set for the <c>true</c>/<c>false</c> schemas.</summary>
    public bool? BooleanValue { get; private set; }

    public IReadOnlyList<KeywordValidator> Validators => _validators;

    public bool IsAlwaysValid => BooleanValue == true;

    public bool IsAlwaysInvalid => BooleanValue == false;

    public void SetBoolean(bool value) => BooleanValue = value;

    public void SetValidators(KeywordValidator[] validators, bool tracksOwnAnnotations)
    {
        _validators = validators;
        _tracksOwnAnnotations = tracksOwnAnnotations;
    }

    /// <param name="evaluated">
    /// Non-null when an enclosing schema needs to know which members/items this schema evaluated
    /// (for unevaluatedProperties/unevaluatedItems); null otherwise, which keeps the common path cheap.
    /// </param>
    public bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (BooleanValue is bool booleanSchema)
        {
            if (!booleanSchema)
            {
                context.AddError("false", "no value is allowed here (the schema is 'false')");
            }

            return booleanSchema;
        }

        if (!context.TryEnter(Resource, out var pushedScope))
        {
            return false;
        }

        try
        {
            // A schema with unevaluated* keywords only sees annotations from its own keywords and in-place
            // subschemas, never from its siblings, so it collects into a fresh set and hands it up on success.
            var local = _tracksOwnAnnotations ? new EvaluatedLocations() : evaluated;
            var valid = true;
            foreach (var validator in _validators)
            {
                if (!validator.Evaluate(instance, context, local))
                {
                    valid = false;
                    if (!context.CollectingErrors)
                    {
                        break;
                    }
                }
            }

            if (valid && _tracksOwnAnnotations && evaluated is not null)
            {
                evaluated.MergeFrom(local!);
            }

            return valid;
        }
        finally
        {
            context.Exit(pushedScope);
        }
    }

    public override string ToString() => SchemaPath;
}

/// <summary>One keyword (or a group of interacting keywords, like contains + minContains) of a compiled schema.</summary>
internal abstract class KeywordValidator
{
    public abstract bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated);

    /// <summary>Subschemas applied to the same instance location; used to refuse schemas that loop forever.</summary>
    public virtual IEnumerable<SchemaNode> InPlaceSubschemas => [];
}
