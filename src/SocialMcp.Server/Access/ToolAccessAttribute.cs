using SocialMcp.Core.Access;

namespace SocialMcp.Server.Access;

/// <summary>Which rate-limit bucket a tool call draws from.</summary>
public enum ToolOperation
{
    Read,
    Create,
    Publish,

    /// <summary>Not a tool's bucket: every request other than tools/call (initialize, lists, resources, prompts, ping).</summary>
    Protocol,
}

/// <summary>
/// Declares, on each tool method, the scope a key needs to call it and the rate-limit bucket it uses.
/// The server refuses to start if a tool lacks it, so no tool is ever unguarded.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolAccessAttribute(string scope, ToolOperation operation) : Attribute
{
    public string Scope { get; } = Scopes.Known.Contains(scope) ? scope : throw new ArgumentException($"Unknown scope '{scope}'.", nameof(scope));
    public ToolOperation Operation { get; } = operation;
}
