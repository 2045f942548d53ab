using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SocialMcp.Schema.Compilation;

/// <summary>RFC 6901 JSON pointers. Pointers are kept in one canonical escaped form so they can be used as dictionary keys.</summary>
internal static class JsonPointer
{
    public static string Append(string pointer, string token) =>
        pointer + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Append(string pointer, int index) =>
        pointer + "/" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an unescaped-by-URI (already percent-decoded) pointer; returns null if it is malformed.</summary>
    public static List<string>? ParseTokens(string pointer)
    {
        var tokens = new List<string>();
        if (pointer.Length == 0)
        {
            return tokens;
        }

        if (pointer[0] != '/')
        {
            return null;
        }

        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = new StringBuilder(raw.Length);
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] != '~')
                {
                    token.Append(raw[i]);
                    continue;
                }

                if (i + 1 >= raw.Length || raw[i + 1] is not ('0' or '1'))
                {
                    return null;
                }

                token.Append(raw[i + 1] == '0' ? '~' : '/');
                i++;
            }

            tokens.Add(token.ToString());
        }

        return tokens;
    }

    public static string Build(string prefix, IEnumerable<string> tokens)
    {
        var pointer = prefix;
        foreach (var token in tokens)
        {
            pointer = Append(pointer, token);
        }

        return pointer;
    }

    public static bool TryNavigate(JsonElement root, IEnumerable<string> tokens, out JsonElement target)
    {
        target = root;
        foreach (var token in tokens)
        {
            switch (target.ValueKind)
            {
                case JsonValueKind.Object when target.TryGetProperty(token, out var child):
                    target = child;
                    break;
                case JsonValueKind.Array when IsArrayIndex(token, out var index) && index < target.GetArrayLength():
                    target = target[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool IsArrayIndex(string token, out int index)
    {
        index = 0;
        return token.Length > 0 && (token == "0" || token[0] != '0') && token.All(char.IsAsciiDigit)
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>Decodes %XX escapes (as UTF-8) in a URI fragment; returns null on a malformed escape.</summary>
    public static string? PercentDecode(string text)
    {
        if (!text.Contains('%'))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var percent = text.IndexOf('%', i);
            if (percent < 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i..]));
                break;
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(text[i..percent]));
            if (percent + 2 >= text.Length
                || !byte.TryParse(text.AsSpan(percent + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            bytes.Add(value);
            i = percent + 3;
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
