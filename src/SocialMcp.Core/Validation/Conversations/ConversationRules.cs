using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Platforms;
using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Core.Validation.Conversations;

/// <summary>
/// Threads, replies and first comments (issue 15) against what each platform holds (<see cref="PlatformDefinition.Conversation"/>):
/// a thread of 2–25 parts only where the platform takes threads; a reply only on the platform of its parent, and there a post
/// of its own (X, Threads) or a text-only comment (Facebook, Instagram, LinkedIn); a first comment only where the platform
/// takes one, its text counted with the platform's own text rule. The text and media of each part are the other rules' to
/// judge (<see cref="PostValidator"/> runs them on each part).
/// </summary>
public sealed class ConversationRules(IPlatformTextMeasure measure) : IPostRule
{
    private const string ThreadPath = "$.content.thread";
    private const string FirstCommentPath = "$.content.firstComment";

    public IEnumerable<Problem> Check(RuleContext context) =>
        [.. ThreadProblems(context), .. ReplyProblems(context), .. FirstCommentProblems(context)];

    private static IEnumerable<Problem> ThreadProblems(RuleContext context)
    {
        if (context.Draft.Content.Thread is not { } thread)
            yield break;
        if (thread.Count is < 2 or > ConversationSupport.MaxThreadParts)
        {
            yield return new Problem(ErrorCodes.ValidationFailed,
                $"A thread has 2 to {ConversationSupport.MaxThreadParts} parts; this one has {thread.Count}.", ThreadPath,
                Hint: thread.Count < 2 ? "For a single post use content.text instead of content.thread." : "Split it into two threads, or shorten it.");
        }
        var threading = Names(p => p.Conversation.Threads);
        foreach (var platform in context.TargetPlatforms.Where(p => !Support(p).Threads))
        {
            var name = platform.ToWireName();
            yield return new Problem(ErrorCodes.ThreadNotSupported,
                $"{name} has no threads: its API publishes single posts that cannot reply to each other, so this {thread.Count}-part thread cannot go there.",
                ThreadPath, platform,
                $"Drop {name} from platforms and post the thread to {threading} only; or give {name} a post of its own with content.text (e.g. the parts joined into one text).");
        }
    }

    private static IEnumerable<Problem> ReplyProblems(RuleContext context)
    {
        var content = context.Draft.Content;
        if (content.ReplyTo is not { } reply)
            yield break;
        var name = reply.Platform.ToWireName();
        var platforms = context.Draft.Platforms.Distinct().ToList();
        if (platforms is not [var only] || only != reply.Platform)
        {
            yield return new Problem(ErrorCodes.ValidationFailed,
                $"A reply answers a post on {name}, so it goes to {name} only; platforms has {(platforms.Count == 0 ? "none" : string.Join(", ", platforms.Select(p => p.ToWireName())))}.",
                "$.platforms", Hint: $"Set platforms to [\"{name}\"], and post to the other platforms in a post of their own (without replyTo).");
        }

        var support = Support(reply.Platform);
        switch (support.Replies)
        {
            case ReplyKind.None:
                yield return new Problem(ErrorCodes.ReplyNotSupported,
                    $"{name} takes no replies through its API: a post there cannot answer another one.", "$.content.replyTo.platform", reply.Platform,
                    $"Post it without replyTo as a new post, or answer on {name} itself. Replies work on {Names(p => p.Conversation.Replies == ReplyKind.Post)} (as posts) " +
                    $"and on {Names(p => p.Conversation.Replies == ReplyKind.Comment)} (as comments).");
                break;
            case ReplyKind.Comment:
                foreach (var problem in CommentProblems(content, reply.Platform))
                    yield return problem;
                break;
        }
    }

    /// <summary>A reply on Facebook, Instagram or LinkedIn is a comment on the parent: text only.</summary>
    private static IEnumerable<Problem> CommentProblems(PostContent content, Platform platform)
    {
        var name = platform.ToWireName();
        var why = $"A reply on {name} is a comment on the post it answers, and a comment is text only";
        if (content.Media.Count > 0)
        {
            yield return new Problem(ErrorCodes.UnsupportedMediaConfig, $"{why}; this one has {content.Media.Count} media item(s).", "$.content.media", platform,
                "Remove content.media, or post it as a new post without replyTo.");
        }
        if (content.LinkUrl is not null)
        {
            yield return new Problem(ErrorCodes.ValidationFailed, $"{why}: it takes no linkUrl.", "$.content.linkUrl", platform,
                "Put the link in the text, or remove content.linkUrl.");
        }
        if (content.SettingsFor(platform) is not null)
        {
            yield return new Problem(ErrorCodes.ValidationFailed, $"{why}: it takes no settings.", $"$.content.platformOverrides.{name}.settings", platform,
                $"Remove content.platformOverrides.{name}.settings.");
        }
        if (content.FirstCommentFor(platform) is not null)
        {
            yield return new Problem(ErrorCodes.ValidationFailed, $"{why}: it takes no first comment.", FirstCommentPathFor(content, platform), platform,
                "Remove the firstComment; post a second reply if you need one.");
        }
    }

    private IEnumerable<Problem> FirstCommentProblems(RuleContext context)
    {
        var content = context.Draft.Content;
        var commenting = Names(p => p.Conversation.FirstComment);
        if (content.FirstComment is not null)
        {
            foreach (var platform in context.TargetPlatforms.Where(p => !Support(p).FirstComment))
            {
                var name = platform.ToWireName();
                yield return new Problem(ErrorCodes.FirstCommentNotSupported,
                    $"{name} takes no first comment through its API, and content.firstComment is for every platform of the post.", FirstCommentPath, platform,
                    $"Remove content.firstComment and put it in content.platformOverrides.{{platform}}.firstComment of the platforms that take one ({commenting}).");
            }
        }
        foreach (var (platform, entry) in content.PlatformOverrides.OrderBy(p => p.Key))
        {
            if (entry.FirstComment is null)
                continue;
            var name = platform.ToWireName();
            var path = $"$.content.platformOverrides.{name}.firstComment";
            if (!Support(platform).FirstComment)
            {
                yield return new Problem(ErrorCodes.FirstCommentNotSupported, $"{name} takes no first comment through its API.", path, platform,
                    $"Remove it; first comments work on {commenting}.");
            }
            // A thread's overrides are the parts' (judged there); an entry with only a first comment is checked here.
            else if (content.Thread is not null && !context.Draft.Platforms.Contains(platform))
            {
                yield return new Problem(ErrorCodes.ValidationFailed, $"platformOverrides has a first comment for '{name}', which is not in platforms.", path, platform,
                    "Add the platform to platforms, or remove its first comment.");
            }
        }

        var isComment = content.ReplyTo is { } reply && Support(reply.Platform).Replies == ReplyKind.Comment;
        foreach (var platform in context.TargetPlatforms.Where(p => Support(p).FirstComment && !isComment))
        {
            if (content.FirstCommentFor(platform) is not { } comment)
                continue;
            var path = FirstCommentPathFor(content, platform) + ".text";
            if (string.IsNullOrWhiteSpace(comment.Text))
            {
                yield return new Problem(ErrorCodes.ValidationFailed, "A first comment needs some text.", path, platform, "Write the comment, or remove firstComment.");
                continue;
            }
            var measured = measure.Measure(platform, new PostContent(comment.Text, [], null, new Dictionary<Platform, PlatformOverride>()));
            if (measured.Length > measured.MaxLength)
            {
                var name = platform.ToWireName();
                yield return new Problem(ErrorCodes.ContentTooLong,
                    $"The first comment for {name} is {measured.Length} {measured.Unit}; the limit is {measured.MaxLength}.", path, platform,
                    $"Shorten it, or give {name} a shorter one in content.platformOverrides.{name}.firstComment.");
            }
        }
    }

    private static string FirstCommentPathFor(PostContent content, Platform platform) =>
        content.PlatformOverrides.TryGetValue(platform, out var entry) && entry.FirstComment is not null
            ? $"$.content.platformOverrides.{platform.ToWireName()}.firstComment"
            : FirstCommentPath;

    private static ConversationSupport Support(Platform platform) => PlatformCatalog.For(platform).Conversation;

    private static string Names(Func<PlatformDefinition, bool> where) =>
        string.Join(", ", PlatformCatalog.All.Where(where).Select(p => p.Name));
}
