using System.Text.Json;
using SocialMcp.Schema.Evaluation;
using SocialMcp.Schema.Json;

namespace SocialMcp.Schema.Validators;

/// <summary><c>type</c>: the instance must be one of the listed JSON types; integers include 1.0.</summary>
internal sealed class TypeValidator(JsonTypeSet allowed, string expectedDescription) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        var matches = instance.ValueKind switch
        {
            JsonValueKind.Null => (allowed & JsonTypeSet.Null) != 0,
            JsonValueKind.True or JsonValueKind.False => (allowed & JsonTypeSet.Boolean) != 0,
            JsonValueKind.Object => (allowed & JsonTypeSet.Object) != 0,
            JsonValueKind.Array => (allowed & JsonTypeSet.Array) != 0,
            JsonValueKind.String => (allowed & JsonTypeSet.String) != 0,
            JsonValueKind.Number => (allowed & JsonTypeSet.Number) != 0
                || ((allowed & JsonTypeSet.Integer) != 0 && JsonNumber.From(instance).IsInteger),
            _ => false,
        };

        if (!matches && context.CollectingErrors)
        {
            var actual = JsonTypes.NameOf(instance);
            var shown = instance.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? $"{actual} {JsonTypes.Describe(instance)}"
                : actual;
            context.AddError("type", $"must be {expectedDescription}, but was {shown}");
        }

        return matches;
    }
}

/// <summary><c>enum</c>: the instance must equal one of the listed values.</summary>
internal sealed class EnumValidator(JsonElement[] values, string allowedList) : KeywordValidator
{
    // Strings are by far the most common enum members; compare them without allocating.
    private readonly string?[] _stringValues = values.Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToArray();

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var equal = instance.ValueKind == JsonValueKind.String && _stringValues[i] is { } text
                ? instance.ValueEquals(text)
                : JsonEquality.AreEqual(instance, values[i]);
            if (equal)
            {
                return true;
            }
        }

        if (context.CollectingErrors)
        {
            context.AddError("enum", values.Length == 0
            ? "no value is allowed here (the enum is empty)"
                : $"must be one of: {allowedList} (was {JsonTypes.Describe(instance)})");
        }

        return false;
    }
}

/// <summary><c>const</c>: the instance must equal the given value.</summary>
internal sealed class ConstValidator(JsonElement value) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (JsonEquality.AreEqual(instance, value))
        {
            return true;
        }

        if (context.CollectingErrors)
        {
            context.AddError("const", $"must be exactly {JsonTypes.Describe(value)} (was {JsonTypes.Describe(instance)})");
        }

        return false;
    }
}

internal enum NumericLimitKind
{
    Minimum,
    ExclusiveMinimum,
    Maximum,
    ExclusiveMaximum,
}

/// <summary><c>minimum</c>, <c>exclusiveMinimum</c>, <c>maximum</c>, <c>exclusiveMaximum</c>.</summary>
internal sealed class NumericLimitValidator(NumericLimitKind kind, JsonNumber limit) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Number)
        {
            return true;
        }

        var comparison = JsonNumber.From(instance).CompareTo(limit);
        var (valid, keyword, relation) = kind switch
        {
            NumericLimitKind.Minimum => (comparison >= 0, "minimum", ">="),
            NumericLimitKind.ExclusiveMinimum => (comparison > 0, "exclusiveMinimum", ">"),
            NumericLimitKind.Maximum => (comparison <= 0, "maximum", "<="),
            _ => (comparison < 0, "exclusiveMaximum", "<"),
        };

        if (!valid && context.CollectingErrors)
        {
            context.AddError(keyword, $"must be {relation} {limit} (was {JsonStrings.Excerpt(instance.GetRawText())})");
        }

        return valid;
    }
}

/// <summary><c>multipleOf</c>, exact for decimal-representable numbers.</summary>
internal sealed class MultipleOfValidator(JsonNumber divisor) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Number || JsonNumber.From(instance).IsMultipleOf(divisor))
        {
            return true;
        }

        if (context.CollectingErrors)
        {
            context.AddError("multipleOf", $"must be a multiple of {divisor} (was {JsonStrings.Excerpt(instance.GetRawText())})");
        }

        return false;
    }
}
