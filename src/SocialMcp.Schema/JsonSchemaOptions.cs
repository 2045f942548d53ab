namespace SocialMcp.Schema;

/// <summary>Options for <see cref="JsonSchema.Compile"/>.</summary>
public sealed record JsonSchemaOptions
{
    /// <summary>
    /// When true (the default), the <c>format</c> keyword is an assertion for the formats this validator
    /// knows (date-time, date, uri, uuid, email). Unknown format names are always annotations only.
    /// </summary>
    public bool AssertFormat { get; init; } = true;

    internal static JsonSchemaOptions Default { get; } = new();
}
