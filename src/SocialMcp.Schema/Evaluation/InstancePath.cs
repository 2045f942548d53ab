using System.Globalization;
using System.Text;
using SocialMcp.Schema.Json;

namespace SocialMcp.Schema.Evaluation;

/// <summary>One step from an instance value into a member or an array item.</summary>
internal readonly record struct PathSegment(string? PropertyName, int Index);

/// <summary>Formats instance locations as <c>$.a.b[1]</c>, quoting names that are not simple identifiers: <c>$['a b']</c>.</summary>
internal static class InstancePath
{
    public const string Root = "$";

    public static string Format(IReadOnlyList<PathSegment> segments, string? extraProperty = null)
    {
        if (segments.Count == 0 && extraProperty is null)
        {
            return Root;
        }

        var builder = new StringBuilder(Root);
        foreach (var segment in segments)
        {
            if (segment.PropertyName is { } name)
            {
                AppendProperty(builder, name);
            }
            else
            {
                builder.Append('[').Append(segment.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }

        if (extraProperty is not null)
        {
            AppendProperty(builder, extraProperty);
        }

        return builder.ToString();
    }

    private static void AppendProperty(StringBuilder builder, string name)
    {
        name = JsonStrings.Excerpt(name);
        if (IsIdentifier(name))
        {
            builder.Append('.').Append(name);
            return;
        }

        builder.Append("['");
        foreach (var c in name)
        {
            switch (c)
            {
                case '\'':
                    builder.Append("\\'");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append("']");
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
