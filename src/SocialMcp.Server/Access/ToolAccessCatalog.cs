using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace SocialMcp.Server.Access;

/// <summary>Each tool's <see cref="ToolAccessAttribute"/>, by tool name: what the HTTP gate needs before dispatch.</summary>
public sealed class ToolAccessCatalog(IOptions<McpServerOptions> options)
{
    private readonly Lazy<IReadOnlyDictionary<string, ToolAccessAttribute>> _byName = new(() =>
        (options.Value.ToolCollection ?? throw new InvalidOperationException("No MCP tools are registered."))
            .ToDictionary(t => t.ProtocolTool.Name, AccessOf, StringComparer.Ordinal));

    /// <summary>The tool's access rule, or null for a name that is not a tool (answered later as UNKNOWN_TOOL).</summary>
    public ToolAccessAttribute? Find(string toolName) => _byName.Value.GetValueOrDefault(toolName);

    public static ToolAccessAttribute AccessOf(McpServerTool tool) =>
        tool.Metadata.OfType<ToolAccessAttribute>().SingleOrDefault()
        ?? throw new InvalidOperationException($"Tool '{tool.ProtocolTool.Name}' has no [ToolAccess] attribute: every tool must declare its scope.");
}
