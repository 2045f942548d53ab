using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Webhooks;

namespace SocialMcp.Core.Posts;

/// <summary>
/// The primitives every change of a post is made of, inside a store session: load it (not found otherwise), check the
/// version and the transition, save it with the next version and an event. <see cref="PostService"/> and the publishing
/// engine share them so a status changes the same way whoever changes it.
/// </summary>
public sealed class PostChanges(TimeProvider time, WebhookOutbox outbox)
{
    public static async Task<(Post Post, IReadOnlyList<PostTarget> Targets)> LoadAsync(
        IStoreSession session, string workspaceId, string postId, CancellationToken cancellationToken)
    {
        var post = await session.Posts.GetAsync(workspaceId, postId, cancellationToken) ?? throw Problems.PostNotFound(postId);
        var targets = await session.Targets.ListForPostAsync(post.Id, cancellationToken);
        var steps = await session.Steps.ListForPostAsync(post.Id, cancellationToken);
        return (post, OrderTargets(post, WithSteps(targets, steps)));
    }

    /// <summary>Whether the post can have steps: a thread, or a first comment on some platform.</summary>
    public static bool MayHaveSteps(Post post) =>
        post.Content.IsThread || post.Content.FirstComment is not null || post.Content.PlatformOverrides.Values.Any(o => o.FirstComment is not null);

    /// <summary>Each target with its thread parts and first comment (issue 15), in publishing order.</summary>
    public static IEnumerable<PostTarget> WithSteps(IEnumerable<PostTarget> targets, IReadOnlyList<TargetStep> steps)
    {
        if (steps.Count == 0)
            return targets;
        var byTarget = steps.ToLookup(s => (s.PostId, s.Platform));
        return targets.Select(t => byTarget[(t.PostId, t.Platform)] is var own && own.Any() ? t with { Steps = own.ToList() } : t);
    }

    /// <summary>Targets in the order of the post's platforms, as the agent listed them.</summary>
    public static IReadOnlyList<PostTarget> OrderTargets(Post post, IEnumerable<PostTarget> targets) =>
        targets.OrderBy(t => IndexOf(post.Platforms, t.Platform)).ToList();

    private static int IndexOf(IReadOnlyList<Platform> platforms, Platform platform)
    {
        for (var i = 0; i < platforms.Count; i++)
        {
            if (platforms[i] == platform) return i;
        }
        return int.MaxValue;
    }

    public static async Task<IReadOnlyDictionary<Platform, Account>> AccountsByPlatformAsync(
        IStoreSession session, string workspaceId, string platformSetId, CancellationToken cancellationToken)
    {
        var accounts = await session.Accounts.ListInSetAsync(workspaceId, platformSetId, cancellationToken);
        return accounts.ToDictionary(a => a.Platform);
    }

    public static void EnsureVersion(Post post, int? expected)
    {
        if (expected is { } version && version != post.Version)
            throw Problems.VersionConflict(version, post.Version);
    }

    public static void EnsureCanMove(Post post, PostStatus to, string action)
    {
        if (!PostTransitions.CanMove(post.Status, to))
            throw Problems.InvalidTransition(post.Status, action, string.Join(", ", PostTransitions.SourcesOf(to).Select(s => s.ToWireName())));
    }

    /// <summary>Saves <paramref name="after"/> with the next version, optimistically against <paramref name="before"/>'s, and its event.</summary>
    public async Task<Post> ChangeAsync(IStoreSession session, Post before, Post after, string eventType, string? detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var saved = after with { Version = before.Version + 1, UpdatedAt = now };
        if (!await session.Posts.UpdateAsync(saved, before.Version, cancellationToken))
        {
            var current = await session.Posts.GetAsync(before.WorkspaceId, before.Id, cancellationToken);
            throw Problems.VersionConflict(before.Version, current?.Version ?? before.Version);
        }
        await AppendAsync(session, saved, null, eventType, before.Status.ToWireName(), saved.Status.ToWireName(), detail, cancellationToken);
        await outbox.PostChangedAsync(session, before.Status, saved, eventType, cancellationToken);
        return saved;
    }

    /// <summary>Stores a new post's <c>created</c> event and its webhook events, in the transaction that inserts it.</summary>
    public async Task CreatedAsync(IStoreSession session, Post post, CancellationToken cancellationToken)
    {
        await AppendAsync(session, post, null, "created", null, post.Status.ToWireName(), null, cancellationToken);
        await outbox.PostChangedAsync(session, null, post, "created", cancellationToken);
    }

    /// <summary>An event at the post's current version, in the caller's transaction.</summary>
    public Task AppendAsync(IStoreSession session, Post post, Platform? platform, string eventType, string? from, string? to, string? detail,
        CancellationToken cancellationToken) =>
        session.Events.AppendAsync(new PostEvent
        {
            Id = 0,
            PostId = post.Id,
            Platform = platform,
            EventType = eventType,
            FromStatus = from,
            ToStatus = to,
            PostVersion = post.Version,
            Detail = detail,
            OccurredAt = time.GetUtcNow(),
        }, cancellationToken);
}
