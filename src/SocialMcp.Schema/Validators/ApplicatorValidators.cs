using System.Text.Json;
using SocialMcp.Schema.Evaluation;
using SocialMcp.Schema.Json;

namespace SocialMcp.Schema.Validators;

/// <summary><c>allOf</c>: every subschema applies; their errors are reported as they are.</summary>
internal sealed class AllOfValidator(SchemaNode[] branches) : KeywordValidator
{
    public override IEnumerable<SchemaNode> InPlaceSubschemas => branches;

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        var valid = true;
        foreach (var branch in branches)
        {
            if (!branch.Evaluate(instance, context, evaluated))
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

/// <summary><c>anyOf</c>: at least one subschema must match.</summary>
internal sealed class AnyOfValidator(SchemaNode[] branches) : KeywordValidator
{
    public override IEnumerable<SchemaNode> InPlaceSubschemas => branches;

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        var anyMatched = false;
        foreach (var branch in branches)
        {
            if (evaluated is null)
            {
                if (context.EvaluateSilently(branch, instance, null))
                {
                    return true;
                }

                continue;
            }

            // unevaluated* needs the annotations of every matching branch, so keep going after a match.
            var branchEvaluated = new EvaluatedLocations();
            if (context.EvaluateSilently(branch, instance, branchEvaluated))
            {
                anyMatched = true;
                evaluated.MergeFrom(branchEvaluated);
            }
        }

        if (!anyMatched && context.CollectingErrors)
        {
            AlternativesDiagnostics.ReportNoMatch("anyOf", branches, instance, context);
        }

        return anyMatched;
    }
}

/// <summary><c>oneOf</c>: exactly one subschema must match.</summary>
internal sealed class OneOfValidator(SchemaNode[] branches) : KeywordValidator
{
    public override IEnumerable<SchemaNode> InPlaceSubschemas => branches;

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        var firstMatch = -1;
        var secondMatch = -1;
        EvaluatedLocations? matchedEvaluated = null;
        for (var i = 0; i < branches.Length; i++)
        {
            var branchEvaluated = evaluated is null ? null : new EvaluatedLocations();
            if (!context.EvaluateSilently(branches[i], instance, branchEvaluated))
            {
                continue;
            }

            if (firstMatch < 0)
            {
                firstMatch = i;
                matchedEvaluated = branchEvaluated;
            }
            else
            {
                secondMatch = i;
                break; // Two matches already decide the outcome.
            }
        }

        if (firstMatch >= 0 && secondMatch < 0)
        {
            if (matchedEvaluated is not null)
            {
                evaluated!.MergeFrom(matchedEvaluated);
            }

            return true;
        }

        if (context.CollectingErrors)
        {
            if (firstMatch < 0)
            {
                AlternativesDiagnostics.ReportNoMatch("oneOf", branches, instance, context);
            }
            else
            {
                context.AddError(
                    "oneOf",
                    $"must match exactly one of the {branches.Length} alternatives (oneOf), but matched both alternative {firstMatch + 1} and alternative {secondMatch + 1}");
            }
        }

        return false;
    }
}

/// <summary><c>not</c>: the subschema must not match. Annotations never flow out of <c>not</c>.</summary>
internal sealed class NotValidator(SchemaNode schema) : KeywordValidator
{
    public override IEnumerable<SchemaNode> InPlaceSubschemas => [schema];

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (!context.EvaluateSilently(schema, instance, null))
        {
            return true;
        }

        if (context.CollectingErrors)
        {
            context.AddError("not", schema.IsAlwaysValid
                ? "no value is allowed here (the schema is 'not: true')"
                : ForbiddenMembers() is { } members
                    ? $"must not have {members}"
                    : "must not match the schema given in 'not'");
        }

        return false;
    }

    // "not": {"required": [...]} says which members may not come together: name them rather than the keyword.
    private string? ForbiddenMembers() =>
        schema.Validators is [RequiredValidator { Required: { Count: > 0 } names }]
            ? string.Join(" and ", names.Select(n => $"'{JsonStrings.Excerpt(n.Name)}'")) + (names.Count > 1 ? " together" : "")
            : null;
}

/// <summary><c>if</c> / <c>then</c> / <c>else</c>: the outcome of <c>if</c> picks which branch applies.</summary>
internal sealed class IfThenElseValidator(SchemaNode condition, SchemaNode? then, SchemaNode? otherwise) : KeywordValidator
{
    public override IEnumerable<SchemaNode> InPlaceSubschemas =>
        new[] { condition, then, otherwise }.OfType<SchemaNode>();

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (evaluated is null && then is null && otherwise is null)
        {
            return true; // A lone "if" only produces annotations, and nobody is collecting them.
        }

        var conditionEvaluated = evaluated is null ? null : new EvaluatedLocations();
        if (context.EvaluateSilently(condition, instance, conditionEvaluated))
        {
            if (conditionEvaluated is not null)
            {
                evaluated!.MergeFrom(conditionEvaluated);
            }

            return then?.Evaluate(instance, context, evaluated) ?? true;
        }

        return otherwise?.Evaluate(instance, context, evaluated) ?? true;
    }
}

/// <summary>Explains why none of the alternatives of anyOf/oneOf matched.</summary>
internal static class AlternativesDiagnostics
{
    private const int MaxAlternativesDescribed = 5;

    /// <summary>
    /// If exactly one alternative "nearly" matches (its type and const/enum discriminators fit and only deeper
    /// constraints failed), its errors are the most useful answer. Otherwise one summary error is reported.
    /// </summary>
    public static void ReportNoMatch(string keyword, SchemaNode[] branches, JsonElement instance, EvaluationContext context)
    {
        var path = context.CurrentPath;
        var branchErrors = branches.Select(branch => context.CollectErrors(branch, instance)).ToArray();
        var candidates = Enumerable.Range(0, branches.Length)
            .Where(i => !branches[i].IsAlwaysInvalid && !branchErrors[i].Any(error => IsDiscriminatorMismatch(error, path)))
            .ToArray();

        if (candidates.Length == 1)
        {
            context.Errors!.AddRange(branchErrors[candidates[0]]);
            return;
        }

        var details = branchErrors
            .Take(MaxAlternativesDescribed)
            .Select((errors, i) => $"alternative {i + 1}: {Describe(errors, path)}");
        var more = branches.Length > MaxAlternativesDescribed ? "; ..." : string.Empty;
        var quantity = keyword == "oneOf" ? "exactly one" : "at least one";
        context.AddError(
            keyword,
            $"must match {quantity} of the {branches.Length} alternatives ({keyword}), but matched none: {string.Join("; ", details)}{more}");
    }

    private static string Describe(List<SchemaValidationError> errors, string path)
    {
        if (errors.Count == 0)
        {
            return "not allowed";
        }

        var first = errors[0];
        return first.Path == path ? first.Message : $"{first.Path} {first.Message}";
    }

    /// <summary>A wrong type here, or a wrong const/enum here or on a direct member, means "this is a different alternative".</summary>
    private static bool IsDiscriminatorMismatch(SchemaValidationError error, string path) =>
        (error.Keyword is "type" or "false" && error.Path == path)
        || (error.Keyword is "const" or "enum" && (error.Path == path || IsDirectChild(error.Path, path)));

    private static bool IsDirectChild(string candidate, string parent)
    {
        if (candidate.Length <= parent.Length || !candidate.StartsWith(parent, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = candidate.AsSpan(parent.Length);
        if (rest[0] == '.')
        {
            return rest[1..].IndexOfAny('.', '[') < 0;
        }

        // "[3]" or "['name']": a single bracket group that runs to the end.
        return rest[0] == '[' && rest[^1] == ']' && (rest.StartsWith("['") ? rest.IndexOf("']") == rest.Length - 2 : rest.IndexOf(']') == rest.Length - 1);
    }
}
