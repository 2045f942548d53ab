namespace SocialMcp.Schema.Evaluation;

/// <summary>
/// A schema resource (the root, or a subschema with its own <c>$id</c>). Evaluation tracks the resources it
/// has entered (the dynamic scope) so <c>$dynamicRef</c> can find the outermost matching <c>$dynamicAnchor</c>.
/// </summary>
internal sealed class SchemaResource(string uri)
{
    public string Uri { get; } = uri;

    /// <summary>Filled once all nodes of the document exist; read-only afterwards.</summary>
    public Dictionary<string, SchemaNode> DynamicAnchors { get; } = new(StringComparer.Ordinal);

    public override string ToString() => Uri;
}
