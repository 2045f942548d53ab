using System.Buffers;
using System.Text.Json;

namespace SocialMcp.Schema.Json;

internal static class JsonValues
{
    /// <summary>Wraps a string as a standalone JSON string value (propertyNames validates names as instances).</summary>
    public static JsonElement FromString(string value)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(value);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
