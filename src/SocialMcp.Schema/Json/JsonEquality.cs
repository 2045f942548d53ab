using System.Text.Json;

namespace SocialMcp.Schema.Json;

/// <summary>JSON Schema equality: numbers by value (1 == 1.0), objects regardless of member order.</summary>
internal static class JsonEquality
{
    public static bool AreEqual(JsonElement left, JsonElement right)
    {
        if (left.ValueKind != right.ValueKind)
        {
            return false;
        }

        switch (left.ValueKind)
        {
            case JsonValueKind.Number:
                return JsonNumber.From(left).NumericEquals(JsonNumber.From(right));
            case JsonValueKind.String:
                return left.ValueEquals(right.GetString());
            case JsonValueKind.Array:
                if (left.GetArrayLength() != right.GetArrayLength())
                {
                    return false;
                }

                using (var leftItems = left.EnumerateArray())
                using (var rightItems = right.EnumerateArray())
                {
                    while (leftItems.MoveNext() && rightItems.MoveNext())
                    {
                        if (!AreEqual(leftItems.Current, rightItems.Current))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case JsonValueKind.Object:
                if (left.GetPropertyCount() != right.GetPropertyCount())
                {
                    return false;
                }

                foreach (var member in left.EnumerateObject())
                {
                    if (!right.TryGetProperty(member.Name, out var other) || !AreEqual(member.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                // null, true and false are fully described by their kind.
                return true;
        }
    }
}
