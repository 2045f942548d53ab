namespace SocialMcp.Schema;

/// <summary>One reason why an instance does not satisfy a schema.</summary>
/// <param name="Path">Instance location, e.g. <c>$.content.media[1].type</c> or <c>$['weird name']</c>.</param>
/// <param name="Keyword">The schema keyword that failed, e.g. <c>required</c>.</param>
/// <param name="Message">A human (and language-model) readable explanation.</param>
public sealed record SchemaValidationError(string Path, string Keyword, string Message)
{
    public override string ToString() => $"{Path}: {Message} [{Keyword}]";
}
