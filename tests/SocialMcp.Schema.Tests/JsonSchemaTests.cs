using System.Text.Json;

namespace SocialMcp.Schema.Tests;

public sealed class JsonSchemaTests
{
    // Shaped like a real tool inputSchema: a post with nested content and a media list.
    private const string PostSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "create_post arguments",
          "type": "object",
          "properties": {
            "status": { "enum": ["draft", "scheduled"], "description": "Lifecycle state" },
            "publishAt": { "type": "string", "format": "date-time" },
            "content": {
              "type": "object",
              "properties": {
                "text": { "type": "string", "minLength": 1, "maxLength": 280 },
                "media": {
                  "type": "array",
                  "minItems": 1,
                  "items": { "$ref": "#/$defs/media" }
                }
              },
              "required": ["text"],
              "additionalProperties": false
            }
          },
          "required": ["status", "content"],
          "additionalProperties": false,
          "$defs": {
            "media": {
              "type": "object",
              "properties": {
                "type": { "enum": ["image", "video"] },
                "url": { "type": "string", "format": "uri" }
              },
              "required": ["type", "url"]
            }
          }
        }
        """;

    private static readonly JsonSchema s_post = JsonSchema.Parse(PostSchema);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static SchemaValidationError SingleError(JsonSchema schema, string instance)
    {
        var errors = schema.Validate(Json(instance));
        Assert.True(errors.Count == 1, "Expected exactly one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    [Fact]
    public void Valid_arguments_produce_no_errors()
    {
        var instance = Json("""
            { "status": "draft", "publishAt": "2026-05-01T09:00:00+02:00",
              "content": { "text": "hello", "media": [ { "type": "image", "url": "https://example.com/a.png" } ] } }
            """);

        Assert.Empty(s_post.Validate(instance));
        Assert.True(s_post.IsValid(instance));
    }

    [Fact]
    public void Unsupported_keyword_is_refused_at_compile_time_with_keyword_and_schema_path()
    {
        var exception = Assert.Throws<UnsupportedSchemaKeywordException>(() => JsonSchema.Parse("""
            { "type": "object", "properties": { "content": { "properties": { "media": { "items": { "dependencies": {} } } } } } }
            """));

        Assert.Equal("dependencies", exception.Keyword);
        Assert.Equal("#/properties/content/properties/media/items", exception.SchemaPath);
        Assert.Contains("dependencies", exception.Message);
    }

    [Fact]
    public void Unsupported_keyword_inside_unused_defs_is_refused_too()
    {
        var exception = Assert.Throws<UnsupportedSchemaKeywordException>(() =>
            JsonSchema.Parse("""{ "$defs": { "unused": { "type": "string", "x-custom-rule": true } } }"""));

        Assert.Equal("x-custom-rule", exception.Keyword);
        Assert.Equal("#/$defs/unused", exception.SchemaPath);
    }

    [Fact]
    public void Annotation_keywords_are_accepted_and_ignored()
    {
        var schema = JsonSchema.Parse("""
            { "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.com/tool", "$comment": "c",
              "title": "t", "description": "d", "default": 3, "examples": [1], "readOnly": true, "writeOnly": false,
              "deprecated": false, "contentMediaType": "text/plain", "contentEncoding": "base64", "contentSchema": { "whatever": 1 },
              "type": "integer" }
            """);

        Assert.True(schema.IsValid(Json("5")));
        Assert.Contains("title", JsonSchema.SupportedKeywords);
        Assert.Contains("unevaluatedProperties", JsonSchema.SupportedKeywords);
        Assert.DoesNotContain("dependencies", JsonSchema.SupportedKeywords);
    }

    [Fact]
    public void Nested_error_path_points_into_arrays_and_objects()
    {
        var error = SingleError(s_post, """
            { "status": "draft",
              "content": { "text": "hi", "media": [ { "type": "image", "url": "https://e.com/1" }, { "type": "gif", "url": "https://e.com/2" } ] } }
            """);

        Assert.Equal("$.content.media[1].type", error.Path);
        Assert.Equal("enum", error.Keyword);
        Assert.Contains("must be one of: \"image\", \"video\"", error.Message);
    }

    [Fact]
    public void Missing_required_member_is_reported_at_the_member_path()
    {
        var error = SingleError(s_post, """{ "status": "draft", "content": { } }""");

        Assert.Equal("$.content.text", error.Path);
        Assert.Equal("required", error.Keyword);
        Assert.Contains("required", error.Message);
        Assert.Contains("'text'", error.Message);
    }

    [Fact]
    public void Unexpected_member_is_reported_at_its_own_path_with_the_allowed_members()
    {
        var error = SingleError(s_post, """{ "status": "draft", "content": { "text": "hi", "link": "x" } }""");

        Assert.Equal("$.content.link", error.Path);
        Assert.Equal("additionalProperties", error.Keyword);
        Assert.Contains("not allowed", error.Message);
        Assert.Contains("text, media", error.Message);
    }

    [Fact]
    public void Member_names_that_are_not_identifiers_are_quoted_in_paths()
    {
        var schema = JsonSchema.Parse("""{ "properties": { "weird name": { "type": "string" }, "it's": { "type": "string" } } }""");

        Assert.Equal("$['weird name']", SingleError(schema, """{ "weird name": 1 }""").Path);
        Assert.Equal(@"$['it\'s']", SingleError(schema, """{ "it's": 1 }""").Path);
    }

    [Fact]
    public void Enum_message_lists_the_allowed_values()
    {
        var error = SingleError(s_post, """{ "status": "published", "content": { "text": "hi" } }""");

        Assert.Equal("$.status", error.Path);
        Assert.StartsWith("must be one of: \"draft\", \"scheduled\"", error.Message);
    }

    [Fact]
    public void Numeric_string_is_not_an_integer()
    {
        var schema = JsonSchema.Parse("""{ "type": "integer" }""");

        var error = SingleError(schema, "\"5\"");

        Assert.Equal("$", error.Path);
        Assert.Equal("type", error.Keyword);
        Assert.Contains("integer", error.Message);
        Assert.Contains("string", error.Message);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1")]
    [InlineData("-0")]
    [InlineData("1e2")]
    public void Integer_type_accepts_numbers_without_fractional_part(string number)
    {
        Assert.True(JsonSchema.Parse("""{ "type": "integer" }""").IsValid(Json(number)));
    }

    [Fact]
    public void Integer_type_rejects_fractions()
    {
        Assert.False(JsonSchema.Parse("""{ "type": "integer" }""").IsValid(Json("1.5")));
    }

    [Fact]
    public void Date_time_format_message_explains_the_expected_shape()
    {
        var error = SingleError(s_post, """{ "status": "scheduled", "publishAt": "2026-05-01 09:00", "content": { "text": "hi" } }""");

        Assert.Equal("$.publishAt", error.Path);
        Assert.Equal("format", error.Keyword);
        Assert.Equal("must be a string with format date-time (ISO 8601 with an explicit offset, e.g. 2026-05-01T09:00:00+02:00)", error.Message);
    }

    [Fact]
    public void Date_time_without_offset_is_rejected_but_ignored_when_formats_are_not_asserted()
    {
        const string schema = """{ "format": "date-time" }""";

        Assert.False(JsonSchema.Parse(schema).IsValid(Json("\"2026-05-01T09:00:00\"")));
        Assert.True(JsonSchema.Parse(schema, new JsonSchemaOptions { AssertFormat = false }).IsValid(Json("\"2026-05-01T09:00:00\"")));
    }

    [Fact]
    public void Min_items_message_is_readable()
    {
        var error = SingleError(s_post, """{ "status": "draft", "content": { "text": "hi", "media": [] } }""");

        Assert.Equal("$.content.media", error.Path);
        Assert.StartsWith("must have at least 1 item", error.Message);
    }

    [Fact]
    public void Errors_come_out_in_schema_order()
    {
        var errors = s_post.Validate(Json("""{ "content": { "text": "", "extra": 1 }, "bogus": true }"""));

        // Keywords are evaluated in the order they appear in the schema: properties, then required, then additionalProperties.
        Assert.Equal(
            ["$.content.text", "$.content.extra", "$.status", "$.bogus"],
            errors.Select(e => e.Path));
        Assert.Equal(["minLength", "additionalProperties", "required", "additionalProperties"], errors.Select(e => e.Keyword));
    }

    [Fact]
    public void String_length_counts_code_points_not_utf16_units()
    {
        var schema = JsonSchema.Parse("""{ "maxLength": 2 }""");

        Assert.True(schema.IsValid(Json("\"\U0001F600\U0001F600\"")));
        Assert.True(schema.IsValid(Json("\"\\ud83d\\ude00\\ud83d\\ude00\"")));
        Assert.False(schema.IsValid(Json("\"abc\"")));
    }

    [Fact]
    public void Patterns_follow_ecmascript_semantics()
    {
        Assert.False(JsonSchema.Parse("""{ "pattern": "^\\d+$" }""").IsValid(Json("\"\u0661\u0662\"")), "\\d is ASCII-only");
        Assert.False(JsonSchema.Parse("""{ "pattern": "^abc$" }""").IsValid(Json("\"abc\\n\"")), "$ does not match before a final newline");
        Assert.True(JsonSchema.Parse("""{ "pattern": "b" }""").IsValid(Json("\"abc\"")), "patterns are not anchored");
        Assert.True(JsonSchema.Parse("""{ "pattern": "^\\p{Lu}" }""").IsValid(Json("\"\u00c9t\u00e9\"")));
    }

    [Fact]
    public void Unique_items_uses_json_equality()
    {
        var schema = JsonSchema.Parse("""{ "uniqueItems": true }""");

        Assert.False(schema.IsValid(Json("[1, 1.0]")));
        Assert.False(schema.IsValid(Json("""[{ "a": 1, "b": 2 }, { "b": 2, "a": 1 }]""")));
        Assert.True(schema.IsValid(Json("[1, true, \"1\"]")));
    }

    [Fact]
    public void OneOf_surfaces_the_errors_of_the_alternative_whose_discriminator_matches()
    {
        var schema = JsonSchema.Parse("""
            { "oneOf": [
                { "type": "object", "properties": { "kind": { "const": "text" }, "text": { "type": "string" } }, "required": ["kind", "text"] },
                { "type": "object", "properties": { "kind": { "const": "link" }, "url": { "type": "string", "format": "uri" } }, "required": ["kind", "url"] }
            ] }
            """);

        var error = SingleError(schema, """{ "kind": "link", "url": "not a uri" }""");

        Assert.Equal("$.url", error.Path);
        Assert.Equal("format", error.Keyword);
    }

    [Fact]
    public void AnyOf_without_a_near_match_reports_one_summary_error()
    {
        var schema = JsonSchema.Parse("""{ "anyOf": [ { "type": "string" }, { "type": "integer" } ] }""");

        var error = SingleError(schema, "true");

        Assert.Equal("$", error.Path);
        Assert.Equal("anyOf", error.Keyword);
        Assert.Contains("alternative 1: must be of type string", error.Message);
        Assert.Contains("alternative 2: must be of type integer", error.Message);
    }

    [Fact]
    public void Not_required_names_the_members_it_excludes()
    {
        var schema = JsonSchema.Parse("""
            { "oneOf": [
                { "required": ["text"], "not": { "required": ["thread"] } },
                { "required": ["thread"], "not": { "required": ["text"] } }
            ] }
            """);

        var error = SingleError(schema, """{ "text": "a", "thread": [] }""");

        Assert.Equal("oneOf", error.Keyword);
        Assert.Contains("alternative 1: must not have 'thread'", error.Message);
        Assert.Contains("alternative 2: must not have 'text'", error.Message);
        Assert.Contains("must not have 'a' and 'b' together",
            SingleError(JsonSchema.Parse("""{ "not": { "required": ["a", "b"] } }"""), """{ "a": 1, "b": 2 }""").Message);
    }

    [Fact]
    public void Malformed_schema_is_refused_with_its_location()
    {
        var exception = Assert.Throws<InvalidSchemaException>(() =>
            JsonSchema.Parse("""{ "properties": { "text": { "minLength": -1 } } }"""));

        Assert.Equal("#/properties/text/minLength", exception.SchemaPath);
    }

    [Fact]
    public void Remote_reference_is_refused_at_compile_time()
    {
        var exception = Assert.Throws<InvalidSchemaException>(() =>
            JsonSchema.Parse("""{ "$ref": "https://example.com/other.json" }"""));

        Assert.Contains("https://example.com/other.json", exception.Message);
    }

    [Fact]
    public void Reference_loop_that_never_consumes_the_instance_is_refused()
    {
        Assert.Throws<InvalidSchemaException>(() =>
            JsonSchema.Parse("""{ "$defs": { "a": { "$ref": "#/$defs/b" }, "b": { "allOf": [ { "$ref": "#/$defs/a" } ] } }, "$ref": "#/$defs/a" }"""));
    }

    [Fact]
    public void Recursive_schema_through_properties_is_fine()
    {
        var schema = JsonSchema.Parse("""
            { "type": "object", "properties": { "value": { "type": "integer" }, "next": { "$ref": "#" } }, "required": ["value"] }
            """);

        Assert.True(schema.IsValid(Json("""{ "value": 1, "next": { "value": 2, "next": { "value": 3 } } }""")));
        Assert.Equal("$.next.next.value", SingleError(schema, """{ "value": 1, "next": { "value": 2, "next": { "value": "x" } } }""").Path);
    }

    [Fact]
    public void Compiled_schema_does_not_depend_on_the_source_document()
    {
        JsonSchema schema;
        using (var document = JsonDocument.Parse("""{ "enum": ["a", "b"] }"""))
        {
            schema = JsonSchema.Compile(document.RootElement);
        }

        Assert.True(schema.IsValid(Json("\"a\"")));
        Assert.False(schema.IsValid(Json("\"c\"")));
    }

    [Fact]
    public void Validation_is_safe_to_run_concurrently()
    {
        var valid = Json("""{ "status": "draft", "content": { "text": "hi" } }""");
        var invalid = Json("""{ "status": "draft", "content": { "text": 5 } }""");

        Parallel.For(0, 2000, i =>
        {
            Assert.True(s_post.IsValid(valid));
            Assert.Equal("$.content.text", Assert.Single(s_post.Validate(invalid)).Path);
        });
    }
}
