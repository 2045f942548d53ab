using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>
/// Finds text that System.Text.Json parses but cannot turn into a .NET string: a lone UTF-16 surrogate written as an
/// escape (<c>"\ud800"</c>). JSON's grammar allows it, but reading it throws deep inside the SDK or a tool, which the
/// caller saw as -32603 "An error occurred."; checking first lets us answer with the path instead.
/// </summary>
public static class JsonText
{
    /// <summary>The path of the first string or property name holding a lone surrogate, or null when there is none.</summary>
    public static string? FindLoneSurrogate(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsReadable(element) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }
                    if (FindLoneSurrogate(property.Value, Member(path, name)) is { } found)
                        return found;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindLoneSurrogate(item, Item(path, index++)) is { } found)
                        return found;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>As above for a parsed node (JSON-RPC params); a node that fails to enumerate is reported at its own path.</summary>
    public static string? FindLoneSurrogate(JsonNode? node, string path = "$")
    {
        switch (node)
        {
            case JsonObject obj:
                List<KeyValuePair<string, JsonNode?>> members;
                try
                {
                    members = [.. obj];
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
                {
                    return path;
                }
                foreach (var (name, child) in members)
                {
                    if (FindLoneSurrogate(child, Member(path, name)) is { } found)
                        return found;
                }
                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (FindLoneSurrogate(array[i], Item(path, i)) is { } found)
                        return found;
                }
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    _ = value.GetValue<string>();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }
            default:
                return null;
        }
    }

    private static bool IsReadable(JsonElement text)
    {
        // Only escaped text can hold a lone surrogate (raw UTF-8 cannot encode one), so plain strings skip the decode.
        if (!System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(text).Contains((byte)'\\'))
            return true;
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary><c>$.name</c>, or <c>$['odd name']</c>; long names are cut to an excerpt.</summary>
    public static string Member(string path, string name)
    {
        var shown = InputExcerpt.Of(name);
        return IsIdentifier(name) && shown.Length == name.Length
            ? path + "." + name
            : path + "['" + shown.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    public static string Item(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
