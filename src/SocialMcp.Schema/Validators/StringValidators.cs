using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMcp.Schema.Evaluation;
using SocialMcp.Schema.Json;
using SocialMcp.Schema.Text;

namespace SocialMcp.Schema.Validators;

/// <summary><c>minLength</c> / <c>maxLength</c>, counted in Unicode code points (an emoji is one character).</summary>
internal sealed class StringLengthValidator(bool isMinimum, long limit) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        var length = CountCodePoints(instance);
        var valid = isMinimum ? length >= limit : length <= limit;
        if (!valid && context.CollectingErrors)
        {
            var unit = limit == 1 ? "character" : "characters";
            context.AddError(
                isMinimum ? "minLength" : "maxLength",
                $"must be at {(isMinimum ? "least" : "most")} {limit} {unit} long (was {length})");
        }

        return valid;
    }

    private static long CountCodePoints(JsonElement text)
    {
        // Fast path without allocating: the raw UTF-8 token (quotes included) has one lead byte per code point
        // unless escapes like \u00e9 are present, in which case we decode the string.
        var raw = JsonMarshal.GetRawUtf8Value(text);
        if (raw.Length >= 2 && raw[0] == (byte)'"' && raw.IndexOf((byte)'\\') < 0)
        {
            long count = 0;
            foreach (var b in raw[1..^1])
            {
                if ((b & 0xC0) != 0x80)
                {
                    count++;
                }
            }

            return count;
        }

        var decoded = text.GetString()!;
        long codePoints = 0;
        for (var i = 0; i < decoded.Length; i++)
        {
            if (char.IsHighSurrogate(decoded[i]) && i + 1 < decoded.Length && char.IsLowSurrogate(decoded[i + 1]))
            {
                i++;
            }

            codePoints++;
        }

        return codePoints;
    }
}

/// <summary><c>pattern</c>: an unanchored ECMAScript regular expression search.</summary>
internal sealed class PatternValidator(string pattern, Regex regex) : KeywordValidator
{
    private readonly SpanPredicate _isMatch = text => EcmaScriptRegex.IsMatch(regex, text);

    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.String || JsonStrings.Test(instance, _isMatch))
        {
            return true;
        }

        if (context.CollectingErrors)
        {
            context.AddError("pattern", $"must match the regular expression {pattern}");
        }

        return false;
    }
}

/// <summary><c>format</c> as an assertion, for the formats this validator knows.</summary>
internal sealed class FormatValidator(string format, SpanPredicate check, string expectation) : KeywordValidator
{
    public override bool Evaluate(JsonElement instance, EvaluationContext context, EvaluatedLocations? evaluated)
    {
        if (instance.ValueKind != JsonValueKind.String || JsonStrings.Test(instance, check))
        {
            return true;
        }

        if (context.CollectingErrors)
        {
            context.AddError("format", $"must be a string with format {format} ({expectation})");
        }

        return false;
    }
}
