using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation;

namespace SocialMcp.Core.Posts;

/// <summary>
/// The one place that changes a post. Every change of status checks <see cref="PostTransitions"/>, bumps the
/// version (optimistically, against the version the caller read) and appends an event, in one transaction.
/// Tools, the CLI and the scheduler call this; none of them writes a status by itself.
/// </summary>
public sealed partial class PostService(
    IStore store,
    PostValidator validator,
    IPublisherResolver publishers,
    TimeProvider time,
    IOptions<SchedulingOptions> scheduling,
    IOptions<QuotaOptions> quotas,
    ISchedulerSignal schedulerSignal,
    PublishConcurrency concurrency,
    IPostChangeNotifier changeNotifier,
    ScheduleRisks risks,
    PublisherIdentity identity,
    ILogger<PostService> logger)
{
    public Task<PostDetails> CreateAsync(string workspaceId, CreatePostCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            string? requestHash = null;
            if (command.IdempotencyKey is { } key)
            {
                requestHash = IdempotencyKeys.RequestHash(command with { IdempotencyKey = null, ScheduledFor = command.ScheduledFor?.ToUniversalTime() });
                if (await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.CreatePost, key, cancellationToken) is { } stored)
                {
                    IdempotencyKeys.EnsureSameRequest(stored, requestHash);
                    var (first, firstTargets) = await LoadAsync(session, workspaceId, stored.PostId, cancellationToken);
                    return new PostDetails(first, firstTargets, Replayed: true);
                }
            }

            var set = await ResolvePlatformSetAsync(session, workspaceId, command.PlatformSetId, cancellationToken);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            var draft = new PostDraft(command.Content, command.Platforms, command.ScheduledFor);
            validator.EnsureValid(new RuleContext(draft, accounts, now, RulePurpose.Save));

            var status = command.ScheduledFor is null ? PostStatus.Draft : PostStatus.Scheduled;
            await EnsurePostQuotaAsync(session, workspaceId, now, cancellationToken);
            if (status == PostStatus.Scheduled)
                await EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);

            var post = new Post(Guid.CreateVersion7(now).ToString(), workspaceId, set.Id, status, command.Content,
                command.Platforms, command.ScheduledFor?.ToUniversalTime(), 1, now, now,
                command.Policy ?? PublishPolicy.Partial, command.Tolerance);
            await session.Posts.InsertAsync(post, cancellationToken);
            var targets = NewTargets(post, accounts, now);
            foreach (var target in targets)
                await session.Targets.InsertAsync(target, cancellationToken);
            await AppendAsync(session, post, null, "created", null, status.ToWireName(), null, cancellationToken);
            // Same transaction as the post: a crash never leaves a key without its post, nor a post without its key.
            if (command.IdempotencyKey is { } newKey)
            {
                await session.IdempotencyKeys.InsertAsync(
                    new IdempotencyRecord(workspaceId, IdempotencyKeys.CreatePost, newKey, requestHash!, post.Id, now), cancellationToken);
            }
            return new PostDetails(post, targets);
        }, cancellationToken);

    public Task<PostDetails> GetAsync(string workspaceId, string postId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            return new PostDetails(post, targets);
        }, cancellationToken);

    public Task<IReadOnlyList<PostEvent>> GetHistoryAsync(string workspaceId, string postId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            await LoadAsync(session, workspaceId, postId, cancellationToken);
            return await session.Events.ListForPostAsync(postId, cancellationToken);
        }, cancellationToken);

    public Task<PostPage> ListAsync(string workspaceId, PostQuery query, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var posts = await session.Posts.ListAsync(workspaceId, query, cancellationToken);
            var total = await session.Posts.CountAsync(workspaceId, query, cancellationToken);
            var targets = posts.Count == 0
                ? []
                : await session.Targets.ListForPostsAsync(posts.Select(p => p.Id).ToList(), cancellationToken);
            var byPost = targets.ToLookup(t => t.PostId);
            var details = posts.Select(p => new PostDetails(p, OrderTargets(p, byPost[p.Id]))).ToList();
            return new PostPage(details, total, query.Limit, query.Offset);
        }, cancellationToken);

    public Task<PostDetails> UpdateAsync(string workspaceId, UpdatePostCommand command, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, _) = await LoadAsync(session, workspaceId, command.PostId, cancellationToken);
            EnsureVersion(post, command.Version);
            if (post.Status is not (PostStatus.Draft or PostStatus.Scheduled))
                throw Problems.InvalidTransition(post.Status, "update", "draft, scheduled");

            var set = command.PlatformSetId is null
                ? await ResolvePlatformSetAsync(session, workspaceId, post.PlatformSetId, cancellationToken)
                : await ResolvePlatformSetAsync(session, workspaceId, command.PlatformSetId, cancellationToken);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            var updated = post with
            {
                Content = command.Content ?? post.Content,
                Platforms = command.Platforms ?? post.Platforms,
                PlatformSetId = set.Id,
                ScheduledFor = command.ScheduledFor?.ToUniversalTime() ?? post.ScheduledFor,
                Status = command.ScheduledFor is null ? post.Status : PostStatus.Scheduled,
                Policy = command.Policy ?? post.Policy,
                Tolerance = command.Tolerance ?? post.Tolerance,
            };
            var draft = new PostDraft(updated.Content, updated.Platforms, command.ScheduledFor, updated.Status == PostStatus.Scheduled);
            validator.EnsureValid(new RuleContext(draft, accounts, now, RulePurpose.Save));
            if (updated.Status == PostStatus.Scheduled && post.Status != PostStatus.Scheduled)
                await EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);

            var saved = await ChangeAsync(session, post, updated, "updated", null, cancellationToken);
            // Targets of a draft or scheduled post are all pending: replacing them loses nothing.
            await session.Targets.DeleteForPostAsync(post.Id, cancellationToken);
            var targets = NewTargets(saved, accounts, now);
            foreach (var target in targets)
                await session.Targets.InsertAsync(target, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    public Task<PostDetails> ScheduleAsync(string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, CancellationToken cancellationToken) =>
        ScheduleAsync(workspaceId, postId, scheduledFor, version, planHash: null, cancellationToken);

    /// <summary>Schedules a post; with <paramref name="planHash"/>, only if the post still matches what validate_post checked.</summary>
    public Task<PostDetails> ScheduleAsync(
        string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, string? planHash, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            EnsureVersion(post, version);
            EnsureCanMove(post, PostStatus.Scheduled, "schedule");
            PostPlan.EnsureUnchanged(post, planHash);
            var accounts = await AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
            validator.EnsureValid(new RuleContext(new PostDraft(post.Content, post.Platforms, scheduledFor), accounts, now, RulePurpose.Save));
            if (post.Status != PostStatus.Scheduled)
                await EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);
            var found = await risks.AssessAsync(session, workspaceId, post.Id, post.Platforms, accounts, scheduledFor, cancellationToken);

            var updated = post with { Status = PostStatus.Scheduled, ScheduledFor = scheduledFor.ToUniversalTime() };
            var saved = await ChangeAsync(session, post, updated, post.Status == PostStatus.Scheduled ? "rescheduled" : "scheduled",
                $"scheduledFor={scheduledFor.ToUniversalTime():O}", cancellationToken);
            return new PostDetails(saved, targets, Risks: found);
        }, cancellationToken);

    public Task<PostDetails> CancelAsync(string workspaceId, string postId, int? version, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var (post, targets) = await LoadAsync(session, workspaceId, postId, cancellationToken);
            EnsureVersion(post, version);
            if (post.Status == PostStatus.Publishing)
                throw CannotCancelStartedPublish(targets);
            EnsureCanMove(post, PostStatus.Discarded, "cancel");
            var saved = await ChangeAsync(session, post, post with { Status = PostStatus.Discarded }, "discarded", null, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    public Task<PostValidation> ValidateAsync(string workspaceId, ValidatePostCommand command, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var now = time.GetUtcNow();
            if (command.PostId is { } postId)
            {
                var (post, _) = await LoadAsync(session, workspaceId, postId, cancellationToken);
                var accounts = await AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
                // A stored schedule was checked when it was set; re-check it only while it can still change.
                var scheduledFor = post.Status == PostStatus.Scheduled ? post.ScheduledFor : null;
                var draft = new PostDraft(post.Content, post.Platforms, scheduledFor);
                var postRisks = scheduledFor is { } when
                    ? await risks.AssessAsync(session, workspaceId, post.Id, post.Platforms, accounts, when, cancellationToken)
                    : [];
                return new PostValidation(post.Id, validator.Validate(new RuleContext(draft, accounts, now, RulePurpose.Save)), PostPlan.HashOf(post), postRisks);
            }

            var create = command.Draft ?? throw new DomainValidationException(
                [new Problem(ErrorCodes.ValidationFailed, "Pass either postId or content and platforms.", "$")]);
            var set = await ResolvePlatformSetAsync(session, workspaceId, create.PlatformSetId, cancellationToken);
            var setAccounts = await AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            var report = validator.Validate(new RuleContext(
                new PostDraft(create.Content, create.Platforms, create.ScheduledFor), setAccounts, now, RulePurpose.Save));
            var draftRisks = create.ScheduledFor is { } scheduledAt
                ? await risks.AssessAsync(session, workspaceId, null, create.Platforms, setAccounts, scheduledAt, cancellationToken)
                : [];
            return new PostValidation(null, report, PostPlan.HashOf(create.Content, create.Platforms, create.ScheduledFor), draftRisks);
        }, cancellationToken);

    // ---- helpers -------------------------------------------------------------------------------

    /// <summary>Cancel after a target has started: names each target's state, so the agent knows what is (or may be) live.</summary>
    private static ConflictException CannotCancelStartedPublish(IReadOnlyList<PostTarget> targets)
    {
        var started = targets.Where(t => t.Status != TargetStatus.Pending).ToList();
        var states = string.Join("; ", started.Select(t => $"{t.Platform.ToWireName()} {t.Status.ToWireName()}"
            + (t.PublicUrl is null ? "" : $" ({t.PublicUrl})")));
        return new ConflictException(new Problem(ErrorCodes.InvalidStatusTransition,
            $"Publishing has started, so the post can no longer be cancelled. Targets: {states}.", "$.postId",
            Hint: "Wait for publishing to finish (get_post), then withdraw_post the live targets if they should come down."));
    }

    /// <summary>A write that can move the next due time: wakes the scheduler once it has committed, so it reads the change.</summary>
    private async Task<PostDetails> WriteThenWakeSchedulerAsync(Func<IStoreSession, Task<PostDetails>> work, CancellationToken cancellationToken)
    {
        var details = await store.WriteAsync(work, cancellationToken);
        schedulerSignal.Poke();
        changeNotifier.PostChanged(details.Post.WorkspaceId, details.Post.Id);
        return details;
    }

    private static async Task<(Post Post, IReadOnlyList<PostTarget> Targets)> LoadAsync(
        IStoreSession session, string workspaceId, string postId, CancellationToken cancellationToken)
    {
        var post = await session.Posts.GetAsync(workspaceId, postId, cancellationToken) ?? throw Problems.PostNotFound(postId);
        var targets = await session.Targets.ListForPostAsync(post.Id, cancellationToken);
        return (post, OrderTargets(post, targets));
    }

    private static IReadOnlyList<PostTarget> OrderTargets(Post post, IEnumerable<PostTarget> targets) =>
        targets.OrderBy(t => IndexOf(post.Platforms, t.Platform)).ToList();

    private static int IndexOf(IReadOnlyList<Platform> platforms, Platform platform)
    {
        for (var i = 0; i < platforms.Count; i++)
        {
            if (platforms[i] == platform) return i;
        }
        return int.MaxValue;
    }

    private static void EnsureVersion(Post post, int? expected)
    {
        if (expected is { } version && version != post.Version)
            throw Problems.VersionConflict(version, post.Version);
    }

    private static void EnsureCanMove(Post post, PostStatus to, string action)
    {
        if (!PostTransitions.CanMove(post.Status, to))
            throw Problems.InvalidTransition(post.Status, action, string.Join(", ", PostTransitions.SourcesOf(to).Select(s => s.ToWireName())));
    }

    private async Task<Post> ChangeAsync(IStoreSession session, Post before, Post after, string eventType, string? detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var saved = after with { Version = before.Version + 1, UpdatedAt = now };
        if (!await session.Posts.UpdateAsync(saved, before.Version, cancellationToken))
        {
            var current = await session.Posts.GetAsync(before.WorkspaceId, before.Id, cancellationToken);
            throw Problems.VersionConflict(before.Version, current?.Version ?? before.Version);
        }
        await AppendAsync(session, saved, null, eventType, before.Status.ToWireName(), saved.Status.ToWireName(), detail, cancellationToken);
        return saved;
    }

    private Task AppendAsync(IStoreSession session, Post post, Platform? platform, string eventType, string? from, string? to, string? detail, CancellationToken cancellationToken) =>
        session.Events.AppendAsync(new PostEvent(0, post.Id, platform, eventType, from, to, post.Version, detail, time.GetUtcNow()), cancellationToken);

    private async Task EnsurePostQuotaAsync(IStoreSession session, string workspaceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var quota = quotas.Value.PostsPerMonth;
        var used = await session.Posts.CountCreatedSinceAsync(workspaceId, MonthStart(now), cancellationToken);
        if (used >= quota)
            throw QuotaExceeded($"This workspace has created {used} posts this month; its quota is {quota}.", "$.content", MonthStart(now).AddMonths(1));
    }

    private static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static LimitReachedException QuotaExceeded(string message, string path, DateTimeOffset resetsAt) => new(new Problem(
        ErrorCodes.QuotaExceeded, $"{message} The quota resets at {resetsAt:O}.", path,
        Hint: "Wait for the quota to reset, or ask the person running the server to raise it."));

    /// <summary>Checks both the number of scheduled posts now and the monthly quota of scheduling.</summary>
    private async Task EnsureScheduleCapacityAsync(IStoreSession session, string workspaceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var monthly = quotas.Value.ScheduledPostsPerMonth;
        var scheduledThisMonth = await session.Events.CountScheduledSinceAsync(workspaceId, MonthStart(now), cancellationToken);
        if (scheduledThisMonth >= monthly)
            throw QuotaExceeded($"This workspace has scheduled {scheduledThisMonth} posts this month; its quota is {monthly}.", "$.scheduledFor", MonthStart(now).AddMonths(1));

        var limit = scheduling.Value.MaxScheduledPerWorkspace;
        var scheduled = await session.Posts.CountInStatusAsync(workspaceId, PostStatus.Scheduled, cancellationToken);
        if (scheduled >= limit)
        {
            throw new LimitReachedException(new Problem(ErrorCodes.ScheduleLimitReached,
                $"This workspace already has {scheduled} scheduled posts; the limit is {limit}.", "$.scheduledFor",
                Hint: "Wait for scheduled posts to go out, or cancel_post some, then try again; or save this post as a draft."));
        }
    }

    private static async Task<PlatformSet> ResolvePlatformSetAsync(IStoreSession session, string workspaceId, string? platformSetId, CancellationToken cancellationToken)
    {
        if (platformSetId is null)
        {
            return await session.PlatformSets.GetDefaultAsync(workspaceId, cancellationToken)
                ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                    "This workspace has no default platform set.", "$.platformSetId", Hint: "Call list_platform_sets and pass a platformSetId."));
        }
        return await session.PlatformSets.GetAsync(workspaceId, platformSetId, cancellationToken)
            ?? throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                $"No platform set with id '{platformSetId}' exists in this workspace.", "$.platformSetId",
                Hint: "Call list_platform_sets to see the sets, or omit platformSetId to use the default."));
    }

    private static async Task<IReadOnlyDictionary<Platform, Account>> AccountsByPlatformAsync(
        IStoreSession session, string workspaceId, string platformSetId, CancellationToken cancellationToken)
    {
        var accounts = await session.Accounts.ListInSetAsync(workspaceId, platformSetId, cancellationToken);
        return accounts.ToDictionary(a => a.Platform);
    }

    private static List<PostTarget> NewTargets(Post post, IReadOnlyDictionary<Platform, Account> accounts, DateTimeOffset now) =>
        post.Platforms.Select(platform => new PostTarget(post.Id, platform, accounts[platform].Id, TargetStatus.Pending,
            null, null, null, null, 0, now, now, null)).ToList();
}
