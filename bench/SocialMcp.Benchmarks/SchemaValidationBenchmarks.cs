using System.Text.Json;
using BenchmarkDotNet.Attributes;
using SocialMcp.Schema;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Benchmarks;

/// <summary>
/// What validating a create_post call's arguments costs: the schema is the one tools/list advertises (the catalog's,
/// with the shared definitions inlined), the arguments a realistic post for x, linkedin and facebook.
/// </summary>
[MemoryDiagnoser]
public class SchemaValidationBenchmarks
{
    /// <summary>A post an agent would send: text with a link and a hashtag, one image, an X override, LinkedIn settings, a time.</summary>
    public const string ValidArguments = """
        {
          "content": {
            "text": "Our spring release is out: faster scheduling, per-platform previews and a new analytics view. Read the notes at https://example.com/blog/spring-release #product #release",
            "media": [
              { "url": "https://cdn.example.com/img/spring-release.png", "type": "image", "mimeType": "image/png", "sizeBytes": 482113, "width": 1200, "height": 675, "altText": "Screenshot of the new analytics view" }
            ],
            "linkUrl": "https://example.com/blog/spring-release",
            "platformOverrides": {
              "x": { "text": "Spring release is out: faster scheduling and per-platform previews. https://example.com/blog/spring-release" },
              "linkedin": { "settings": { "visibility": "PUBLIC", "altText": ["Screenshot of the new analytics view"] } }
            }
          },
          "platforms": ["x", "linkedin", "facebook"],
          "scheduledFor": "2026-12-01T09:00:00+01:00",
          "idempotencyKey": "0f8b6c1e-2d7a-4c59-9a51-6f0f3b1d2e77"
        }
        """;

    /// <summary>The same post with the mistakes agents make: an unknown platform, a repeated one, a time without offset, an extra field, an empty override.</summary>
    public const string InvalidArguments = """
        {
          "content": {
            "text": "Our spring release is out: faster scheduling, per-platform previews and a new analytics view. Read the notes at https://example.com/blog/spring-release #product #release",
            "media": [
              { "url": "https://cdn.example.com/img/spring-release.png", "type": "photo", "sizeBytes": 0 }
            ],
            "platformOverrides": { "x": {} }
          },
          "platforms": ["x", "myspace", "x"],
          "scheduledFor": "tomorrow 9am",
          "priority": "high"
        }
        """;

    private JsonSchema _schema = null!;
    private JsonElement _valid;
    private JsonElement _invalid;
    private Dictionary<string, JsonElement> _validAsSdkArguments = null!;

    [GlobalSetup]
    public void Setup()
    {
        _schema = new ToolSchemaCatalog().Find("create_post")?.Validator
            ?? throw new InvalidOperationException("The catalog has no create_post schema.");
        _valid = JsonDocument.Parse(ValidArguments).RootElement.Clone();
        _invalid = JsonDocument.Parse(InvalidArguments).RootElement.Clone();
        // The MCP SDK hands a tool call's arguments over as a dictionary of elements.
        _validAsSdkArguments = _valid.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        if (_schema.Validate(_valid).Count != 0 || _schema.Validate(_invalid).Count == 0)
            throw new InvalidOperationException("The valid arguments must pass and the invalid ones fail.");
    }

    [Benchmark(Description = "create_post schema: valid arguments")]
    public int ValidateValid() => _schema.Validate(_valid).Count;

    [Benchmark(Description = "create_post schema: invalid arguments (all errors collected)")]
    public int ValidateInvalid() => _schema.Validate(_invalid).Count;

    /// <summary>As ToolCallFilter does it: the SDK's argument dictionary serialized back to one element, then validated.</summary>
    [Benchmark(Description = "create_post schema: valid, from the SDK's argument dictionary (as ToolCallFilter)")]
    public int ValidateValidFromDictionary() => _schema.Validate(JsonSerializer.SerializeToElement(_validAsSdkArguments)).Count;
}
