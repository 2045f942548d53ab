using System.Text;

namespace SocialMcp.Schema.Compilation;

/// <summary>
/// Minimal RFC 3986 URI-reference handling: split into components and resolve against a base (section 5.2).
/// System.Uri is avoided on purpose: it normalises URNs and file paths in ways that break identifier comparison.
/// </summary>
internal readonly record struct UriReference(string? Scheme, string? Authority, string Path, string? Query, string? Fragment)
{
    /// <summary>Splits per RFC 3986 appendix B; never fails (any string is some URI-reference shape).</summary>
    public static UriReference Parse(string text)
    {
        string? fragment = null, query = null, scheme = null, authority = null;
        var rest = text;

        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            fragment = rest[(hash + 1)..];
            rest = rest[..hash];
        }

        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }

        var colon = rest.IndexOf(':');
        if (colon > 0 && IsScheme(rest.AsSpan(0, colon)))
        {
            scheme = rest[..colon];
            rest = rest[(colon + 1)..];
        }

        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('/', 2);
            if (end < 0)
            {
                end = rest.Length;
            }

            authority = rest[2..end];
            rest = rest[end..];
        }

        return new UriReference(scheme, authority, rest, query, fragment);
    }

    private static bool IsScheme(ReadOnlySpan<char> candidate)
    {
        if (!char.IsAsciiLetter(candidate[0]))
        {
            return false;
        }

        foreach (var c in candidate[1..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Resolves <paramref name="reference"/> against this (absolute) base URI, RFC 3986 section 5.2.2.</summary>
    public UriReference Resolve(UriReference reference)
    {
        if (reference.Scheme is not null)
        {
            return reference with { Path = RemoveDotSegments(reference.Path) };
        }

        if (reference.Authority is not null)
        {
            return reference with { Scheme = Scheme, Path = RemoveDotSegments(reference.Path) };
        }

        if (reference.Path.Length == 0)
        {
            return this with { Query = reference.Query ?? Query, Fragment = reference.Fragment };
        }

        var path = reference.Path.StartsWith('/')
            ? RemoveDotSegments(reference.Path)
            : RemoveDotSegments(Merge(reference.Path));
        return new UriReference(Scheme, Authority, path, reference.Query, reference.Fragment);
    }

    private string Merge(string relativePath)
    {
        if (Authority is not null && Path.Length == 0)
        {
            return "/" + relativePath;
        }

        var lastSlash = Path.LastIndexOf('/');
        return lastSlash < 0 ? relativePath : Path[..(lastSlash + 1)] + relativePath;
    }

    private static string RemoveDotSegments(string path)
    {
        if (!path.Contains('.'))
        {
            return path;
        }

        var input = path;
        var output = new List<string>();
        while (input.Length > 0)
        {
            if (input.StartsWith("../", StringComparison.Ordinal))
            {
                input = input[3..];
            }
            else if (input.StartsWith("./", StringComparison.Ordinal))
            {
                input = input[2..];
            }
            else if (input.StartsWith("/./", StringComparison.Ordinal))
            {
                input = input[2..];
            }
            else if (input == "/.")
            {
                input = "/";
            }
            else if (input.StartsWith("/../", StringComparison.Ordinal) || input == "/..")
            {
                input = input.Length == 3 ? "/" : input[3..];
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
            }
            else if (input is "." or "..")
            {
                input = string.Empty;
            }
            else
            {
                var next = input.IndexOf('/', input.StartsWith('/') ? 1 : 0);
                if (next < 0)
                {
                    next = input.Length;
                }

                output.Add(input[..next]);
                input = input[next..];
            }
        }

        return string.Concat(output);
    }

    /// <summary>The URI without its fragment: identifies a schema resource.</summary>
    public string WithoutFragment() => (this with { Fragment = null }).ToString();

    public override string ToString()
    {
        var builder = new StringBuilder();
        if (Scheme is not null)
        {
            builder.Append(Scheme).Append(':');
        }

        if (Authority is not null)
        {
            builder.Append("//").Append(Authority);
        }

        builder.Append(Path);
        if (Query is not null)
        {
            builder.Append('?').Append(Query);
        }

        if (Fragment is not null)
        {
            builder.Append('#').Append(Fragment);
        }

        return builder.ToString();
    }
}
