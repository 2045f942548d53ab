using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMcp.Schema.Evaluation;
using SocialMcp.Schema.Json;
using SocialMcp.Schema.Text;

namespace SocialMcp.Schema.Validators;

/// <summary><c>properties</c>: schemas for named members, checked in schema order.</summary>
internal sealed class PropertiesValidator((NamedProperty Property, SchemaNode Schema)[] properties) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var (property, schema) in properties)
        {
            if (!instance.TryGetProperty(property.Utf8Name, out var value))
            {
                continue;
            }

            evaluated?.AddProperty(property.Name);
            if (!ObjectMember.Evaluate(schema, property.Name, value, "properties", context))
            {
                valid = false;
                if (!context.CollectingErrors)
                {
                    return false;
                }
            }
        }

        return valid;
    }
}

/// <summary><c>patternProperties</c>: schemas for members whose names match a regular expression.</summary>
internal sealed class PatternPropertiesValidator((Regex Pattern, SchemaNode Schema)[] patterns) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var member in instance.EnumerateObject())
        {
            var name = member.Name;
            foreach (var (pattern, schema) in patterns)
            {
                if (!EcmaScriptRegex.IsMatch(pattern, name))
                {
                    continue;
                }

                evaluated?.AddProperty(name);
                if (!ObjectMember.Evaluate(schema, name, member.Value, "patternProperties", context))
                {
                    valid = false;
                    if (!context.CollectingErrors)
                    {
                        return false;
                    }
                }
            }
        }

        return valid;
    }
}

/// <summary><c>additionalProperties</c>: the schema for members not covered by sibling properties/patternProperties.</summary>
internal sealed class AdditionalPropertiesValidator(
    SchemaNode schema, NamedProperty[] declared, Regex[] patterns, string allowedDescription) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        evaluated?.MarkAllProperties();
        if (schema.IsAlwaysValid)
        {
            return true;
        }

        var valid = true;
        foreach (var member in instance.EnumerateObject())
        {
            if (IsDeclared(member))
            {
                continue;
            }

            var name = member.Name;
            if (MatchesPattern(name))
            {
                continue;
            }

            bool memberValid;
            if (schema.IsAlwaysInvalid)
            {
                memberValid = false;
                if (context.CollectingErrors)
                {
                    context.AddErrorAtProperty(name, "additionalProperties", $"property '{JsonStrings.Excerpt(name)}' is not allowed{allowedDescription}");
                }
            }
            else
            {
                memberValid = ObjectMember.Evaluate(schema, name, member.Value, "additionalProperties", context);
            }

            if (!memberValid)
            {
                valid = false;
                if (!context.CollectingErrors)
                {
                    return false;
                }
            }
        }

        return valid;
    }

    private bool IsDeclared(JsonProperty member)
    {
        foreach (var property in declared)
        {
            if (member.NameEquals(property.Utf8Name))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesPattern(string name)
    {
        foreach (var pattern in patterns)
        {
            if (EcmaScriptRegex.IsMatch(pattern, name))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>propertyNames</c>: every member name, as a string, must satisfy the schema.</summary>
internal sealed class PropertyNamesValidator(SchemaNode schema) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object || schema.IsAlwaysValid)
        {
            return true;
        }

        var valid = true;
        foreach (var member in instance.EnumerateObject())
        {
            var name = member.Name;
            var nameValue = JsonValues.FromString(name);
            if (context.EvaluateSilently(schema, nameValue, null))
            {
                continue;
            }

            valid = false;
            if (!context.CollectingErrors)
            {
                return false;
            }

            var reasons = context.CollectErrors(schema, nameValue).Select(error => error.Message).Distinct();
            context.AddErrorAtProperty(name, "propertyNames", $"property name '{JsonStrings.Excerpt(name)}' is not allowed: {string.Join("; ", reasons)}");
        }

        return valid;
    }
}

/// <summary><c>required</c>: each missing member is reported at its own path.</summary>
internal sealed class RequiredValidator(NamedProperty[] required) : KeywordValidator
{
    public IReadOnlyList<NamedProperty> Required => required;

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var property in required)
        {
            if (instance.TryGetProperty(property.Utf8Name, out _))
            {
                continue;
            }

            valid = false;
            if (!context.CollectingErrors)
            {
                return false;
            }

            context.AddErrorAtProperty(property.Name, "required", $"required property '{JsonStrings.Excerpt(property.Name)}' is missing");
        }

        return valid;
    }
}

/// <summary><c>dependentRequired</c>: when a member is present, other members become required.</summary>
internal sealed class DependentRequiredValidator((NamedProperty Trigger, NamedProperty[] Required)[] dependencies) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var (trigger, required) in dependencies)
        {
            if (!instance.TryGetProperty(trigger.Utf8Name, out _))
            {
                continue;
            }

            foreach (var property in required)
            {
                if (instance.TryGetProperty(property.Utf8Name, out _))
                {
                    continue;
                }

                valid = false;
                if (!context.CollectingErrors)
                {
                    return false;
                }

                context.AddErrorAtProperty(
                    property.Name, "dependentRequired", $"property '{JsonStrings.Excerpt(property.Name)}' is required when '{JsonStrings.Excerpt(trigger.Name)}' is present");
            }
        }

        return valid;
    }
}

/// <summary><c>dependentSchemas</c>: when a member is present, the whole object must also satisfy a schema.</summary>
internal sealed class DependentSchemasValidator((NamedProperty Trigger, SchemaNode Schema)[] dependencies) : KeywordValidator
{
    public override IEnumerable<SchemaNode> InPlaceSubschemas => dependencies.Select(d => d.Schema);

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var (trigger, schema) in dependencies)
        {
            if (instance.TryGetProperty(trigger.Utf8Name, out _) && !schema.Evaluate(instance, context, evaluated))
            {
                valid = false;
                if (!context.CollectingErrors)
                {
                    return false;
                }
            }
        }

        return valid;
    }
}

/// <summary><c>minProperties</c> / <c>maxProperties</c>.</summary>
internal sealed class PropertyCountValidator(bool isMinimum, long limit) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var count = instance.GetPropertyCount();
        var valid = isMinimum ? count >= limit : count <= limit;
        if (!valid && context.CollectingErrors)
        {
            context.AddError(
                isMinimum ? "minProperties" : "maxProperties",
                $"must have at {(isMinimum ? "least" : "most")} {limit} {ItemsValidator.Plural(limit, "property", "properties")} (had {count})");
        }

        return valid;
    }
}

/// <summary><c>unevaluatedProperties</c>: applies to members no adjacent or in-place keyword has evaluated.</summary>
internal sealed class UnevaluatedPropertiesValidator(SchemaNode schema) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Object || evaluated is null)
        {
            return true;
        }

        var valid = true;
        foreach (var member in instance.EnumerateObject())
        {
            var name = member.Name;
            if (evaluated.IsPropertyEvaluated(name))
            {
                continue;
            }

            bool memberValid;
            if (schema.IsAlwaysInvalid)
            {
                memberValid = false;
                if (context.CollectingErrors)
                {
                    context.AddErrorAtProperty(name, "unevaluatedProperties", $"property '{JsonStrings.Excerpt(name)}' is not allowed: the schema does not describe it");
                }
            }
            else
            {
                memberValid = ObjectMember.Evaluate(schema, name, member.Value, "unevaluatedProperties", context);
            }

            if (!memberValid)
            {
                valid = false;
                if (!context.CollectingErrors)
                {
                    return false;
                }
            }
        }

        evaluated.MarkAllProperties();
        return valid;
    }
}

internal static class ObjectMember
{
    /// <summary>Evaluates a member value at its own path; a <c>false</c> schema reads as "property is not allowed".</summary>
    public static bool Evaluate(SchemaNode schema, string name, JsonElement value, string keyword, EvaluationContext context)
    {
        if (schema.IsAlwaysValid)
        {
            return true;
        }

        if (schema.IsAlwaysInvalid)
        {
            if (context.CollectingErrors)
            {
                context.AddErrorAtProperty(name, keyword, $"property '{JsonStrings.Excerpt(name)}' is not allowed");
            }

            return false;
        }

        context.PushProperty(name);
        try
        {
            return schema.Evaluate(value, context, null);
        }
        finally
        {
            context.Pop();
        }
    }
}
