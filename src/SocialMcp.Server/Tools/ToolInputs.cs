using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Server.Tools;

// Tool arguments as the SDK binds them (media items bind straight to the domain's MediaItem). They arrive already validated against the advertised schema,
// so the mapping below only converts; the few shapes a JSON schema cannot say clearly (text or thread, what a thread's content-level
// override may hold) are refused here with their paths.

/// <summary>
/// content: a single post (<see cref="Text"/>) or a thread (<see cref="Thread"/>), exactly one of them; a first comment and a reply
/// target apply to either.
/// </summary>
public sealed record ContentInput(
    string? Text = null,
    IReadOnlyList<MediaItem>? Media = null,
    string? LinkUrl = null,
    IReadOnlyDictionary<string, OverrideInput>? PlatformOverrides = null,
    IReadOnlyList<ThreadPartInput>? Thread = null,
    FirstCommentInput? FirstComment = null,
    ReplyToInput? ReplyTo = null)
{
    /// <summary>
    /// The domain's content. A thread's part 0 is mirrored into Text, Media and PlatformOverrides (see <see cref="PostContent.Thread"/>),
    /// and the content-level overrides, which then carry first comments only, are merged into those.
    /// </summary>
    public PostContent ToDomain()
    {
        EnsureShape();
        var thread = Thread?.Select(part => part.ToDomain()).ToList();
        var head = thread?[0];
        var overrides = head is null
            ? PlatformOverrides?.ToDictionary(p => PlatformNames.Parse(p.Key), p => p.Value.ToDomain()) ?? new Dictionary<Platform, PlatformOverride>()
            : MergeFirstComments(head.PlatformOverrides, PlatformOverrides);
        return new PostContent(head?.Text ?? Text!, head?.Media ?? Media ?? [], LinkUrl, overrides)
        {
            Thread = thread,
            FirstComment = FirstComment?.ToDomain(),
            ReplyTo = ReplyTo?.ToDomain(),
        };
    }

    private static Dictionary<Platform, PlatformOverride> MergeFirstComments(
        IReadOnlyDictionary<Platform, PlatformOverride> head, IReadOnlyDictionary<string, OverrideInput>? contentLevel)
    {
        var merged = head.ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, given) in contentLevel ?? new Dictionary<string, OverrideInput>())
        {
            var platform = PlatformNames.Parse(name);
            var comment = given.FirstComment?.ToDomain();
            merged[platform] = merged.TryGetValue(platform, out var part0) ? part0 with { FirstComment = comment } : new PlatformOverride(FirstComment: comment);
        }
        return merged;
    }

    /// <summary>Exactly one of text and thread; with a thread, text, media and settings belong to the parts.</summary>
    private void EnsureShape()
    {
        var problems = new List<Problem>();
        if (Text is null == Thread is null)
        {
            problems.Add(new Problem(ErrorCodes.ValidationFailed,
                Text is null ? "content needs text (a single post) or thread (2-25 parts); it has neither." : "content has both text and thread; give exactly one.",
                "$.content",
                Hint: "A single post: content.text. A thread: content.thread [{\"text\": …}, {\"text\": …}] and no content.text."));
        }
        if (Thread is { Count: < 2 })
        {
            problems.Add(new Problem(ErrorCodes.ValidationFailed, $"A thread has 2 to 25 parts; this one has {Thread.Count}.", "$.content.thread",
                Hint: "For a single post use content.text instead of content.thread."));
        }
        if (Thread is not null)
        {
            if (Media is not null)
            {
                problems.Add(new Problem(ErrorCodes.ValidationFailed, "With a thread, media belong to the parts: content.media is not used.", "$.content.media",
                    Hint: "Move the media into content.thread[i].media of the part that shows them."));
            }
            foreach (var (name, given) in PlatformOverrides ?? new Dictionary<string, OverrideInput>())
            {
                var path = $"$.content.platformOverrides.{name}";
                if (given.Text is not null)
                    problems.Add(TextOrSettingsInThread(path + ".text", "text"));
                if (given.Settings is not null)
                    problems.Add(TextOrSettingsInThread(path + ".settings", "settings"));
            }
        }
        if (problems.Count > 0)
            throw new DomainValidationException(problems);
    }

    private static Problem TextOrSettingsInThread(string path, string field) => new(ErrorCodes.ValidationFailed,
        $"With a thread, a platform's {field} belongs to each part; content.platformOverrides takes only firstComment.", path,
        Hint: $"Move it to content.thread[i].platformOverrides.{{platform}}.{field} of the part it is for.");
}

/// <summary>One platform's override: its text and settings; at content level also its own first comment.</summary>
public sealed record OverrideInput(string? Text = null, JsonElement? Settings = null, FirstCommentInput? FirstComment = null)
{
    public PlatformOverride ToDomain() => new(Text, Settings, FirstComment?.ToDomain());
}

/// <summary>One part of a thread: the same text, media and per-platform text and settings as a single post's content.</summary>
public sealed record ThreadPartInput(string Text, IReadOnlyList<MediaItem>? Media = null, IReadOnlyDictionary<string, OverrideInput>? PlatformOverrides = null)
{
    public ThreadPart ToDomain() => new(Text, Media ?? [],
        PlatformOverrides?.ToDictionary(p => PlatformNames.Parse(p.Key), p => new PlatformOverride(p.Value.Text, p.Value.Settings))
            ?? new Dictionary<Platform, PlatformOverride>());
}

public sealed record FirstCommentInput(string Text)
{
    public FirstComment ToDomain() => new(Text);
}

public sealed record ReplyToInput(string Platform, string PlatformPostId)
{
    public ReplyTarget ToDomain() => new(PlatformNames.Parse(Platform), PlatformPostId);
}

internal static class InputMapping
{
    public static PublishPolicy? ToPolicy(this string? name) => name is null ? null : PublishPolicyNames.ParsePublishPolicy(name);

    public static TimeSpan? ToTolerance(this int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;

    public static IReadOnlyList<Platform>? ToPlatforms(this IReadOnlyList<string>? names) =>
        names?.Select(PlatformNames.Parse).ToList();
}
