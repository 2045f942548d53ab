using System.Buffers;
using System.Text.Json;
using SocialMcp.Core.Errors;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>
/// Reads a tools/call's arguments into the one JSON object that is validated and then bound. Two things the schema
/// accepts but .NET binding does not are settled here: integral numbers written as 1.0, 1e2 or -0 (JSON Schema calls
/// them integers; binding them to an int threw, and the caller got path <c>$</c> and a date-time hint) are rewritten as
/// plain integers; text holding a lone UTF-16 surrogate is refused with its path.
/// </summary>
public static class ToolArguments
{
    public static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The arguments as one object, or the problem that stops them from being read.</summary>
    public static (JsonElement Arguments, Problem? Problem) Read(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
            return (Empty, null);

        foreach (var (name, value) in arguments)
        {
            if (JsonText.FindLoneSurrogate(value, JsonText.Member("$", name)) is { } path)
            {
                return (Empty, new Problem(ErrorCodes.ValidationFailed,
                    $"{path}: the text holds a lone UTF-16 surrogate (an escape such as \\ud800 without its pair), which is not valid Unicode.",
                    path, Hint: "Send well-formed text: escape characters outside the Basic Multilingual Plane as a surrogate pair, or send them as UTF-8."));
            }
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                WriteCanonical(writer, value);
            }
            writer.WriteEndObject();
        }
        return (JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone(), null);
    }

    /// <summary>The same arguments as the dictionary the SDK binds tool parameters from.</summary>
    public static Dictionary<string, JsonElement> AsDictionary(JsonElement arguments) =>
        arguments.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                    WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number when !value.TryGetInt64(out _) && TryGetIntegral(value, out var integral):
                writer.WriteNumberValue(integral);
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var plain) && plain == 0 && value.GetRawText().StartsWith('-'):
                writer.WriteNumberValue(0L);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    // 1.0, 1e2, 100E-2: integral and within long. Larger integers (2^63) stay as written; the schema's maximum refuses them.
    private static bool TryGetIntegral(JsonElement number, out long integral)
    {
        integral = 0;
        if (!number.TryGetDecimal(out var exact) || exact != decimal.Truncate(exact) || exact < long.MinValue || exact > long.MaxValue)
            return false;
        integral = (long)exact;
        return true;
    }
}
