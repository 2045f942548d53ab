using System.Text.Json;

namespace SocialMcp.Schema.Json;

/// <summary>The seven JSON Schema primitive types as flags, so "type": [...] checks are a bit test.</summary>
[Flags]
internal enum JsonTypeSet
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

internal static class JsonTypes
{
    public static bool TryParse(string name, out JsonTypeSet type)
    {
        type = name switch
        {
            "null" => JsonTypeSet.Null,
            "boolean" => JsonTypeSet.Boolean,
            "object" => JsonTypeSet.Object,
            "array" => JsonTypeSet.Array,
            "number" => JsonTypeSet.Number,
            "string" => JsonTypeSet.String,
            "integer" => JsonTypeSet.Integer,
            _ => JsonTypeSet.None,
        };
        return type != JsonTypeSet.None;
    }

    /// <summary>The most specific type name of a value: "integer" for integral numbers (including 1.0).</summary>
    public static string NameOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => JsonNumber.From(value).IsInteger ? "integer" : "number",
        _ => "undefined",
    };

    public static string Describe(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length <= 60 ? raw : raw[..57] + "...";
    }
}
