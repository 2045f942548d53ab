namespace SocialMcp.Schema;

/// <summary>
/// Thrown by <see cref="JsonSchema.Compile"/> when a schema uses a keyword this validator does not implement.
/// Refusing is safer than silently ignoring a constraint the schema author relies on.
/// </summary>
public sealed class UnsupportedSchemaKeywordException : Exception
{
    public UnsupportedSchemaKeywordException(string keyword, string schemaPath)
        : base($"The JSON Schema keyword '{keyword}' at '{schemaPath}' is not supported by this validator.")
    {
        Keyword = keyword;
        SchemaPath = schemaPath;
    }

    /// <summary>The unsupported keyword, e.g. <c>dependencies</c>.</summary>
    public string Keyword { get; }

    /// <summary>Location of the schema object that uses the keyword, as a JSON pointer fragment, e.g. <c>#/properties/foo</c>.</summary>
    public string SchemaPath { get; }
}
