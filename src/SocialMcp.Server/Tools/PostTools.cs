using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Access;
using SocialMcp.Server.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Queue;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

/// <summary>
/// The post tools. Each maps its arguments, calls <see cref="PostService"/> and maps the result; arguments were
/// validated against the advertised schema before the method runs, and domain errors are translated by
/// <see cref="ToolCallFilter"/>.
/// </summary>
[McpServerToolType]
public sealed class PostTools(
    PostService posts, IWorkspaceContext workspace, BoundedPublish bounded, ReconnectHints reconnectHints, TimeArguments times, PostingQueue queue,
    RunnerPresence runners, ApprovalPrompt approvals)
{
    [McpServerTool(Name = "create_post", Title = "Create a post", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Saves a new post as a draft, or as scheduled when scheduledFor is given. Nothing is published: call publish_post to post now.
        Use validate_post first if you only want to check content without storing it.
        Needs: content.text (or content.thread); platforms (each with a connected account in the platform set, see list_accounts).
        Threads, replies, first comments: content.thread [{text, media, platformOverrides}, ...] (2-25 parts, instead of
        content.text) posts a thread on x and threads, each part replying to the one before; content.firstComment {text} (or
        platformOverrides.{platform}.firstComment) is added right after the post is live (instagram, facebook, linkedin, youtube: a
        comment; x, threads: a self-reply); content.replyTo {platform, platformPostId} answers an existing post (platforms must be
        exactly [that platform]; x, threads: a reply post; facebook, instagram, linkedin: a text-only comment). Each part is checked
        like a single post, problems naming it ($.content.thread[3].text). THREAD_NOT_SUPPORTED / REPLY_NOT_SUPPORTED /
        FIRST_COMMENT_NOT_SUPPORTED: that platform has none (drop it, or post it separately); REPLY_PARENT_NOT_FOUND: the platform
        says the post to reply to does not exist or the account cannot see it (check replyTo.platformPostId).
        Errors: VALIDATION_FAILED (bad argument, see path), NO_PLATFORMS_SELECTED (platforms empty), PLATFORM_NOT_CONNECTED
        (no usable account: drop the platform or pick another platformSetId), SANDBOX_FALLBACK_REFUSED (no platformSetId, and the
        default set has only a sandbox account where the workspace has a real one: pass the platformSetId the hint names),
        CONTENT_TOO_LONG (shorten the text or use platformOverrides.{platform}.text), UNSUPPORTED_MEDIA_TYPE / UNSUPPORTED_MEDIA_CONFIG (fix the media item at path),
        MIXED_MEDIA_NOT_SUPPORTED, INVALID_PLACEMENT, INVALID_SCHEDULE_TIME (outside 1 minute to 60 days ahead),
        SCHEDULE_LIMIT_REACHED (too many scheduled posts: save as draft instead). Returns the post with its id, status and version.
        idempotencyKey (optional, 1-200 characters, e.g. a UUID you make up): send the same key with the same arguments again, e.g.
        after a timeout, and you get the first post back (replayed true) instead of a second one. IDEMPOTENCY_KEY_REUSED: the key
        was used with other arguments; nothing was created: use a new key.
        publishPolicy (optional): partial (default) keeps whatever went out when some platforms fail; all_or_nothing pre-checks
        every platform and takes the ones that went out down again if another fails. toleranceMinutes (optional, 0-1440,
        default 15): how late the post may go out while the server waits for a platform's rate limit or daily cap.
        timeZone (optional, an IANA id such as Europe/Berlin): results then also give each time in that zone (scheduledForLocal,
        publishedAtLocal, createdAtLocal, updatedAtLocal); not an IANA id: VALIDATION_FAILED at $.timeZone.
        scheduledFor: with an offset (2027-03-28T09:00:00+02:00, or Z) or a local time plus timeZone (2027-03-28T09:00:00 with
        timeZone Europe/Berlin); neither: VALIDATION_FAILED with the corrected value in the hint; a local time the clocks skip
        or repeat (DST) is refused with the time(s) to use instead.
        slot "next" (instead of scheduledFor): schedules the post into the next free slot of the platform set's posting
        schedule (set_posting_schedule); the result's slot says which. A post without timeZone takes the schedule's.
        NO_POSTING_SCHEDULE (the set has none: set_posting_schedule), NO_FREE_SLOT (every slot in the window is taken).
        maxLatenessMinutes (optional, 1-10080, default 60, server setting Scheduling:MaxLateness): how late the scheduler may
        still fire the post; found later than that (no SocialMcp process ran at its time), it becomes missed and is never
        published late by itself. When the post is scheduled, the result has runner {alive, kind, lastSeenAt, hint}: whether a
        process that fires posts is alive (see schedule_post).
        """)]
    public async Task<CallToolResult> CreatePost(
        ContentInput content, IReadOnlyList<string> platforms, string? platformSetId = null, string? scheduledFor = null,
        string? idempotencyKey = null, string? publishPolicy = null, int? toleranceMinutes = null, string? timeZone = null,
        string? slot = null, int? maxLatenessMinutes = null, CancellationToken cancellationToken = default)
    {
        var details = await posts.CreateAsync(workspace.WorkspaceId,
            new CreatePostCommand
            {
                Content = content.ToDomain(),
                Platforms = platforms.ToPlatforms()!,
                PlatformSetId = platformSetId,
                ScheduledFor = await times.ForSetAsync(workspace.WorkspaceId, platformSetId, scheduledFor, timeZone, "$.scheduledFor", cancellationToken),
                Slot = slot,
                IdempotencyKey = idempotencyKey,
                Policy = publishPolicy.ToPolicy(),
                Tolerance = toleranceMinutes.ToTolerance(),
                TimeZone = timeZone,
                MaxLateness = maxLatenessMinutes.ToTolerance(),
            }, cancellationToken);
        return ToolResults.Success(await WithRunnerAsync(details.ToResult(), cancellationToken));
    }

    [McpServerTool(Name = "get_post", Title = "Get a post", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Reads one post: its status, version, counts of targets by state, and each platform target's status, platform post id,
        public URL and last error: errorCode, platformError {code, message, httpStatus} as the platform gave it, and nextStep
        {action, text} saying what to do about a failed or needs_reconciliation target (autoRetryAt: when the server retries
        rate-limited targets by itself). A thread's target lists parts [{index, status, platformPostId, publicUrl, errorCode}],
        part 0 being the target itself; a post with a first comment shows firstComment {status, platformCommentId, publicUrl,
        errorCode, platformError} on each target (a failed first comment leaves the post live). Use it to track a publish, to read the current version before update_post, or with
        includeEvents to see its history. With a post timeZone, each time is also given in it (…Local). After an edit of a
        partial post, publishedContent shows what each live target went out with (content is then what the failed targets get).
        Errors: POST_NOT_FOUND (check the id or call list_posts).
        """)]
    public async Task<CallToolResult> GetPost(string postId, bool includeEvents = false, CancellationToken cancellationToken = default)
    {
        var details = await posts.GetAsync(workspace.WorkspaceId, postId, cancellationToken);
        var events = includeEvents ? await posts.GetHistoryAsync(workspace.WorkspaceId, postId, cancellationToken) : null;
        return ToolResults.Success(await reconnectHints.AddAsync(workspace.WorkspaceId, details.ToResult(events), cancellationToken));
    }

    [McpServerTool(Name = "list_posts", Title = "List posts", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Lists posts, newest first, optionally only one status, one platform or one platformSetId. Pages with limit (1-100,
        default 20) and offset; the result has total and nextOffset (absent on the last page). Use get_post for one post's full detail.
        A calendar window: from and to (together; each with an offset, or local times plus timeZone) list the posts whose
        scheduledFor (for posts that went out: their first publishedAt) falls in [from, to), in time order, and freeSlots:
        the free slots of the posting schedule of platformSetId (the default set when omitted) in the window that a post could
        still take (slot "next" takes the first). Drafts without a time are in no window.
        """)]
    public async Task<CallToolResult> ListPosts(
        string? status = null, string? platform = null, int limit = 20, int offset = 0, string? platformSetId = null,
        string? from = null, string? to = null, string? timeZone = null, CancellationToken cancellationToken = default)
    {
        var workspaceId = workspace.WorkspaceId;
        var (start, end) = await WindowAsync(workspaceId, platformSetId, from, to, timeZone, cancellationToken);
        // Also refuses a platform set of another workspace (PLATFORM_SET_NOT_FOUND), window or not.
        var freeSlots = start is null && platformSetId is null ? null
            : await queue.FreeSlotsBetweenAsync(workspaceId, platformSetId, start, end, cancellationToken);
        var query = new PostQuery(status is null ? null : StatusNames.ParsePostStatus(status),
            platform is null ? null : PlatformNames.Parse(platform), limit, offset)
        {
            From = start,
            To = end,
            PlatformSetId = platformSetId,
        };
        var page = await posts.ListAsync(workspaceId, query, cancellationToken);
        var next = offset + page.Posts.Count < page.Total ? offset + page.Posts.Count : (int?)null;
        var summary = $"{page.Posts.Count} of {page.Total} post{(page.Total == 1 ? "" : "s")}" + (next is null ? "." : $"; next page at offset {next}.");
        if (start is not null && freeSlots is not null)
            summary += $" {freeSlots.Count} free slot{(freeSlots.Count == 1 ? "" : "s")} in the window.";
        return ToolResults.Success(new PostListResult(summary, page.Posts.Select(p => p.ToResult()).ToList(), page.Total, limit, offset, next)
        {
            FreeSlots = start is null ? null : freeSlots?.Select(QueueResults.ToResult).ToList(),
        });
    }

    /// <summary>list_posts' window: both ends or none, from before to.</summary>
    private async Task<(DateTimeOffset? From, DateTimeOffset? To)> WindowAsync(
        string workspaceId, string? platformSetId, string? from, string? to, string? timeZone, CancellationToken cancellationToken)
    {
        if (from is null && to is null)
        {
            PostTimeZones.Check(timeZone);
            return (null, null);
        }
        if (from is null || to is null)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "A window needs both from and to.", from is null ? "$.from" : "$.to",
                Hint: "Pass from and to together, e.g. \"from\": \"2027-03-22T00:00:00\", \"to\": \"2027-03-29T00:00:00\", \"timeZone\": \"Europe/Berlin\".")]);
        }
        var start = (await times.ForSetAsync(workspaceId, platformSetId, from, timeZone, "$.from", cancellationToken))!.Value;
        var end = (await times.ForSetAsync(workspaceId, platformSetId, to, timeZone, "$.to", cancellationToken))!.Value;
        if (end <= start)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "to must be after from.", "$.to",
                Hint: "The window is [from, to): pass a to later than from.")]);
        }
        return (start, end);
    }

    [McpServerTool(Name = "update_post", Title = "Update a post, or the failed targets of a published one", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Changes a post: pass the current version (from get_post) and the fields to change; fields you omit stay.
        Draft or scheduled post: any of content (replaces the whole content, thread, firstComment and replyTo included: see
        create_post; an edit of a post with replyTo checks the parent again), platforms, platformSetId, scheduledFor (schedules
        a draft or moves a scheduled post; an offset, or a local time plus timeZone, as in create_post), publishPolicy,
        toleranceMinutes, maxLatenessMinutes (see create_post), timeZone.
        Partial or failed post: fixes its failed targets so retry_post can publish them. Pass content (text, media, linkUrl,
        platformOverrides); it is checked with create_post's rules for the failed platforms only, and nothing is published
        until you call retry_post. Live, withdrawn and needs_reconciliation targets are never touched: get_post keeps showing
        what they went out with in publishedContent. publishPolicy, toleranceMinutes and timeZone may change too; platforms,
        platformSetId and scheduledFor may not. The change is recorded in the post's events (failed_targets_edited: which
        platforms, which fields).
        Errors: VERSION_CONFLICT (the post changed: get_post, then retry with its version), INVALID_STATUS_TRANSITION (published,
        publishing, discarded or withdrawn posts; or platforms, platformSetId, scheduledFor on a partial/failed post),
        TARGET_NOT_EDITABLE (the content changes platformOverrides of a live, withdrawn or needs_reconciliation target, path
        names it: leave that override as it is; a failed thread target's parts that are live already, or its replyTo, at
        $.content.thread[i] or $.content.replyTo: edit only the parts after them; or no target of the post can be edited),
        POST_NOT_FOUND, and create_post's errors.
        """)]
    public async Task<CallToolResult> UpdatePost(
        string postId, int version, ContentInput? content = null, IReadOnlyList<string>? platforms = null, string? platformSetId = null,
        string? scheduledFor = null, string? publishPolicy = null, int? toleranceMinutes = null, string? timeZone = null,
        int? maxLatenessMinutes = null, CancellationToken cancellationToken = default)
    {
        if (content is null && platforms is null && platformSetId is null && scheduledFor is null && publishPolicy is null && toleranceMinutes is null
            && timeZone is null && maxLatenessMinutes is null)
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                "Nothing to change: pass at least one of content, platforms, platformSetId, scheduledFor, publishPolicy, toleranceMinutes, timeZone, maxLatenessMinutes.", "$",
                Hint: "Add the fields you want to change.")]);
        }
        var details = await posts.UpdateAsync(workspace.WorkspaceId,
            new UpdatePostCommand
            {
                PostId = postId,
                Version = version,
                Content = content?.ToDomain(),
                Platforms = platforms.ToPlatforms(),
                PlatformSetId = platformSetId,
                ScheduledFor = await times.ForPostAsync(workspace.WorkspaceId, postId, scheduledFor, timeZone, "$.scheduledFor", cancellationToken),
                Policy = publishPolicy.ToPolicy(),
                Tolerance = toleranceMinutes.ToTolerance(),
                TimeZone = timeZone,
                MaxLateness = maxLatenessMinutes.ToTolerance(),
            }, cancellationToken);
        return ToolResults.Success(details.ToResult());
    }

    [McpServerTool(Name = "cancel_post", Title = "Discard a post", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Discards a draft, scheduled, missed, failed or partial post so it is never published (status discarded; it stays readable).
        It does not take anything down from a platform: use withdraw_post for live posts.
        Errors: INVALID_STATUS_TRANSITION (published, discarded or withdrawn posts; a publishing post once a platform has started:
        the message names each platform's state), VERSION_CONFLICT, POST_NOT_FOUND.
        """)]
    public async Task<CallToolResult> CancelPost(string postId, int? version = null, CancellationToken cancellationToken = default)
    {
        var details = await posts.CancelAsync(workspace.WorkspaceId, postId, version, cancellationToken);
        return ToolResults.Success(details.ToResult());
    }

    [McpServerTool(Name = "validate_post", Title = "Check a post without saving", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsRead, ToolOperation.Read)]
    [Description("""
        Checks a post against every rule without storing or publishing anything: pass either the same arguments as create_post,
        or postId to check a stored post. Returns ok, general problems, and one verdict per platform (ok, counted text length,
        limit, problems with code, path and hint). A failed check is a normal result (ok false), not an error.
        Threads, first comments and replies are checked too (see create_post): each thread part on its own, problems naming it
        ($.content.thread[1].media[0]); THREAD_NOT_SUPPORTED, REPLY_NOT_SUPPORTED, FIRST_COMMENT_NOT_SUPPORTED, and
        REPLY_PARENT_NOT_FOUND when the platform says the post to reply to does not exist. When the platform cannot tell,
        risks has REPLY_PARENT_UNCHECKED: the reply is accepted, but publishing fails if that post does not exist.
        Also returns planHash, a hash of exactly what each platform would receive (text, media, link, settings, thread parts, first
        comment, reply target, time): pass it to
        publish_post or schedule_post so they refuse with PLAN_CHANGED if the post changed after this check.
        With a scheduledFor (or a scheduled postId) it also lists risks, warnings that are not errors: TOKEN_EXPIRES_BEFORE_SCHEDULE,
        PLATFORM_CAP_AT_RISK (the account's daily cap that UTC day), QUOTA_AT_RISK (the workspace's monthly scheduling quota).
        scheduledFor is read as in create_post: an offset, or a local time plus timeZone (IANA).
        Errors: VALIDATION_FAILED (malformed arguments), POST_NOT_FOUND.
        """)]
    public async Task<CallToolResult> ValidatePost(
        string? postId = null, ContentInput? content = null, IReadOnlyList<string>? platforms = null, string? platformSetId = null,
        string? scheduledFor = null, string? timeZone = null, CancellationToken cancellationToken = default)
    {
        if (postId is not null && (content is not null || platforms is not null || platformSetId is not null || scheduledFor is not null))
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                "Pass either postId, or content and platforms (with optional platformSetId, scheduledFor), not both.", "$.postId",
                Hint: "To check changes to a stored post, pass content and platforms without postId.")]);
        }
        var draft = content is null ? null
            : new CreatePostCommand
            {
                Content = content.ToDomain(),
                Platforms = platforms.ToPlatforms() ?? [],
                PlatformSetId = platformSetId,
                ScheduledFor = await times.ForSetAsync(workspace.WorkspaceId, platformSetId, scheduledFor, timeZone, "$.scheduledFor", cancellationToken),
            };
        var validation = await posts.ValidateAsync(workspace.WorkspaceId, new ValidatePostCommand(draft, postId), cancellationToken);
        return ToolResults.Success(validation.ToResult());
    }

    [McpServerTool(Name = "publish_post", Title = "Publish a post now", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = true)]
    [ToolAccess(Scopes.PostsPublish, ToolOperation.Publish)]
    [Description("""
        Publishes a draft, scheduled or missed post now on every target platform and returns the post with each target's outcome
        (published, in_review, failed with errorCode, or needs_reconciliation: the platform could not confirm an earlier attempt,
        see resolve_target). Post status: published (all live), partial (some failed), failed (none).
        Only draft, scheduled and missed posts are published (a missed post only here, when asked: the scheduler never publishes
        it late by itself): any other status is refused and nothing is published, so a post never goes
        out twice; a partial or failed post is never retried here (retry_post does that). Check first with validate_post.
        It waits up to 30 seconds (server setting Scheduling:PublishWait) and sends progress notifications per platform when you
        pass a progressToken; past that it returns the post with status publishing and stillPublishing true, and the publish goes
        on: follow it with get_post. A platform asking to wait (rate limit, daily cap) is waited for within the post's
        toleranceMinutes. An all_or_nothing post lists in rollback what was taken down again after a platform failed.
        Errors: INVALID_STATUS_TRANSITION (path $.postId: not a draft, scheduled or missed post; for a partial or failed post the hint
        names retry_post and the failed platforms, after update_post if their content or media was refused), VERSION_CONFLICT,
        POST_NOT_FOUND, PLATFORM_NOT_CONNECTED and the content errors of create_post. Per-target failures are in the result, not
        errors: each failed target has errorCode, platformError {code, message, httpStatus} (the platform's own answer) and
        nextStep {action, text}; the summary says the steps. CONTENT_REJECTED, MEDIA_UPLOAD_FAILED, DUPLICATE_CONTENT: fix it
        with update_post, then retry_post. AUTH_EXPIRED: give the person the target's reconnectUrl, then retry_post.
        RATE_LIMITED: the server retries the target once by itself at the reset (autoRetryAt); nothing to do. QUOTA_EXHAUSTED:
        retry_post after retryAt. PLATFORM_ERROR: retry_post. needs_reconciliation: check the platform, then resolve_target.
        planHash (optional, from validate_post with this postId): publishes only if the post is still what you validated, else
        PLAN_CHANGED and nothing is published (validate_post again). idempotencyKey (optional, 1-200 characters): repeating the call
        with the same key and arguments returns the post as it is now (replayed true) and publishes nothing again;
        IDEMPOTENCY_KEY_REUSED: that key came with other arguments, nothing was done: use a new key.
        When the server requires approval for publish (Approvals:Required), nothing is published: the post becomes
        awaiting_approval (approval says what waits) until a person decides; a client that can ask the person (form
        elicitation) is asked in this same call, and a yes publishes at once. Otherwise approve_post / reject_post decide.
        """)]
    public async Task<CallToolResult> PublishPost(
        string postId, int? version = null, string? planHash = null, string? idempotencyKey = null,
        RequestContext<CallToolRequestParams>? request = null, CancellationToken cancellationToken = default)
    {
        var (workspaceId, command) = (workspace.WorkspaceId, new PublishPostCommand(postId, version, planHash, idempotencyKey));
        // Approval (issue 16): held under Approvals:Required, or the person's answer through the client.
        if (await approvals.PublishAsync(request!, workspaceId, command, RecordedBy(), cancellationToken) is { } held)
            return held;
        var (details, stillPublishing) = await bounded.RunAsync(workspaceId, postId, request!,
            (steps, ct) => posts.PublishAsync(workspaceId, command, steps, ct), cancellationToken);
        return ToolResults.Success(await reconnectHints.AddAsync(workspaceId, details.ToResult(stillPublishing: stillPublishing), cancellationToken));
    }

    [McpServerTool(Name = "schedule_post", Title = "Schedule a post", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Schedules a draft (or moves a scheduled post, or gives a missed post a new time) to be published at scheduledFor, which must be 1 minute to 60 days ahead:
        ISO 8601 with an offset (2027-03-28T09:00:00+02:00), or a local time plus timeZone (2027-03-28T09:00:00 with
        Europe/Berlin; a time the clocks skip or repeat that day is refused with the time(s) to use). Or, instead of
        scheduledFor, slot "next": the next free slot of the post's platform set's posting schedule (set_posting_schedule),
        chosen so no two posts share one; the result's slot says which, and a post without timeZone takes the schedule's.
        NO_POSTING_SCHEDULE (the set has none), NO_FREE_SLOT (all taken). A workspace holds at most 100 scheduled posts.
        Errors: INVALID_SCHEDULE_TIME (pick a time inside the window), SCHEDULE_LIMIT_REACHED (cancel some or wait),
        INVALID_STATUS_TRANSITION (only drafts, scheduled and missed posts), VERSION_CONFLICT, POST_NOT_FOUND.
        planHash (optional, from validate_post with this postId): schedules only if the post's text, media, link, settings and time
        are still what you validated; otherwise PLAN_CHANGED and nothing changes (validate_post again).
        The result may list risks (the post is scheduled; these are warnings, not errors): TOKEN_EXPIRES_BEFORE_SCHEDULE (ask
        the operator to reconnect before then), PLATFORM_CAP_AT_RISK (pick another day), QUOTA_AT_RISK (pick another month).
        timeZone (optional, IANA id): sets the post's time zone, so the result also gives scheduledForLocal and the other times
        in it (see create_post); not an IANA id: VALIDATION_FAILED at $.timeZone.
        maxLatenessMinutes (optional, 1-10080, default 60): how late the scheduler may still fire it; later, the post becomes
        missed (never published late by itself: publish_post it now, schedule_post it again, or cancel_post it).
        The result has runner {alive, kind, lastSeenAt, hint}: whether a process that fires scheduled posts is alive. kind
        service: the background runner (socialmcp service), posts fire with no agent connected. Otherwise hint says the post
        fires only while a SocialMcp server runs: pass it on to the person (the operator runs socialmcp service install once).
        When the server requires approval for schedule (Approvals:Required), the post becomes awaiting_approval with the
        time asked and is scheduled only once a person approves (asked in this call when your client can, see publish_post).
        """)]
    public async Task<CallToolResult> SchedulePost(
        string postId, string? scheduledFor = null, int? version = null, string? planHash = null, string? timeZone = null, string? slot = null,
        int? maxLatenessMinutes = null, RequestContext<CallToolRequestParams>? request = null, CancellationToken cancellationToken = default)
    {
        if ((scheduledFor is null) == (slot is null))
        {
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
                "Pass exactly one of scheduledFor and slot.", slot is null ? "$.scheduledFor" : "$.slot",
                Hint: "scheduledFor for a time of your own (e.g. 2027-03-28T09:00:00+02:00), or slot \"next\" for the next free slot of the posting schedule.")]);
        }
        var workspaceId = workspace.WorkspaceId;
        var maxLateness = maxLatenessMinutes.ToTolerance();
        // Approval (issue 16): held under Approvals:Required, or the person's answer through the client.
        var requested = scheduledFor is null || request?.Params?.RequestState is not null ? (DateTimeOffset?)null
            : await times.ForPostAsync(workspaceId, postId, scheduledFor, timeZone, "$.scheduledFor", cancellationToken);
        if (await approvals.ScheduleAsync(request!, workspaceId, postId, requested, slot, version, planHash, timeZone, maxLateness, RecordedBy(),
                cancellationToken) is { } held)
            return held;
        var details = slot is not null
            ? await posts.ScheduleIntoSlotAsync(workspaceId, postId, slot, version, planHash, timeZone, maxLateness, cancellationToken)
            : await posts.ScheduleAsync(workspaceId, postId,
                requested!.Value,
                version, planHash, timeZone, maxLateness, cancellationToken);
        return ToolResults.Success(await WithRunnerAsync(details.ToResult(), cancellationToken));
    }

    [McpServerTool(Name = "unschedule_post", Title = "Put a scheduled post back to draft", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsWrite, ToolOperation.Create)]
    [Description("""
        Puts a scheduled (or missed) post back to draft: its scheduledFor is cleared and it will not fire; content and targets
        stay. Pass the version you read (get_post). Works as long as nothing has started: once the scheduler has begun
        publishing it, the call is refused and the post goes out (withdraw_post takes it down afterwards). schedule_post or
        publish_post later sends the draft.
        Errors: INVALID_STATUS_TRANSITION (not scheduled or missed, e.g. already publishing or published: the hint says what to
        do instead), VERSION_CONFLICT (get_post, then call again with its version), POST_NOT_FOUND.
        """)]
    public async Task<CallToolResult> UnschedulePost(string postId, int version, CancellationToken cancellationToken = default)
    {
        var details = await posts.UnscheduleAsync(workspace.WorkspaceId, postId, version, cancellationToken);
        return ToolResults.Success(details.ToResult());
    }

    /// <summary>For a scheduled post: whether a runner that fires it is alive, and what to do when none is.</summary>
    private async Task<PostResult> WithRunnerAsync(PostResult result, CancellationToken cancellationToken)
    {
        if (result.Status != PostStatus.Scheduled.ToWireName())
            return result;
        var runner = await runners.CheckAsync(cancellationToken);
        return result with
        {
            Runner = RunnerResult.From(runner),
            Summary = runner.Hint is null ? result.Summary : $"{result.Summary} {runner.Hint}",
        };
    }

    [McpServerTool(Name = "withdraw_post", Title = "Take a published post down", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = true)]
    [ToolAccess(Scopes.PostsPublish, ToolOperation.Publish)]
    [Description("""
        Takes a published or partial post down from its platforms (all live targets, or only those in platforms) and marks
        those targets withdrawn; the post becomes withdrawn when nothing of it is live any more.
        Errors: WITHDRAW_NOT_SUPPORTED (that platform's API cannot delete posts: instagram, tiktok; nothing was changed. The
        hint says what the person must do: open the post's URL signed in as the account, delete it in that platform's app or
        website, then call resolve_target with outcome withdrawn_manually; and which platforms withdraw_post can still take
        down), INVALID_STATUS_TRANSITION (nothing live, or a named target is not live), VERSION_CONFLICT, POST_NOT_FOUND.
        Per-platform failures are listed in withdrawals.
        A thread comes down last part first, then its head; a first comment that is a post of its own (x, threads self-reply)
        comes down before the parts, and a comment on facebook, instagram, linkedin or youtube goes with its post. Each part
        taken down is marked withdrawn at once; a part that will not come down is named in withdrawals and leaves the target live.
        A thread target that failed part-way (its first parts live, the post partial) comes down the same way.
        When the server requires approval for withdraw (Approvals:Required), nothing comes down until a person approves:
        the post is awaiting_approval meanwhile (still live), withdrawals is empty (asked in this call when your client can).
        """)]
    public async Task<CallToolResult> WithdrawPost(
        string postId, IReadOnlyList<string>? platforms = null, int? version = null, RequestContext<CallToolRequestParams>? request = null,
        CancellationToken cancellationToken = default)
    {
        // Approval (issue 16): held under Approvals:Required, or the person's answer through the client.
        if (await approvals.WithdrawAsync(request!, workspace.WorkspaceId, postId, platforms.ToPlatforms(), version, RecordedBy(), cancellationToken) is { } held)
            return held;
        var result = await posts.WithdrawAsync(workspace.WorkspaceId, postId, platforms.ToPlatforms(), version, cancellationToken);
        return ToolResults.Success(result.ToResult());
    }

    [McpServerTool(Name = "retry_post", Title = "Retry failed targets", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = true)]
    [ToolAccess(Scopes.PostsPublish, ToolOperation.Publish)]
    [Description("""
        Publishes again only the failed targets of a partial or failed post (all of them, or those in platforms); targets
        already live are never posted again (nor needs_reconciliation ones: resolve_target first; nor withdrawn ones, except
        the targets an all_or_nothing rollback took down, which go up again with the rest). Returns the post with each
        target's outcome, waiting and reporting progress like publish_post. A target that fails again carries its platformError
        and nextStep as in publish_post. Retrying a content or media refusal without changing it (update_post) fails the same way.
        A thread continues from its first part that is not live: parts already live are never posted again. A live target
        whose first comment failed (the post published or partial, the target's firstComment failed) gets that comment alone:
        the post is never re-posted, and the post's status stays as it is.
        Errors: INVALID_STATUS_TRANSITION (post not partial/failed nor published with a failed first comment, or a named target
        did not fail), VERSION_CONFLICT, POST_NOT_FOUND.
        """)]
    public async Task<CallToolResult> RetryPost(
        string postId, IReadOnlyList<string>? platforms = null, int? version = null,
        RequestContext<CallToolRequestParams>? request = null, CancellationToken cancellationToken = default)
    {
        var (workspaceId, chosen) = (workspace.WorkspaceId, platforms.ToPlatforms());
        var (details, stillPublishing) = await bounded.RunAsync(workspaceId, postId, request!,
            (steps, ct) => posts.RetryAsync(workspaceId, postId, chosen, version, steps, ct), cancellationToken);
        return ToolResults.Success(await reconnectHints.AddAsync(workspaceId, details.ToResult(stillPublishing: stillPublishing), cancellationToken));
    }

    [McpServerTool(Name = "resolve_target", Title = "Record what a person found on the platform", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [ToolAccess(Scopes.PostsPublish, ToolOperation.Publish)]
    [Description("""
        Records what a person found on a platform, for one target. Calls nothing on the platform.
        A needs_reconciliation target: an earlier attempt may have reached the platform, and the platform could not tell
        whether it created the post, so the server will not publish it again by itself (that could post twice). Check the
        account on the platform (the target's errorMessage says what to look for), then call this with outcome published and
        the platformPostId you found, or outcome not_published (the target becomes failed; retry_post then publishes it).
        A published or in_review target that a person deleted on the platform by hand (instagram and tiktok cannot delete
        through their APIs, see withdraw_post): outcome withdrawn_manually; the target becomes withdrawn, the event
        target_withdrawn_manually records who and when, and the post becomes withdrawn when nothing of it is live any more.
        Errors: INVALID_STATUS_TRANSITION (the target is not needs_reconciliation, or for withdrawn_manually not live; the post
        is not published/partial), VALIDATION_FAILED (published without platformPostId), VERSION_CONFLICT, POST_NOT_FOUND.
        """)]
    public async Task<CallToolResult> ResolveTarget(
        string postId, string platform, string outcome, string? platformPostId = null, string? publicUrl = null, int? version = null,
        CancellationToken cancellationToken = default)
    {
        var details = await posts.ResolveTargetAsync(workspace.WorkspaceId, new ResolveTargetCommand(postId, PlatformNames.Parse(platform),
            TargetResolutions.ParseTargetResolution(outcome), platformPostId, publicUrl, version, RecordedBy()), cancellationToken);
        return ToolResults.Success(details.ToResult());
    }

    /// <summary>Who records a manual change, for its event: the API key's id (never the key), or the local operator.</summary>
    private string RecordedBy() => ApprovalPrompt.CallerName(workspace);
}
