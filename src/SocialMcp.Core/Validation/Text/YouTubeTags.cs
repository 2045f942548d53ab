namespace SocialMcp.Core.Validation.Text;

/// <summary>YouTube's count of snippet.tags (docs/platforms.md#youtube-limits, off.).</summary>
public static class YouTubeTags
{
    /// <summary>
    /// Every tag's characters, plus the commas between tags, plus two quotes around each tag that contains a
    /// space: <c>["Foo Baz"]</c> is 9, <c>["Foo-Baz"]</c> is 7, <c>["a", "b"]</c> is 3.
    /// </summary>
    public static int Length(IReadOnlyList<string> tags, ITextCounter counter)
    {
        var length = Math.Max(0, tags.Count - 1);
        foreach (var tag in tags)
            length += counter.Count(tag) + (tag.Any(char.IsWhiteSpace) ? 2 : 0);
        return length;
    }
}
