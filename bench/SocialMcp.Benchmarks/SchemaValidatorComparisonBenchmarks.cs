using System.Text.Json;
using BenchmarkDotNet.Attributes;
using SocialMcp.Server.Mcp;
using NetSchema = Json.Schema;

namespace SocialMcp.Benchmarks;

/// <summary>
/// Our compiled validator (src/SocialMcp.Schema) against JsonSchema.Net 8.0.5 on the schemas tools/list advertises for
/// create_post and update_post, four realistic argument sets per tool and verdict. Each side is measured twice:
/// <list type="bullet">
/// <item>"flag": only the verdict (ours: <c>IsValid</c>; JsonSchema.Net: <c>OutputFormat.Flag</c>), the cheapest mode of each;</item>
/// <item>"located": what the server needs to answer an agent, the verdict and the failing instance location (ours:
/// <c>Validate</c>, every error with its path, as ToolCallFilter calls it; JsonSchema.Net: <c>OutputFormat.List</c>, the
/// first failing node's instance location).</item>
/// </list>
/// Format assertion is on for both (ours asserts date-time, uri, uuid... by default). One operation is one call; each
/// invocation validates the four argument sets (OperationsPerInvoke = 4), so the figures are per call, averaged over them.
/// </summary>
[MemoryDiagnoser]
public class SchemaValidatorComparisonBenchmarks
{
    private const int ArgumentSets = 4;

    private static readonly Dictionary<(string Tool, string Verdict), string[]> Arguments = new()
    {
        [("create_post", "valid")] =
        [
            SchemaValidationBenchmarks.ValidArguments,
            """{"content":{"text":"Back on Monday with the new release notes."},"platforms":["x"]}""",
            """
            {
              "content": {
                "text": "Behind the scenes of our spring shoot",
                "media": [{ "url": "https://cdn.example.com/v/spring.mp4", "type": "video", "mimeType": "video/mp4", "sizeBytes": 73400320,
                            "width": 1080, "height": 1920, "durationSeconds": 42.5, "thumbnailUrl": "https://cdn.example.com/v/spring.jpg" }],
                "platformOverrides": {
                  "youtube": { "settings": { "title": "Spring shoot, behind the scenes", "tags": ["behind the scenes", "spring"],
                               "categoryId": "22", "privacyStatus": "private", "publishAt": "2026-12-02T18:00:00Z", "notifySubscribers": true } },
                  "tiktok": { "text": "Spring shoot BTS #bts", "settings": { "privacyLevel": "PUBLIC_TO_EVERYONE", "disableDuet": true } }
                }
              },
              "platforms": ["youtube", "tiktok"],
              "idempotencyKey": "spring-shoot-video-1"
            }
            """,
            """
            {
              "content": {
                "text": "Three looks from the new collection. Which one is yours?",
                "media": [
                  { "url": "https://cdn.example.com/c/1.jpg", "type": "image", "mimeType": "image/jpeg", "altText": "Look one" },
                  { "url": "https://cdn.example.com/c/2.jpg", "type": "image", "mimeType": "image/jpeg", "altText": "Look two" },
                  { "url": "https://cdn.example.com/c/3.jpg", "type": "image", "mimeType": "image/jpeg", "altText": "Look three" }
                ],
                "platformOverrides": {
                  "instagram": { "settings": { "placement": "carousel" } },
                  "amazon": { "settings": { "products": ["B08N5WRWNW", "B07XJ8C8F5"] } }
                }
              },
              "platforms": ["instagram", "facebook", "amazon"],
              "platformSetId": "brand-acme",
              "scheduledFor": "2026-12-05T08:30:00-05:00",
              "publishPolicy": "all_or_nothing",
              "toleranceMinutes": 30
            }
            """,
        ],
        [("create_post", "invalid")] =
        [
            SchemaValidationBenchmarks.InvalidArguments,
            """{"content":{"text":"Forgot where to post it"}}""",
            """{"content":{"text":"Launch day"},"platforms":"x","toleranceMinutes":"15"}""",
            """
            {
              "content": {
                "text": "New video",
                "media": [{ "url": "https://cdn.example.com/v/new.mp4", "type": "video" }],
                "platformOverrides": { "youtube": { "settings": { "title": "New video", "tags": ["one, two"], "privacyStatus": "public",
                                                                  "publishAt": "2026-12-02T18:00:00Z" } } }
              },
              "platforms": ["youtube"]
            }
            """,
        ],
        [("update_post", "valid")] =
        [
            """{"postId":"6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43","version":3,"content":{"text":"Updated: the webinar moved to Thursday."}}""",
            """{"postId":"6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43","version":1,"scheduledFor":"2026-12-03T14:00:00+01:00"}""",
            """
            {
              "postId": "6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43", "version": 2, "platforms": ["x", "threads"],
              "content": { "text": "Doors open at 9. See you there!", "linkUrl": "https://example.com/event",
                           "platformOverrides": { "threads": { "text": "Doors open at 9 🎉 See you there!" } } }
            }
            """,
            """{"postId":"6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43","version":7,"publishPolicy":"partial","toleranceMinutes":0,"platformSetId":"brand-b"}""",
        ],
        [("update_post", "invalid")] =
        [
            """{"postId":"post-123","version":3,"content":{"text":"Updated text"}}""",
            """{"postId":"6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43","version":0,"scheduledFor":"2026-12-03T14:00:00+01:00"}""",
            """{"postId":"6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43","content":{"text":""}}""",
            """{"postId":"6f1c2a9e-4b7d-4c3e-9a1f-2b8d7e6c5a43","version":2,"platforms":[],"status":"draft"}""",
        ],
    };

    private static readonly NetSchema.EvaluationOptions FlagOptions = new() { OutputFormat = NetSchema.OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly NetSchema.EvaluationOptions ListOptions = new() { OutputFormat = NetSchema.OutputFormat.List, RequireFormatValidation = true };

    private Schema.JsonSchema _ours = null!;
    private NetSchema.JsonSchema _theirs = null!;
    private JsonElement[] _instances = null!;

    [Params("create_post", "update_post")]
    public string Tool { get; set; } = "create_post";

    [Params("valid", "invalid")]
    public string Verdict { get; set; } = "valid";

    [GlobalSetup]
    public void Setup()
    {
        var schema = new ToolSchemaCatalog().Find(Tool) ?? throw new InvalidOperationException($"The catalog has no {Tool} schema.");
        _ours = schema.Validator;
        _theirs = NetSchema.JsonSchema.Build(schema.Json, new NetSchema.BuildOptions { SchemaRegistry = new NetSchema.SchemaRegistry() },
            new Uri($"https://socialmcp.invalid/schemas/{Tool}.json"));
        _instances = Arguments[(Tool, Verdict)].Select(json => JsonDocument.Parse(json).RootElement.Clone()).ToArray();

        // Both sides must agree on every verdict, or the comparison would be of different work.
        var expectValid = Verdict == "valid";
        foreach (var instance in _instances)
        {
            if (_ours.IsValid(instance) != expectValid || _theirs.Evaluate(instance, FlagOptions).IsValid != expectValid)
                throw new InvalidOperationException($"{Tool} {Verdict}: a validator disagrees on {instance.GetRawText()}");
        }
    }

    [Benchmark(Description = "ours, flag (IsValid)", OperationsPerInvoke = ArgumentSets)]
    public int OursFlag()
    {
        var valid = 0;
        foreach (var instance in _instances)
            valid += _ours.IsValid(instance) ? 1 : 0;
        return valid;
    }

    [Benchmark(Description = "JsonSchema.Net, flag (OutputFormat.Flag)", OperationsPerInvoke = ArgumentSets)]
    public int JsonSchemaNetFlag()
    {
        var valid = 0;
        foreach (var instance in _instances)
            valid += _theirs.Evaluate(instance, FlagOptions).IsValid ? 1 : 0;
        return valid;
    }

    [Benchmark(Description = "ours, located (Validate: every error with its path)", OperationsPerInvoke = ArgumentSets)]
    public int OursLocated()
    {
        var length = 0;
        foreach (var instance in _instances)
        {
            var errors = _ours.Validate(instance);
            length += errors.Count == 0 ? 0 : errors[0].Path.Length;
        }
        return length;
    }

    [Benchmark(Description = "JsonSchema.Net, located (OutputFormat.List, first failing location)", OperationsPerInvoke = ArgumentSets)]
    public int JsonSchemaNetLocated()
    {
        var length = 0;
        foreach (var instance in _instances)
        {
            var results = _theirs.Evaluate(instance, ListOptions);
            if (results.IsValid)
                continue;
            var failing = results.Details?.FirstOrDefault(d => !d.IsValid && d.Errors is { Count: > 0 }) ?? results;
            length += failing.InstanceLocation.ToString().Length;
        }
        return length;
    }
}
