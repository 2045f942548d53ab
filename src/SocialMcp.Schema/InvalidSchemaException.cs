namespace SocialMcp.Schema;

/// <summary>
/// Thrown by <see cref="JsonSchema.Compile"/> when a schema is malformed (e.g. <c>"minLength": -1</c>),
/// has a <c>$ref</c> that cannot be resolved inside the document, or loops on itself without consuming the instance.
/// </summary>
public sealed class InvalidSchemaException : Exception
{
    public InvalidSchemaException(string message, string schemaPath)
        : base($"Invalid JSON Schema at '{schemaPath}': {message}")
    {
        Reason = message;
        SchemaPath = schemaPath;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>Location of the offending schema value, as a JSON pointer fragment, e.g. <c>#/properties/foo/minLength</c>.</summary>
    public string SchemaPath { get; }
}
