using System.Reflection;
using System.Text.Json;
using ModelContextProtocol.Server;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// Reads each argument of a tools/call into its tool parameter's type, the way the SDK binds it (System.Text.Json with
/// <see cref="SocialJson.Options"/>), before the tool runs. A value can match its schema and still not be readable (a
/// leap second in a date-time): that is the caller's bad argument, with its path. Doing the read here, not guessing from
/// an exception thrown later, keeps an ArgumentException or JsonException from our own code from ever being blamed on
/// the caller.
/// </summary>
public static class ToolArgumentReader
{
    // Tool name → (argument name → parameter type), from the [McpServerTool] methods of this assembly. The SDK binds an
    // argument to the parameter of the same name; ToolSchemaBinding checks at start-up that the names match the schema.
    private static readonly Dictionary<string, Dictionary<string, Type>> ParametersByTool = ScanTools(typeof(ToolArgumentReader).Assembly);

    /// <summary>The first argument that cannot be read into its parameter's type, as a problem at its path; null when all can.</summary>
    public static Problem? FindUnreadable(string toolName, IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null || !ParametersByTool.TryGetValue(toolName, out var parameters))
            return null;
        foreach (var (name, value) in arguments)
        {
            if (!parameters.TryGetValue(name, out var type))
                continue;
            try
            {
                JsonSerializer.Deserialize(value, SocialJson.Options.GetTypeInfo(type));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
            {
                return new Problem(ErrorCodes.ValidationFailed,
                    "An argument has a valid shape but could not be read (for example a date-time that does not exist).",
                    PathOf(name, ex as JsonException),
                    Hint: "Check dates and times: ISO 8601 with an explicit offset, e.g. 2026-12-01T09:00:00+01:00.");
            }
        }
        return null;
    }

    // JsonException.Path is relative to the argument's own value ("$", "$.media[1].url").
    private static string PathOf(string argument, JsonException? json) =>
        json?.Path is { Length: > 1 } inner && inner.StartsWith('$') ? $"$.{argument}{inner[1..]}" : $"$.{argument}";

    private static Dictionary<string, Dictionary<string, Type>> ScanTools(Assembly assembly)
    {
        var tools = new Dictionary<string, Dictionary<string, Type>>(StringComparer.Ordinal);
        var methods = assembly.GetTypes()
            .Where(type => type.IsDefined(typeof(McpServerToolTypeAttribute), inherit: false))
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly));
        foreach (var method in methods)
        {
            if (method.GetCustomAttribute<McpServerToolAttribute>()?.Name is not { } toolName)
                continue;
            tools[toolName] = method.GetParameters()
                .Where(p => p.Name is not null)
                .ToDictionary(p => p.Name!, p => p.ParameterType, StringComparer.Ordinal);
        }
        return tools;
    }
}
