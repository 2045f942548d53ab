using System.Text;

namespace SocialMcp.Schema.Validators;

/// <summary>A member name from the schema, pre-encoded as UTF-8 so instance lookups do not allocate.</summary>
internal sealed class NamedProperty(string name)
{
    public string Name { get; } = name;

    public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(name);
}
