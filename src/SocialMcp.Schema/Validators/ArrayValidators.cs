using System.Text.Json;
using SocialMcp.Schema.Evaluation;
using SocialMcp.Schema.Json;

namespace SocialMcp.Schema.Validators;

/// <summary><c>prefixItems</c>: positional schemas for the first items of an array.</summary>
internal sealed class PrefixItemsValidator(SchemaNode[] prefix) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var valid = true;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (index >= prefix.Length)
            {
                break;
            }

            context.PushIndex(index);
            var itemValid = prefix[index].Evaluate(item, context, null);
            context.Pop();
            index++;
            if (!itemValid)
            {
                valid = false;
                if (!context.CollectingErrors)
                {
                    return false;
                }
            }
        }

        evaluated?.AddPrefixItems(index);
        return valid;
    }
}

/// <summary><c>items</c>: the schema for every item after those covered by a sibling <c>prefixItems</c>.</summary>
internal sealed class ItemsValidator(SchemaNode schema, int prefixCount) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var length = instance.GetArrayLength();
        if (length <= prefixCount || schema.IsAlwaysValid)
        {
            evaluated?.MarkAllItems();
            return true;
        }

        if (schema.IsAlwaysInvalid)
        {
            // "items": false closes a tuple: say how long the array may be rather than blaming each extra item.
            if (context.CollectingErrors)
            {
                context.AddError("items", prefixCount == 0
                    ? $"must be an empty array (had {length} items)"
                    : $"must have at most {prefixCount} {Plural(prefixCount, "item", "items")} (had {length})");
            }

            return false;
        }

        var valid = true;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (index >= prefixCount)
            {
                context.PushIndex(index);
                var itemValid = schema.Evaluate(item, context, null);
                context.Pop();
                if (!itemValid)
                {
                    valid = false;
                    if (!context.CollectingErrors)
                    {
                        return false;
                    }
                }
            }

            index++;
        }

        evaluated?.MarkAllItems();
        return valid;
    }

    internal static string Plural(long count, string singular, string plural) => count == 1 ? singular : plural;
}

/// <summary><c>minItems</c> / <c>maxItems</c>.</summary>
internal sealed class ItemCountValidator(bool isMinimum, long limit) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var length = instance.GetArrayLength();
        var valid = isMinimum ? length >= limit : length <= limit;
        if (!valid && context.CollectingErrors)
        {
            context.AddError(
                isMinimum ? "minItems" : "maxItems",
                $"must have at {(isMinimum ? "least" : "most")} {limit} {ItemsValidator.Plural(limit, "item", "items")} (had {length})");
        }

        return valid;
    }
}

/// <summary><c>uniqueItems</c>: no two items may be equal by JSON Schema equality.</summary>
internal sealed class UniqueItemsValidator : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        // Quadratic, but tool arguments are small and JSON equality is not cheaply hashable (1 == 1.0).
        var length = instance.GetArrayLength();
        for (var i = 0; i < length; i++)
        {
            for (var j = i + 1; j < length; j++)
            {
                if (JsonEquality.AreEqual(instance[i], instance[j]))
                {
                    if (context.CollectingErrors)
                    {
                        context.AddError("uniqueItems", $"must not contain duplicate items (items [{i}] and [{j}] are equal)");
                    }

                    return false;
                }
            }
        }

        return true;
    }
}

/// <summary><c>contains</c> together with <c>minContains</c> / <c>maxContains</c>.</summary>
internal sealed class ContainsValidator(SchemaNode schema, long minContains, long? maxContains, bool explicitMinimum) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        // Without annotations or error details to produce, stop counting as soon as the outcome is known.
        var canStopEarly = evaluated is null && !context.CollectingErrors;
        long count = 0;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            context.PushIndex(index);
            var matches = context.EvaluateSilently(schema, item, null);
            context.Pop();
            if (matches)
            {
                count++;
                evaluated?.AddContainedItem(index);
                if (canStopEarly && (maxContains is null ? count >= minContains : count > maxContains))
                {
                    break;
                }
            }

            index++;
        }

        if (count < minContains)
        {
            if (context.CollectingErrors)
            {
                context.AddError(
                    explicitMinimum ? "minContains" : "contains",
                    $"must contain at least {minContains} {ItemsValidator.Plural(minContains, "item", "items")} matching the 'contains' schema (found {count})");
            }

            return false;
        }

        if (count > maxContains)
        {
            if (context.CollectingErrors)
            {
                context.AddError(
                    "maxContains",
                    $"must contain at most {maxContains} {ItemsValidator.Plural(maxContains.Value, "item", "items")} matching the 'contains' schema (found {count})");
            }

            return false;
        }

        return true;
    }
}

/// <summary><c>unevaluatedItems</c>: applies to items no adjacent or in-place keyword has evaluated.</summary>
internal sealed class UnevaluatedItemsValidator(SchemaNode schema) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.Array || evaluated is null)
        {
            return true;
        }

        var valid = true;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (!evaluated.IsItemEvaluated(index))
            {
                context.PushIndex(index);
                bool itemValid;
                if (schema.IsAlwaysInvalid)
                {
                    itemValid = false;
                    if (context.CollectingErrors)
                    {
                        context.AddError("unevaluatedItems", "is not allowed: the schema does not describe an item at this position");
                    }
                }
                else
                {
                    itemValid = schema.Evaluate(item, context, null);
                }

                context.Pop();
                if (!itemValid)
                {
                    valid = false;
                    if (!context.CollectingErrors)
                    {
                        return false;
                    }
                }
            }

            index++;
        }

        evaluated.MarkAllItems();
        return valid;
    }
}
