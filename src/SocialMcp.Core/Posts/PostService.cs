using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Queue;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Validation;
using SocialMcp.Core.Validation.Media;

namespace SocialMcp.Core.Posts;

/// <summary>
/// The one way into changing a post. Every change of status checks <see cref="PostTransitions"/>, bumps the
/// version (optimistically, against the version the caller read) and appends an event, in one transaction
/// (<see cref="PostChanges"/>). Tools, the CLI and the scheduler call this; none of them writes a status by itself.
/// Publishing runs behind it in <see cref="PublishingEngine"/>, which only this service calls.
/// </summary>
public sealed partial class PostService(
    IStore store,
    PostValidator validator,
    PostChanges changes,
    PostQuotas quotas,
    ScheduleRisks risks,
    PublishingEngine publishing,
    TargetWithdrawal withdrawal,
    ISchedulerSignal schedulerSignal,
    IPostChangeNotifier changeNotifier,
    MediaUrlCheck mediaUrls,
    PostMediaResolver media,
    ReplyParents replyParents,
    TimeProvider time,
    PostingQueue queue)
{
    public Task<PostDetails> CreateAsync(string workspaceId, CreatePostCommand command, CancellationToken cancellationToken) =>
        CheckMediaUrlsThenAsync(command.Content, () => CheckReplyParentThenAsync(workspaceId, null, command, () => WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            string? requestHash = null;
            if (command.IdempotencyKey is { } key)
            {
                requestHash = IdempotencyKeys.RequestHash(command with { IdempotencyKey = null, ScheduledFor = command.ScheduledFor?.ToUniversalTime() });
                if (await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.CreatePost, key, cancellationToken) is { } stored)
                {
                    IdempotencyKeys.EnsureSameRequest(stored, requestHash);
                    var (first, firstTargets) = await PostChanges.LoadAsync(session, workspaceId, stored.PostId, cancellationToken);
                    return new PostDetails(first, firstTargets, Replayed: true);
                }
            }

            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, command.PlatformSetId, cancellationToken);
            var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            if (command.PlatformSetId is null)
                await SandboxFallbackGuard.EnsureNoSilentSandboxAsync(session, workspaceId, set, command.Platforms, accounts, cancellationToken);
            // Library media are filled from their probe first, so the rules below (and the stored post) see the real files.
            var content = (await media.ResolveAsync(session, workspaceId, command.Content, cancellationToken)).Content;
            // slot "next": the set's next free queue slot, taken inside this transaction so no other post gets it too.
            var slot = await TakeSlotAsync(session, workspaceId, set.Id, null, command.Slot, command.ScheduledFor, cancellationToken);
            var scheduledFor = slot?.At ?? command.ScheduledFor;
            var draft = new PostDraft(content, command.Platforms, scheduledFor);
            validator.EnsureValid(new RuleContext(draft, accounts, now, RulePurpose.Save));

            var status = scheduledFor is null ? PostStatus.Draft : PostStatus.Scheduled;
            await quotas.EnsurePostQuotaAsync(session, workspaceId, now, cancellationToken);
            if (status == PostStatus.Scheduled)
                await quotas.EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);

            var post = new Post
            {
                Id = Guid.CreateVersion7(now).ToString(),
                WorkspaceId = workspaceId,
                PlatformSetId = set.Id,
                Status = status,
                Content = content,
                Platforms = command.Platforms,
                ScheduledFor = scheduledFor?.ToUniversalTime(),
                Version = 1,
                CreatedAt = now,
                UpdatedAt = now,
                Policy = command.Policy ?? PublishPolicy.Partial,
                Tolerance = command.Tolerance,
                // A post without its own zone takes its queue schedule's.
                TimeZone = PostTimeZones.Check(command.TimeZone) ?? slot?.TimeZone,
                MaxLateness = command.MaxLateness,
            };
            await session.Posts.InsertAsync(post, cancellationToken);
            var targets = NewTargets(post, accounts, now);
            foreach (var target in targets)
                await session.Targets.InsertAsync(target, cancellationToken);
            await changes.CreatedAsync(session, post, cancellationToken);
            // Same transaction as the post: a crash never leaves a key without its post, nor a post without its key.
            if (command.IdempotencyKey is { } newKey)
            {
                await session.IdempotencyKeys.InsertAsync(
                    new IdempotencyRecord(workspaceId, IdempotencyKeys.CreatePost, newKey, requestHash!, post.Id, now), cancellationToken);
            }
            return new PostDetails(post, targets) { Slot = slot };
        }, cancellationToken, wakeWhen: created => created.Post.Status != PostStatus.Draft), cancellationToken), cancellationToken);

    public Task<PostDetails> GetAsync(string workspaceId, string postId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            return new PostDetails(post, targets);
        }, cancellationToken);

    public Task<IReadOnlyList<PostEvent>> GetHistoryAsync(string workspaceId, string postId, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
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
            // Issue 15: the steps (thread parts, first comments) of the posts that can have any.
            var steps = new List<TargetStep>();
            foreach (var post in posts.Where(PostChanges.MayHaveSteps))
                steps.AddRange(await session.Steps.ListForPostAsync(post.Id, cancellationToken));
            var byPost = PostChanges.WithSteps(targets, steps).ToLookup(t => t.PostId);
            var details = posts.Select(p => new PostDetails(p, PostChanges.OrderTargets(p, byPost[p.Id]))).ToList();
            return new PostPage(details, total, query.Limit, query.Offset);
        }, cancellationToken);

    public Task<PostDetails> UpdateAsync(string workspaceId, UpdatePostCommand command, CancellationToken cancellationToken) =>
        CheckMediaUrlsThenAsync(command.Content, () => CheckReplyParentThenAsync(workspaceId, command, null, () => WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, command.PostId, cancellationToken);
            PostChanges.EnsureVersion(post, command.Version);
            if (post.Status is PostStatus.Partial or PostStatus.Failed)
                return await EditFailedTargetsAsync(session, post, targets, command, now, cancellationToken);
            if (post.Status is not (PostStatus.Draft or PostStatus.Scheduled))
                throw Problems.InvalidTransition(post.Status, "update", "draft, scheduled, partial (failed targets only), failed");

            var set = command.PlatformSetId is null
                ? await PlatformSetLookup.ResolveAsync(session, workspaceId, post.PlatformSetId, cancellationToken)
                : await PlatformSetLookup.ResolveAsync(session, workspaceId, command.PlatformSetId, cancellationToken);
            var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            var updated = post with
            {
                Content = command.Content is { } newContent
                    ? (await media.ResolveAsync(session, workspaceId, newContent, cancellationToken)).Content
                    : post.Content,
                Platforms = command.Platforms ?? post.Platforms,
                PlatformSetId = set.Id,
                ScheduledFor = command.ScheduledFor?.ToUniversalTime() ?? post.ScheduledFor,
                Status = command.ScheduledFor is null ? post.Status : PostStatus.Scheduled,
                Policy = command.Policy ?? post.Policy,
                Tolerance = command.Tolerance ?? post.Tolerance,
                TimeZone = PostTimeZones.Check(command.TimeZone) ?? post.TimeZone,
                MaxLateness = command.MaxLateness ?? post.MaxLateness,
            };
            var draft = new PostDraft(updated.Content, updated.Platforms, command.ScheduledFor, updated.Status == PostStatus.Scheduled);
            validator.EnsureValid(new RuleContext(draft, accounts, now, RulePurpose.Save));
            if (updated.Status == PostStatus.Scheduled && post.Status != PostStatus.Scheduled)
                await quotas.EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);

            var saved = await changes.ChangeAsync(session, post, updated, "updated", null, cancellationToken);
            // Targets of a draft or scheduled post are all pending: replacing them loses nothing.
            await session.Targets.DeleteForPostAsync(post.Id, cancellationToken);
            var fresh = NewTargets(saved, accounts, now);
            foreach (var target in fresh)
                await session.Targets.InsertAsync(target, cancellationToken);
            return new PostDetails(saved, fresh);
        }, cancellationToken), cancellationToken), cancellationToken);

    /// <summary>
    /// update_post on a partial or failed post (<see cref="PostEdits"/>): the new content is checked for the failed platforms
    /// only, what the other targets went out with is frozen first, and the event names the platforms and fields changed.
    /// The targets themselves are not touched: retry_post publishes the edited content.
    /// </summary>
    private async Task<PostDetails> EditFailedTargetsAsync(
        IStoreSession session, Post post, IReadOnlyList<PostTarget> targets, UpdatePostCommand command, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        PostEdits.EnsureOnlyEditableFields(post, command);
        var editable = targets.Where(t => PostTransitions.IsEditable(post, t)).Select(t => t.Platform).ToList();
        var content = command.Content is { } given ? (await media.ResolveAsync(session, post.WorkspaceId, given, cancellationToken)).Content : post.Content;
        if (command.Content is not null)
        {
            var newContent = content;
            PostEdits.EnsureLockedTargetsUntouched(post, targets, newContent);
            var accounts = await PostChanges.AccountsByPlatformAsync(session, post.WorkspaceId, post.PlatformSetId, cancellationToken);
            var draft = new PostDraft(PostEdits.OnlyFor(newContent, post, editable), editable, null);
            validator.EnsureValid(new RuleContext(draft, accounts, now, RulePurpose.Save));
        }

        var fields = PostEdits.ChangedFields(post.Content, content, editable).ToList();
        if (command.Policy is { } policy && policy != post.Policy) fields.Add("publishPolicy");
        if (command.Tolerance is { } tolerance && tolerance != post.Tolerance) fields.Add("toleranceMinutes");
        var timeZone = PostTimeZones.Check(command.TimeZone) ?? post.TimeZone;
        if (timeZone != post.TimeZone) fields.Add("timeZone");

        var updated = post with
        {
            Content = content,
            PublishedContent = command.Content is null ? post.PublishedContent : PostEdits.Freeze(post, targets),
            Policy = command.Policy ?? post.Policy,
            Tolerance = command.Tolerance ?? post.Tolerance,
            TimeZone = timeZone,
        };
        var saved = await changes.ChangeAsync(session, post, updated, "failed_targets_edited",
            $"platforms={string.Join(",", editable.Select(p => p.ToWireName()))} fields={(fields.Count == 0 ? "none" : string.Join(",", fields))}",
            cancellationToken);
        return new PostDetails(saved, targets);
    }

    public Task<PostDetails> ScheduleAsync(string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, CancellationToken cancellationToken) =>
        ScheduleAsync(workspaceId, postId, scheduledFor, version, planHash: null, cancellationToken);

    public Task<PostDetails> ScheduleAsync(
        string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, string? planHash, CancellationToken cancellationToken) =>
        ScheduleAsync(workspaceId, postId, scheduledFor, version, planHash, timeZone: null, cancellationToken);

    public Task<PostDetails> ScheduleAsync(
        string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, string? planHash, string? timeZone,
        CancellationToken cancellationToken) =>
        ScheduleAsync(workspaceId, postId, scheduledFor, slotName: null, version, planHash, timeZone, maxLateness: null, cancellationToken);

    /// <summary>
    /// Schedules a post (a draft, a scheduled one to a new time, or a missed one again); with <paramref name="planHash"/>, only
    /// if the post still matches what validate_post checked; with <paramref name="timeZone"/> and <paramref name="maxLateness"/>,
    /// the post's time zone and lateness are set too.
    /// </summary>
    public Task<PostDetails> ScheduleAsync(
        string workspaceId, string postId, DateTimeOffset scheduledFor, int? version, string? planHash, string? timeZone,
        TimeSpan? maxLateness, CancellationToken cancellationToken) =>
        ScheduleAsync(workspaceId, postId, scheduledFor, slotName: null, version, planHash, timeZone, maxLateness, cancellationToken);

    public Task<PostDetails> ScheduleIntoSlotAsync(
        string workspaceId, string postId, string slotName, int? version, string? planHash, string? timeZone, CancellationToken cancellationToken) =>
        ScheduleIntoSlotAsync(workspaceId, postId, slotName, version, planHash, timeZone, maxLateness: null, cancellationToken);

    /// <summary>
    /// Schedules a post into its platform set's next free queue slot (<paramref name="slotName"/> <c>"next"</c>), chosen in
    /// the same write transaction; a post without its own time zone takes the schedule's. The result names the slot.
    /// </summary>
    public Task<PostDetails> ScheduleIntoSlotAsync(
        string workspaceId, string postId, string slotName, int? version, string? planHash, string? timeZone, TimeSpan? maxLateness,
        CancellationToken cancellationToken) =>
        ScheduleAsync(workspaceId, postId, null, slotName, version, planHash, timeZone, maxLateness, cancellationToken);

    private Task<PostDetails> ScheduleAsync(
        string workspaceId, string postId, DateTimeOffset? requestedFor, string? slotName, int? version, string? planHash, string? timeZone,
        TimeSpan? maxLateness, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var now = time.GetUtcNow();
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            PostChanges.EnsureVersion(post, version);
            EnsureNotAwaitingApproval(post, "be scheduled"); // approval (issue 16): only a decision moves it on
            var (slot, scheduledFor, zone, accounts) = await CheckScheduleAsync(
                session, workspaceId, post, planHash, slotName, requestedFor, timeZone, now, cancellationToken);
            var found = await risks.AssessAsync(session, workspaceId, post.Id, post.Platforms, accounts, scheduledFor, cancellationToken);

            var updated = post with
            {
                Status = PostStatus.Scheduled, ScheduledFor = scheduledFor.ToUniversalTime(), TimeZone = zone, MaxLateness = maxLateness ?? post.MaxLateness,
            };
            var saved = await changes.ChangeAsync(session, post, updated, post.Status == PostStatus.Scheduled ? "rescheduled" : "scheduled",
                $"scheduledFor={scheduledFor.ToUniversalTime():O}", cancellationToken);
            return new PostDetails(saved, targets, Risks: found) { Slot = slot };
        }, cancellationToken);

    /// <summary>
    /// What schedule_post checks before a post may be scheduled (or held for approval to be): the move, the plan, the slot or
    /// time, the zone, the content at that time and the workspace's capacity. Returns where the post would go.
    /// </summary>
    private async Task<(QueueSlot? Slot, DateTimeOffset ScheduledFor, string? Zone, IReadOnlyDictionary<Platform, Account> Accounts)> CheckScheduleAsync(
        IStoreSession session, string workspaceId, Post post, string? planHash, string? slotName, DateTimeOffset? requestedFor, string? timeZone,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        PostChanges.EnsureCanMove(post, PostStatus.Scheduled, "schedule");
        PostPlan.EnsureUnchanged(post, planHash);
        var slot = await TakeSlotAsync(session, workspaceId, post.PlatformSetId, post.Id, slotName, requestedFor, cancellationToken);
        var scheduledFor = slot?.At ?? requestedFor!.Value;
        var zone = PostTimeZones.Check(timeZone) ?? post.TimeZone ?? slot?.TimeZone;
        var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
        // A draft's library media may have been deleted since it was saved (only scheduled posts hold theirs).
        await media.ResolveAsync(session, workspaceId, post.Content, cancellationToken);
        validator.EnsureValid(new RuleContext(new PostDraft(post.Content, post.Platforms, scheduledFor), accounts, now, RulePurpose.Save));
        if (post.Status != PostStatus.Scheduled)
            await quotas.EnsureScheduleCapacityAsync(session, workspaceId, cancellationToken);
        return (slot, scheduledFor, zone, accounts);
    }

    public Task<PostDetails> CancelAsync(string workspaceId, string postId, int? version, CancellationToken cancellationToken) =>
        WriteThenWakeSchedulerAsync(async session =>
        {
            var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
            PostChanges.EnsureVersion(post, version);
            if (post.Status == PostStatus.Publishing)
                throw CannotCancelStartedPublish(targets);
            PostChanges.EnsureCanMove(post, PostStatus.Discarded, "cancel");
            // Approval (issue 16): a waiting post is discarded only if the status it would return to could be (not a live one).
            if (post.Approval is { } held && !PostTransitions.CanMove(held.ReturnStatus, PostStatus.Discarded))
                throw Problems.InvalidTransition(held.ReturnStatus, "cancel", string.Join(", ", PostTransitions.SourcesOf(PostStatus.Discarded).Select(s => s.ToWireName())));
            var saved = await changes.ChangeAsync(session, post, post with { Status = PostStatus.Discarded, Approval = null }, "discarded",
                post.Approval is { } request ? $"approvalRequest={request.Action.ToWireName()} dropped" : null, cancellationToken);
            return new PostDetails(saved, targets);
        }, cancellationToken);

    public Task<PostValidation> ValidateAsync(string workspaceId, ValidatePostCommand command, CancellationToken cancellationToken) =>
        store.ReadAsync(async session =>
        {
            var now = time.GetUtcNow();
            if (command.PostId is { } postId)
            {
                var (post, targets) = await PostChanges.LoadAsync(session, workspaceId, postId, cancellationToken);
                var accounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, post.PlatformSetId, cancellationToken);
                // A stored schedule was checked when it was set; re-check it only while it can still change.
                var scheduledFor = post.Status == PostStatus.Scheduled ? post.ScheduledFor : null;
                var storedMedia = await media.ResolveAsync(session, workspaceId, post.Content, cancellationToken);
                // After a publish, what is left to check is what retry_post would publish: the editable targets' content.
                var editable = targets.Where(t => PostTransitions.IsEditable(post, t)).Select(t => t.Platform).ToList();
                var draft = post.Status is PostStatus.Partial or PostStatus.Failed && editable.Count > 0
                    ? new PostDraft(PostEdits.OnlyFor(storedMedia.Content, post, editable), editable, null)
                    : new PostDraft(storedMedia.Content, post.Platforms, scheduledFor);
                var postRisks = scheduledFor is { } when
                    ? await risks.AssessAsync(session, workspaceId, post.Id, post.Platforms, accounts, when, cancellationToken)
                    : [];
                var postReport = await mediaUrls.AddProblemsAsync(validator.Validate(new RuleContext(draft, accounts, now, RulePurpose.Save)), post.Content, cancellationToken);
                var storedParent = await replyParents.CheckAsync(post.Content, accounts, cancellationToken);
                return new PostValidation(post.Id, storedParent.AddTo(postReport), PostPlan.HashOf(post), WithRisk(postRisks, storedParent.Risk), storedMedia.Probed);
            }

            var create = command.Draft ?? throw new DomainValidationException(
                [new Problem(ErrorCodes.ValidationFailed, "Pass either postId or content and platforms.", "$")]);
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, create.PlatformSetId, cancellationToken);
            var setAccounts = await PostChanges.AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
            if (create.PlatformSetId is null)
                await SandboxFallbackGuard.EnsureNoSilentSandboxAsync(session, workspaceId, set, create.Platforms, setAccounts, cancellationToken);
            var resolved = await media.ResolveAsync(session, workspaceId, create.Content, cancellationToken);
            var report = await mediaUrls.AddProblemsAsync(validator.Validate(new RuleContext(
                new PostDraft(resolved.Content, create.Platforms, create.ScheduledFor), setAccounts, now, RulePurpose.Save)), create.Content, cancellationToken);
            var draftRisks = create.ScheduledFor is { } scheduledAt
                ? await risks.AssessAsync(session, workspaceId, null, create.Platforms, setAccounts, scheduledAt, cancellationToken)
                : [];
            var parent = await replyParents.CheckAsync(resolved.Content, setAccounts, cancellationToken);
            return new PostValidation(null, parent.AddTo(report), PostPlan.HashOf(resolved.Content, create.Platforms, create.ScheduledFor),
                WithRisk(draftRisks, parent.Risk), resolved.Probed);
        }, cancellationToken);

    // ---- helpers -------------------------------------------------------------------------------

    /// <summary>
    /// The queue slot a post asked for with <c>slot</c> (only "next"), or null when it gave a time. Exactly one of the two;
    /// both (or, from a tool, neither) is VALIDATION_FAILED at $.slot.
    /// </summary>
    private async Task<QueueSlot?> TakeSlotAsync(
        IStoreSession session, string workspaceId, string platformSetId, string? postId, string? slotName, DateTimeOffset? scheduledFor,
        CancellationToken cancellationToken)
    {
        if (slotName is null)
            return null;
        if (scheduledFor is not null)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "Pass either scheduledFor or slot, not both.", "$.slot",
                Hint: "Keep slot \"next\" to take the platform set's next free queue slot, or scheduledFor for a time of your own.")]);
        }
        if (slotName != QueueSlots.Next)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, $"slot must be \"{QueueSlots.Next}\".", "$.slot",
                Hint: "Pass \"slot\": \"next\" for the next free slot of the set's posting schedule (get_posting_schedule shows them).")]);
        }
        return await queue.TakeNextAsync(session, workspaceId, platformSetId, postId, cancellationToken);
    }

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

    /// <summary>Refuses forbidden media URLs (a DNS look-up) before the write starts, so no transaction waits on DNS.</summary>
    private async Task<PostDetails> CheckMediaUrlsThenAsync(PostContent? content, Func<Task<PostDetails>> write, CancellationToken cancellationToken)
    {
        await mediaUrls.EnsureAllowedAsync(content, cancellationToken);
        return await write();
    }

    /// <summary>
    /// A reply's parent is read back from its platform (<see cref="ReplyParents"/>) before the write starts, so no transaction
    /// waits on the platform: REPLY_PARENT_NOT_FOUND refuses the change; an unknown answer lets it through. A create whose
    /// idempotencyKey is already stored replays without asking again.
    /// </summary>
    private async Task<PostDetails> CheckReplyParentThenAsync(
        string workspaceId, UpdatePostCommand? update, CreatePostCommand? create, Func<Task<PostDetails>> write, CancellationToken cancellationToken)
    {
        var content = update?.Content ?? create?.Content;
        if (content?.ReplyTo is null)
            return await write();
        var accounts = await store.ReadAsync(async session =>
        {
            if (create?.IdempotencyKey is { } key && await session.IdempotencyKeys.GetAsync(workspaceId, IdempotencyKeys.CreatePost, key, cancellationToken) is not null)
                return null;
            var setId = create is not null ? create.PlatformSetId
                : update!.PlatformSetId ?? (await PostChanges.LoadAsync(session, workspaceId, update.PostId, cancellationToken)).Post.PlatformSetId;
            var set = await PlatformSetLookup.ResolveAsync(session, workspaceId, setId, cancellationToken);
            return await PostChanges.AccountsByPlatformAsync(session, workspaceId, set.Id, cancellationToken);
        }, cancellationToken);
        if (accounts is not null && (await replyParents.CheckAsync(content, accounts, cancellationToken)).Problem is { } problem)
            throw new DomainValidationException([problem]);
        return await write();
    }

    private static IReadOnlyList<ScheduleRisk> WithRisk(IReadOnlyList<ScheduleRisk> risks, ScheduleRisk? risk) => risk is null ? risks : [.. risks, risk];

    /// <summary>
    /// A write that can move the next due time: wakes the scheduler once it has committed, so it reads the change. With
    /// <paramref name="wakeWhen"/>, only when the written post says so: a new draft is never due, and each wake is a whole
    /// scheduler pass (about ten queries), which under a stream of drafts ran once per <c>create_post</c>.
    /// </summary>
    private async Task<PostDetails> WriteThenWakeSchedulerAsync(
        Func<IStoreSession, Task<PostDetails>> work, CancellationToken cancellationToken, Func<PostDetails, bool>? wakeWhen = null)
    {
        var details = await store.WriteAsync(work, cancellationToken);
        if (wakeWhen?.Invoke(details) ?? true)
            schedulerSignal.Poke();
        changeNotifier.PostChanged(details.Post.WorkspaceId, details.Post.Id);
        return details;
    }

    private static List<PostTarget> NewTargets(Post post, IReadOnlyDictionary<Platform, Account> accounts, DateTimeOffset now) =>
        post.Platforms.Select(platform => new PostTarget
        {
            PostId = post.Id,
            Platform = platform,
            AccountId = accounts[platform].Id,
            AccountHandle = accounts[platform].Handle,
            AccountIsSandbox = accounts[platform].IsSandbox,
            Status = TargetStatus.Pending,
            AttemptCount = 0,
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
}
