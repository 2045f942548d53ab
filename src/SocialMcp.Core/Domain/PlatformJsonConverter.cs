using System.Text.Json;
using System.Text.Json.Serialization;

namespace SocialMcp.Core.Domain;

/// <summary>Writes and reads platforms by wire name, as values and as dictionary keys.</summary>
public sealed class PlatformJsonConverter : JsonConverter<Platform>
{
    public override Platform Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, Platform value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToWireName());

    public override Platform ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, Platform value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToWireName());

    private static Platform Parse(string? name) =>
        PlatformNames.TryParse(name, out var platform) ? platform.Value : throw new JsonException($"Unknown platform '{name}'.");
}

/// <summary>The JSON settings used wherever SocialMcp writes its own JSON: camelCase, platforms by wire name, nulls left out.</summary>
public static class SocialJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Our JSON is read by agents, not embedded in HTML: keep +, quotes and non-ASCII text readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new PlatformJsonConverter());
        options.MakeReadOnly();
        return options;
    }
}
