using System.Text.Json;

namespace SocialMcp.Schema.Tests.TestSuite;

/// <summary>Every keyword the validator claims to support must be exercised by at least one claimed suite file.</summary>
public sealed class KeywordCoverageTests
{
    /// <summary>Keywords that are accepted but deliberately ignored; the suite cannot prove "ignored" beyond what default.json/content.json do.</summary>
    private static readonly HashSet<string> s_annotationKeywords =
    [
        "$schema", "$comment", "$vocabulary",
        "title", "description", "default", "examples",
        "readOnly", "writeOnly", "deprecated",
        "contentMediaType", "contentEncoding", "contentSchema",
    ];

    private static readonly string[] s_singleSchemaKeywords =
    [
        "additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties",
    ];

    private static readonly string[] s_schemaMapKeywords = ["$defs", "properties", "patternProperties", "dependentSchemas"];

    private static readonly string[] s_schemaArrayKeywords = ["prefixItems", "allOf", "anyOf", "oneOf"];

    [Fact]
    public void Every_supported_keyword_is_covered_by_a_claimed_suite_file()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in OfficialTestSuiteTests.ClaimedFiles.Keys)
        {
            foreach (var group in OfficialTestSuiteTests.Load(file).RootElement.EnumerateArray())
            {
                CollectKeywords(group.GetProperty("schema"), used);
            }
        }

        var uncovered = JsonSchema.SupportedKeywords
            .Where(keyword => !s_annotationKeywords.Contains(keyword) && !used.Contains(keyword))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(uncovered.Length == 0, "Supported keywords not exercised by any claimed suite file: " + string.Join(", ", uncovered));
    }

    [Fact]
    public void Annotation_keyword_list_only_names_supported_keywords()
    {
        Assert.All(s_annotationKeywords, keyword => Assert.Contains(keyword, JsonSchema.SupportedKeywords));
    }

    /// <summary>Walks schema positions only (not enum/const values or property names), so a member called "type" does not count.</summary>
    private static void CollectKeywords(JsonElement schema, HashSet<string> used)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var member in schema.EnumerateObject())
        {
            used.Add(member.Name);
            if (s_singleSchemaKeywords.Contains(member.Name))
            {
                CollectKeywords(member.Value, used);
            }
            else if (s_schemaMapKeywords.Contains(member.Name) && member.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in member.Value.EnumerateObject())
                {
                    CollectKeywords(entry.Value, used);
                }
            }
            else if (s_schemaArrayKeywords.Contains(member.Name) && member.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in member.Value.EnumerateArray())
                {
                    CollectKeywords(item, used);
                }
            }
        }
    }
}
