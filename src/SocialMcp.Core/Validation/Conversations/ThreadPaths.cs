using SocialMcp.Core.Errors;

namespace SocialMcp.Core.Validation;

/// <summary>
/// Moves a problem found on one thread part under that part: <c>$.content.text</c> becomes <c>$.content.thread[3].text</c>,
/// <c>$.content.media[0]</c> <c>$.content.thread[1].media[0]</c>, <c>$.content.platformOverrides.x.text</c>
/// <c>$.content.thread[2].platformOverrides.x.text</c>. What belongs to the whole post stays: linkUrl, thread, firstComment
/// (also an override's), replyTo, and everything outside content.
/// </summary>
public static class ThreadPaths
{
    private const string Content = "$.content.";

    public static Problem InPart(Problem problem, int part) =>
        problem.Path is { } path && InPart(path, part) is var moved && moved != path ? problem with { Path = moved } : problem;

    public static string InPart(string path, int part)
    {
        if (!path.StartsWith(Content, StringComparison.Ordinal))
            return path;
        var rest = path[Content.Length..];
        var ofPart = Is(rest, "text") || Is(rest, "media") || (Is(rest, "platformOverrides") && !IsFirstComment(rest));
        return ofPart ? $"$.content.thread[{part}].{rest}" : path;
    }

    private static bool Is(string rest, string member) =>
        rest.StartsWith(member, StringComparison.Ordinal) && (rest.Length == member.Length || rest[member.Length] is '.' or '[');

    // platformOverrides.{platform}.firstComment…: a first comment is the post's, not a part's.
    private static bool IsFirstComment(string rest) => rest.Split('.') is [_, _, "firstComment", ..];
}
