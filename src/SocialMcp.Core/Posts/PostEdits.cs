using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;

namespace SocialMcp.Core.Posts;

/// <summary>
/// update_post on a partial or failed post: only the content of the targets a retry would publish (see
/// <see cref="PostTransitions.IsEditable"/>) may change. Every other target (live, withdrawn, needs_reconciliation) keeps
/// the content it went out with: it is frozen into <see cref="Post.PublishedContent"/> before the post's content changes,
/// so get_post keeps showing it. See docs/decisions.md, "edits".
/// </summary>
public static class PostEdits
{
    /// <summary>Fields that only a draft or scheduled post may change: they would change live targets or the publish itself.</summary>
    public static void EnsureOnlyEditableFields(Post post, UpdatePostCommand command)
    {
        if (command.Platforms is { } platforms && !platforms.SequenceEqual(post.Platforms))
            throw FieldLocked(post, "platforms", "$.platforms", "a new post is the way to reach other platforms");
        if (command.PlatformSetId is { } setId && setId != post.PlatformSetId)
            throw FieldLocked(post, "platformSetId", "$.platformSetId", "its targets keep the accounts they were published with");
        if (command.ScheduledFor is not null)
            throw FieldLocked(post, "scheduledFor", "$.scheduledFor", "retry_post publishes its failed targets now");
    }

    /// <summary>
    /// TARGET_NOT_EDITABLE when <paramref name="after"/> changes the override of a platform whose target may not change,
    /// or when no target may change at all.
    /// </summary>
    public static void EnsureLockedTargetsUntouched(Post post, IReadOnlyList<PostTarget> targets, PostContent after)
    {
        var locked = targets.Where(t => !PostTransitions.IsEditable(post, t)).ToList();
        if (locked.Count == targets.Count)
        {
            throw new ConflictException(new Problem(ErrorCodes.TargetNotEditable,
                $"No target of this post can be edited: {Describe(locked)}. Content is edited only for failed targets.", "$.content",
                Hint: "Call get_post to see each target's status; settle needs_reconciliation targets with resolve_target first."));
        }
        foreach (var target in locked)
        {
            var platform = target.Platform;
            after.PlatformOverrides.TryGetValue(platform, out var wanted);
            post.Content.PlatformOverrides.TryGetValue(platform, out var had);
            if (wanted is null || CanonicalJson.Serialize(wanted) == CanonicalJson.Serialize(had))
                continue;
            throw new ConflictException(new Problem(ErrorCodes.TargetNotEditable,
                $"The {platform.ToWireName()} target is '{target.Status.ToWireName()}': what it went out with cannot change; nothing was changed.",
                $"$.content.platformOverrides.{platform.ToWireName()}", platform,
                $"Leave platformOverrides.{platform.ToWireName()} as get_post shows it (or out); edit only the failed platforms: "
                + $"{string.Join(", ", targets.Where(t => PostTransitions.IsEditable(post, t)).Select(t => t.Platform.ToWireName()))}."));
        }
        foreach (var target in targets.Where(t => PostTransitions.IsEditable(post, t)))
            EnsureLivePartsUntouched(post, target, after);
    }

    /// <summary>
    /// A failed thread target may already have its first parts live (a retry goes on from the first one that is not): those
    /// parts, and what the thread replies to, went out as they were and cannot change; the parts still to come can.
    /// </summary>
    private static void EnsureLivePartsUntouched(Post post, PostTarget target, PostContent after)
    {
        var platform = target.Platform;
        var liveParts = Enumerable.Range(0, post.Content.Parts.Count)
            .TakeWhile(i => i == 0 ? TargetSteps.HeadIsUp(post, target) : TargetSteps.Part(target, i)?.Status.IsLive() == true)
            .Count();
        if (liveParts == 0)
            return;
        for (var i = 0; i < liveParts; i++)
        {
            if (i < after.Parts.Count && CanonicalJson.Serialize(PartAsSent(post.Content.Parts[i], platform)) == CanonicalJson.Serialize(PartAsSent(after.Parts[i], platform)))
                continue;
            throw new ConflictException(new Problem(ErrorCodes.TargetNotEditable,
                $"Part {i + 1} of the {platform.ToWireName()} thread is live already: what it went out with cannot change; nothing was changed.",
                i < after.Parts.Count ? $"$.content.thread[{i}]" : "$.content.thread", platform,
                $"Keep thread[0] to thread[{liveParts - 1}] as get_post shows them; edit only the parts after them, then call retry_post."));
        }
        if (CanonicalJson.Serialize(after.ReplyTo) != CanonicalJson.Serialize(post.Content.ReplyTo))
        {
            throw new ConflictException(new Problem(ErrorCodes.TargetNotEditable,
                $"The {platform.ToWireName()} thread is live already as a reply to what replyTo names: that cannot change; nothing was changed.",
                "$.content.replyTo", platform, "Leave replyTo as get_post shows it."));
        }
    }

    private static object PartAsSent(ThreadPart part, Platform platform) =>
        new { text = part.TextFor(platform), part.Media, settings = part.SettingsFor(platform) };

    /// <summary>
    /// The content each locked target went out with, kept from before (or taken from the post's content now, which is what
    /// it got: every earlier edit froze it first); an editable target loses its entry, since a retry publishes the new content.
    /// </summary>
    public static IReadOnlyDictionary<Platform, PublishedContent> Freeze(Post post, IReadOnlyList<PostTarget> targets)
    {
        var frozen = new Dictionary<Platform, PublishedContent>();
        foreach (var target in targets.Where(t => !PostTransitions.IsEditable(post, t)))
        {
            frozen[target.Platform] = post.PublishedContent?.GetValueOrDefault(target.Platform)
                ?? PublishedContent.Of(post.Content, target.Platform);
        }
        return frozen;
    }

    /// <summary>
    /// The content as only <paramref name="platforms"/> see it, to check them alone (an edit's failed platforms, a retry's
    /// chosen ones): their overrides, and any override of a platform the post does not target (so the usual rule names it);
    /// the overrides of the post's other, live platforms are left out.
    /// </summary>
    public static PostContent OnlyFor(PostContent content, Post post, IReadOnlyList<Platform> platforms) =>
        content with
        {
            PlatformOverrides = content.PlatformOverrides
                .Where(pair => platforms.Contains(pair.Key) || !post.Platforms.Contains(pair.Key))
                .ToDictionary(pair => pair.Key, pair => pair.Value),
        };

    /// <summary>Which resolved fields changed on any of <paramref name="platforms"/>: text, media, linkUrl, settings, thread, firstComment, replyTo.</summary>
    public static IReadOnlyList<string> ChangedFields(PostContent before, PostContent after, IReadOnlyList<Platform> platforms)
    {
        var fields = new List<string>();
        void Add(string field, Func<PostContent, Platform, object?> read)
        {
            if (platforms.Any(p => CanonicalJson.Serialize(read(before, p)) != CanonicalJson.Serialize(read(after, p))))
                fields.Add(field);
        }
        Add("text", (c, p) => c.TextFor(p));
        Add("media", (c, _) => c.Media);
        Add("linkUrl", (c, _) => c.LinkUrl);
        Add("settings", (c, p) => c.SettingsFor(p));
        // Issue 15: a thread's later parts, the first comment and the reply target are content a retry publishes too.
        Add("thread", (c, p) => c.Thread?.Select(part => new { text = part.TextFor(p), part.Media, settings = part.SettingsFor(p) }).ToList());
        Add("firstComment", (c, p) => c.FirstCommentFor(p)?.Text);
        Add("replyTo", (c, _) => c.ReplyTo);
        return fields;
    }

    private static ConflictException FieldLocked(Post post, string field, string path, string why) =>
        new(new Problem(ErrorCodes.InvalidStatusTransition,
            $"{field} cannot change on a {post.Status.ToWireName()} post: {why}. Only content (for the failed targets), publishPolicy, "
            + "toleranceMinutes and timeZone can change after publishing.",
            path, Hint: $"Leave {field} out; fix the failed targets with content, then call retry_post."));

    private static string Describe(IEnumerable<PostTarget> targets) =>
        string.Join(", ", targets.Select(t => $"{t.Platform.ToWireName()} {t.Status.ToWireName()}"));
}
