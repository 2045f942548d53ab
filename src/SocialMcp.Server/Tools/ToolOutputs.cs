using SocialMcp.Core.Accounts;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Validation;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

// What tools return: small, structured, with a one-line summary. Serialized with SocialJson (camelCase, nulls omitted).

public sealed record TargetResult
{
    public required string Platform { get; init; }
    public required string Status { get; init; }
    public required string AccountId { get; init; }
    public string? AccountHandle { get; init; }

    /// <summary>The target's account is a sandbox account: nothing went anywhere real (url <c>sandbox://…</c>).</summary>
    public required bool Sandbox { get; init; }
    public string? PlatformPostId { get; init; }
    public string? Url { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public required int Attempts { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? AttemptId { get; init; }
    /// <summary>With AUTH_EXPIRED: a fresh signed link that reconnects the target's account (omitted when the server cannot make one).</summary>
    public string? ReconnectUrl { get; init; }
    /// <summary><see cref="UpdatedAt"/> in the post's time zone; omitted when the post has none.</summary>
    public DateTimeOffset? UpdatedAtLocal { get; init; }
    /// <summary><see cref="PublishedAt"/> in the post's time zone; omitted when the post has none.</summary>
    public DateTimeOffset? PublishedAtLocal { get; init; }

    /// <summary>The platform's own answer to a failed attempt, as it gave it (scrubbed of credentials); omitted when there was none.</summary>
    public PlatformErrorResult? PlatformError { get; init; }

    /// <summary>With RATE_LIMITED or QUOTA_EXHAUSTED: when the platform takes calls again, as it said.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>On a failed or needs_reconciliation target: what to do about it (<see cref="NextSteps"/>).</summary>
    public NextStepResult? NextStep { get; init; }

    /// <summary>A thread's parts on this platform, in order: part 0 is the target itself, later parts its steps; omitted for a single post.</summary>
    public IReadOnlyList<PartResult>? Parts { get; init; }

    /// <summary>The first comment on this platform, when the post has one for it.</summary>
    public FirstCommentResult? FirstComment { get; init; }

    /// <summary>
    /// A published target's read-back (issue 16): verified, not_visible, pending (not read back yet), unverified (read-backs
    /// could not tell so far) or unavailable (the platform's API cannot read posts back); omitted for other statuses.
    /// </summary>
    public string? Verification { get; init; }

    /// <summary>When a read-back found the post live.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    /// <summary>When a read-back found the post gone, private or not found, and the platform's reason.</summary>
    public NotVisibleResult? NotVisible { get; init; }

    /// <summary>Read-backs tried so far; omitted when none was.</summary>
    public int? VerifyAttempts { get; init; }
}

/// <summary>A published target that a read-back did not find: when, and what the platform said.</summary>
public sealed record NotVisibleResult(DateTimeOffset At, string? Reason);

/// <summary>One thread part on one platform: its own status, id and URL, and its error when it did not go out.</summary>
public sealed record PartResult
{
    public required int Index { get; init; }
    public required string Status { get; init; }
    public string? PlatformPostId { get; init; }
    public string? PublicUrl { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
}

/// <summary>A first comment on one platform: published after the post as a step of its own; its failure leaves the post live.</summary>
public sealed record FirstCommentResult
{
    public required string Status { get; init; }
    public string? PlatformCommentId { get; init; }
    public string? PublicUrl { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public PlatformErrorResult? PlatformError { get; init; }
}

/// <summary>
/// A post's content as the agent gave it: text (with media) or thread, the overrides, firstComment and replyTo. A thread's part 0 is
/// not repeated as text: the overrides show the content-level first comments only, as given.
/// </summary>
public sealed record ContentResult
{
    public string? Text { get; init; }
    public IReadOnlyList<MediaItem>? Media { get; init; }
    public string? LinkUrl { get; init; }
    public required IReadOnlyDictionary<Platform, PlatformOverride> PlatformOverrides { get; init; }
    public IReadOnlyList<ThreadPart>? Thread { get; init; }
    public FirstComment? FirstComment { get; init; }
    public ReplyTarget? ReplyTo { get; init; }

    public static ContentResult From(PostContent content) => content.Thread is { } thread
        ? new ContentResult
        {
            LinkUrl = content.LinkUrl,
            PlatformOverrides = content.PlatformOverrides.Where(p => p.Value.FirstComment is not null)
                .ToDictionary(p => p.Key, p => new PlatformOverride(FirstComment: p.Value.FirstComment)),
            Thread = thread,
            FirstComment = content.FirstComment,
            ReplyTo = content.ReplyTo,
        }
        : new ContentResult
        {
            Text = content.Text,
            Media = content.Media,
            LinkUrl = content.LinkUrl,
            PlatformOverrides = content.PlatformOverrides,
            FirstComment = content.FirstComment,
            ReplyTo = content.ReplyTo,
        };

    public static implicit operator ContentResult(PostContent content) => From(content);
}

/// <summary>A platform's error: its own code (as text: Meta's "100" or "36000/2207004", X's "duplicate-rules"), message and HTTP status.</summary>
public sealed record PlatformErrorResult(string? Code, string? Message, int? HttpStatus);

/// <summary>What to do about a target that did not go out: <c>action</c> to branch on (llm.txt lists them), <c>text</c> to follow.</summary>
public sealed record NextStepResult(string Action, string Text);

/// <summary>How many of a post's targets are in each state, counted from the targets themselves.</summary>
public sealed record TargetCountsResult
{
    public required int Live { get; init; }
    public required int Withdrawn { get; init; }
    public required int Failed { get; init; }
    public required int NeedsReconciliation { get; init; }
    public required int Pending { get; init; }
    public required int Publishing { get; init; }
}

/// <summary>What an all_or_nothing publish did to a target that went out when another failed.</summary>
public sealed record RollbackResult(string Platform, bool Withdrawn, string? ErrorCode, string Message);

public sealed record EventResult
{
    public required string Type { get; init; }
    public string? Platform { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public required int Version { get; init; }
    public string? Detail { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>A held action (issue 16): what waits, since when, for whom, and how a person decides.</summary>
public sealed record ApprovalRequestResult(
    string Action, string ReturnStatus, DateTimeOffset RequestedAt, string? RequestedBy, DateTimeOffset? ScheduledFor, string HowToDecide);

public sealed record PostResult
{
    public required string Summary { get; init; }
    public required string Id { get; init; }
    public required string Status { get; init; }
    public required int Version { get; init; }
    public required string PlatformSetId { get; init; }
    public required IReadOnlyList<string> Platforms { get; init; }
    public required ContentResult Content { get; init; }
    public DateTimeOffset? ScheduledFor { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required IReadOnlyList<TargetResult> Targets { get; init; }
    public IReadOnlyList<EventResult>? Events { get; init; }
    public bool? Replayed { get; init; }
    public IReadOnlyList<RiskResult>? Risks { get; init; }
    public string PublishPolicy { get; init; } = PublishPolicyNames.Partial;
    public int? ToleranceMinutes { get; init; }
    public IReadOnlyList<RollbackResult>? Rollback { get; init; }
    public bool? StillPublishing { get; init; }

    /// <summary>The post's IANA time zone; the *Local times are in it. Omitted (with them) when the post has none.</summary>
    public string? TimeZone { get; init; }
    public DateTimeOffset? ScheduledForLocal { get; init; }
    public DateTimeOffset? CreatedAtLocal { get; init; }
    public DateTimeOffset? UpdatedAtLocal { get; init; }

    /// <summary>
    /// After an edit of a partial or failed post: what each target the edit could not touch (live, withdrawn,
    /// needs_reconciliation) went out with, by platform; <see cref="Content"/> is then what the failed targets get.
    /// </summary>
    public IReadOnlyDictionary<string, PublishedContent>? PublishedContent { get; init; }
    /// <summary>Targets by state: what the summary counts.</summary>
    public required TargetCountsResult Counts { get; init; }

    /// <summary>When the server retries the rate-limited targets by itself, once (omitted when it will not).</summary>
    public DateTimeOffset? AutoRetryAt { get; init; }

    /// <summary>The queue slot this call scheduled the post into (slot "next"); omitted otherwise.</summary>
    public QueueSlotResult? Slot { get; init; }

    /// <summary>While the post is awaiting_approval (issue 16): the action it waits to carry out; omitted otherwise.</summary>
    public ApprovalRequestResult? Approval { get; init; }

    /// <summary>The post's own lateness (maxLatenessMinutes); omitted when it uses Scheduling:MaxLateness.</summary>
    public int? MaxLatenessMinutes { get; init; }

    /// <summary>schedule_post, and create_post when it schedules: whether a process that fires scheduled posts is alive.</summary>
    public RunnerResult? Runner { get; init; }
}

/// <summary>Whether a scheduler runner is alive (<see cref="RunnerReport"/>): the background service, or else a server.</summary>
public sealed record RunnerResult(bool Alive, string? Kind, DateTimeOffset? LastSeenAt, string? Hint)
{
    public static RunnerResult From(RunnerReport report) => new(report.Alive, report.Kind, report.LastSeenAt, report.Hint);
}

/// <summary>A risk schedule_post or validate_post reports: not an error, the call succeeded; see the Risks section of llm.txt.</summary>
public sealed record RiskResult(string Code, string Message, string? Platform, string? Path)
{
    public static RiskResult From(ScheduleRisk risk) => new(risk.Code, risk.Message, risk.Platform?.ToWireName(), risk.Path);
}

public sealed record PostListResult(string Summary, IReadOnlyList<PostResult> Posts, int Total, int Limit, int Offset, int? NextOffset)
{
    /// <summary>With a from/to window: the free slots of the set's posting schedule in it; omitted without a window or a schedule.</summary>
    public IReadOnlyList<QueueSlotResult>? FreeSlots { get; init; }
}

public sealed record VerdictResult(string Platform, bool Ok, int TextLength, int MaxTextLength, IReadOnlyList<ProblemDto> Problems);

public sealed record ValidationResultDto
{
    public required string Summary { get; init; }
    public required bool Ok { get; init; }
    public string? PostId { get; init; }
    public required IReadOnlyList<ProblemDto> Problems { get; init; }
    public required IReadOnlyList<VerdictResult> Platforms { get; init; }
    public required string PlanHash { get; init; }
    public IReadOnlyList<RiskResult>? Risks { get; init; }

    /// <summary>What was read from each library file the post names (mediaId items); absent without any.</summary>
    public IReadOnlyList<Core.Media.ProbedMediaItem>? Media { get; init; }
}

public sealed record WithdrawalResult(string Platform, bool Ok, string? ErrorCode, string? ErrorMessage);

public sealed record WithdrawResultDto(string Summary, PostResult Post, IReadOnlyList<WithdrawalResult> Withdrawals);

public sealed record AccountResult
{
    public required string Id { get; init; }
    public required string Platform { get; init; }
    public required string Handle { get; init; }
    public required string PlatformAccountId { get; init; }
    public required string PlatformSetId { get; init; }
    public required bool Sandbox { get; init; }
    /// <summary>healthy, expiring or reconnect_required (<see cref="SocialMcp.Core.Domain.TokenHealth"/>).</summary>
    public required string TokenHealth { get; init; }
    public DateTimeOffset? TokenExpiresAt { get; init; }
    /// <summary>Refreshes that failed in a row; omitted when none did.</summary>
    public int? RefreshFailures { get; init; }
    /// <summary>The last refresh failure: a platform error code or short text, never a token.</summary>
    public string? LastRefreshError { get; init; }
    public DateTimeOffset? LastRefreshedAt { get; init; }
    /// <summary>A fresh signed connect link for this account's platform and set (renews it in place); omitted when the server cannot make one.</summary>
    public string? ReconnectUrl { get; init; }
}

public sealed record AccountListResult(string Summary, IReadOnlyList<AccountResult> Accounts);

public sealed record PlatformSetResult(string Id, string Name, bool IsDefault, int AccountCount, DateTimeOffset CreatedAt);

public sealed record PlatformSetListResult(string Summary, IReadOnlyList<PlatformSetResult> PlatformSets);

internal static class OutputMapping
{
    public static PostResult ToResult(this PostDetails details, IReadOnlyList<PostEvent>? events = null, bool stillPublishing = false)
    {
        var (post, targets) = (details.Post, details.Targets);
        var zone = PostTimeZones.Find(post.TimeZone);
        var summary = details.Replayed ? "Replayed for a repeated idempotencyKey; nothing new was done. " + Summarize(details) : Summarize(details);
        if (details.Risks is { Count: > 0 } risks)
            summary += $" {RisksSummary(risks)}";
        if (details.Rollback is { Count: > 0 } rollback)
            summary += $" all_or_nothing: {RollbackSummary(rollback)}";
        if (stillPublishing)
            summary += " Still publishing after the wait; it goes on in the background: follow it with get_post.";
        if (details.Slot is { } slot)
            summary += $" Took the queue slot {QueueResults.ZonedText(slot)}.";
        return new PostResult
        {
            Summary = summary,
            Id = post.Id,
            Status = post.Status.ToWireName(),
            Version = post.Version,
            PlatformSetId = post.PlatformSetId,
            Platforms = post.Platforms.Select(p => p.ToWireName()).ToList(),
            Content = ContentResult.From(post.Content),
            ScheduledFor = post.ScheduledFor,
            CreatedAt = post.CreatedAt,
            UpdatedAt = post.UpdatedAt,
            Targets = targets.Select(t => new TargetResult
            {
                PlatformError = t.PlatformErrorCode is null && t.PlatformErrorMessage is null && t.PlatformHttpStatus is null
                    ? null
                    : new PlatformErrorResult(t.PlatformErrorCode, t.PlatformErrorMessage, t.PlatformHttpStatus),
                RetryAt = t.Status == TargetStatus.Failed ? t.RetryAt : null,
                NextStep = NextSteps.For(t, post.AutoRetryAt) is { } step ? new NextStepResult(step.Action, step.Text) : null,
                Platform = t.Platform.ToWireName(),
                Status = t.Status.ToWireName(),
                AccountId = t.AccountId,
                AccountHandle = t.AccountHandle,
                Sandbox = t.AccountIsSandbox ?? false,
                PlatformPostId = t.PlatformPostId,
                Url = t.PublicUrl,
                ErrorCode = t.ErrorCode,
                ErrorMessage = t.ErrorMessage,
                Attempts = t.AttemptCount,
                UpdatedAt = t.UpdatedAt,
                PublishedAt = t.PublishedAt,
                AttemptId = t.AttemptId,
                UpdatedAtLocal = PostTimeZones.InZone(t.UpdatedAt, zone),
                PublishedAtLocal = PostTimeZones.InZone(t.PublishedAt, zone),
                Parts = PartsOf(post, t),
                FirstComment = FirstCommentOf(post, t),
                Verification = VerificationOf(t),
                VerifiedAt = t.VerifiedAt,
                NotVisible = t.NotVisibleAt is { } hidden ? new NotVisibleResult(hidden, t.NotVisibleReason) : null,
                VerifyAttempts = t.VerifyAttempts > 0 ? t.VerifyAttempts : null,
            }).ToList(),
            Events = events?.Select(e => new EventResult
            {
                Type = e.EventType,
                Platform = e.Platform?.ToWireName(),
                From = e.FromStatus,
                To = e.ToStatus,
                Version = e.PostVersion,
                Detail = e.Detail,
                At = e.OccurredAt,
            }).ToList(),
            Replayed = details.Replayed ? true : null,
            Risks = ToResults(details.Risks),
            PublishPolicy = post.Policy.ToWireName(),
            ToleranceMinutes = post.Tolerance is { } tolerance ? (int)tolerance.TotalMinutes : null,
            Rollback = details.Rollback?.Select(r => new RollbackResult(r.Platform.ToWireName(), r.Withdrawn, r.ErrorCode, r.Message)).ToList(),
            StillPublishing = stillPublishing ? true : null,
            TimeZone = zone is null ? null : post.TimeZone,
            ScheduledForLocal = PostTimeZones.InZone(post.ScheduledFor, zone),
            CreatedAtLocal = PostTimeZones.InZone(post.CreatedAt, zone),
            UpdatedAtLocal = PostTimeZones.InZone(post.UpdatedAt, zone),
            PublishedContent = post.PublishedContent is { Count: > 0 } frozen
                ? frozen.Where(p => post.Platforms.Contains(p.Key)).OrderBy(p => post.Platforms.ToList().IndexOf(p.Key))
                    .ToDictionary(p => p.Key.ToWireName(), p => p.Value)
                : null,
            Counts = CountsOf(targets),
            AutoRetryAt = post.AutoRetryAt,
            Slot = details.Slot?.ToResult(),
            Approval = post.Status == PostStatus.AwaitingApproval && post.Approval is { } held
                ? new ApprovalRequestResult(held.Action.ToWireName(), held.ReturnStatus.ToWireName(), held.RequestedAt, held.RequestedBy, held.ScheduledFor,
                    ApprovalHow)
                : null,
            MaxLatenessMinutes = post.MaxLateness is { } lateness ? (int)lateness.TotalMinutes : null,
        };
    }

    /// <summary>The read-back state of a published target (<see cref="TargetResult.Verification"/>); null for other statuses.</summary>
    private static string? VerificationOf(PostTarget target) => target switch
    {
        { NotVisibleAt: not null } => "not_visible",
        { VerifiedAt: not null } => "verified",
        { Status: not TargetStatus.Published } => null,
        _ when !SocialMcp.Core.Publishing.PublicationVerifier.CanVerify(target.Platform) => "unavailable",
        { VerifyAttempts: > 0 } => "unverified",
        _ => "pending",
    };

    /// <summary>Part 0 from the target row, later parts from its steps (pending until the ledger has planned or published them).</summary>
    private static List<PartResult>? PartsOf(Post post, PostTarget target)
    {
        if (post.Content.Thread is not { } thread)
            return null;
        var parts = new List<PartResult>(thread.Count)
        {
            new()
            {
                Index = 0, Status = target.Status.ToWireName(), PlatformPostId = target.PlatformPostId, PublicUrl = target.PublicUrl,
                ErrorCode = target.ErrorCode, ErrorMessage = target.ErrorMessage,
            },
        };
        for (var index = 1; index < thread.Count; index++)
        {
            var step = target.Steps.FirstOrDefault(s => s.Kind == TargetStepKind.Part && s.Index == index);
            parts.Add(new PartResult
            {
                Index = index,
                Status = (step?.Status ?? TargetStatus.Pending).ToWireName(),
                PlatformPostId = step?.PlatformPostId,
                PublicUrl = step?.PublicUrl,
                ErrorCode = step?.ErrorCode,
                ErrorMessage = step?.ErrorMessage,
            });
        }
        return parts;
    }

    private static FirstCommentResult? FirstCommentOf(Post post, PostTarget target)
    {
        var step = target.Steps.FirstOrDefault(s => s.Kind == TargetStepKind.Comment);
        if (step is null && post.Content.FirstCommentFor(target.Platform) is null)
            return null;
        return new FirstCommentResult
        {
            Status = (step?.Status ?? TargetStatus.Pending).ToWireName(),
            PlatformCommentId = step?.PlatformPostId,
            PublicUrl = step?.PublicUrl,
            ErrorCode = step?.ErrorCode,
            ErrorMessage = step?.ErrorMessage,
            PlatformError = step is null || (step.PlatformErrorCode is null && step.PlatformErrorMessage is null && step.PlatformHttpStatus is null)
                ? null
                : new PlatformErrorResult(step.PlatformErrorCode, step.PlatformErrorMessage, step.PlatformHttpStatus),
        };
    }

    /// <summary>A first comment that failed leaves its post live: said apart, so the post is not read as failed, nor the comment as posted.</summary>
    private static string FirstCommentNote(PostDetails details)
    {
        var failed = details.Targets
            .Select(t => (t.Platform, Step: t.Steps.FirstOrDefault(s => s.Kind == TargetStepKind.Comment && s.Status == TargetStatus.Failed)))
            .Where(x => x.Step is not null)
            .Select(x => x.Step!.ErrorCode is { } code ? $"{x.Platform.ToWireName()}: {code}" : x.Platform.ToWireName())
            .ToList();
        return failed.Count == 0 ? "" : $" First comment failed ({string.Join(", ", failed)}); the post itself is live there: see targets[].firstComment.";
    }

    public static TargetCountsResult CountsOf(IReadOnlyCollection<PostTarget> targets) => new()
    {
        Live = targets.Count(t => t.Status.IsLive()),
        Withdrawn = targets.Count(t => t.Status == TargetStatus.Withdrawn),
        Failed = targets.Count(t => t.Status == TargetStatus.Failed),
        NeedsReconciliation = targets.Count(t => t.Status == TargetStatus.NeedsReconciliation),
        Pending = targets.Count(t => t.Status == TargetStatus.Pending),
        Publishing = targets.Count(t => t.Status == TargetStatus.Publishing),
    };

    private static string RollbackSummary(IReadOnlyList<RolledBackTarget> rollback)
    {
        var down = rollback.Where(r => r.Withdrawn).Select(r => r.Platform.ToWireName()).ToList();
        var stillLive = rollback.Where(r => !r.Withdrawn).Select(r => r.Platform.ToWireName()).ToList();
        return (down.Count > 0 ? $"taken down again on {string.Join(", ", down)}." : "")
            + (stillLive.Count > 0 ? $" Still live on {string.Join(", ", stillLive)} (see rollback)." : "");
    }

    // Omitted (null) rather than empty, so results without risks keep their shape.
    private static List<RiskResult>? ToResults(IReadOnlyList<ScheduleRisk>? risks) =>
        risks is { Count: > 0 } ? risks.Select(RiskResult.From).ToList() : null;

    private static string RisksSummary(IReadOnlyList<ScheduleRisk> risks) =>
        $"{risks.Count} risk{(risks.Count == 1 ? "" : "s")} at the scheduled time: {string.Join(", ", risks.Select(r => r.Code).Distinct())}.";

    public static string Summarize(PostDetails details) => SummarizeStatus(details) + FirstCommentNote(details) + SandboxNote(details);

    /// <summary>Says so whenever a target goes to the sandbox, so no one reads a sandbox publish as a real one.</summary>
    private static string SandboxNote(PostDetails details)
    {
        var sandbox = details.Targets.Where(t => t.AccountIsSandbox == true).Select(t => t.Platform.ToWireName()).ToList();
        if (sandbox.Count == 0)
            return "";
        var where = sandbox.Count == details.Targets.Count ? "every platform" : string.Join(", ", sandbox);
        return $" Sandbox on {where}: nothing is posted anywhere real (sandbox:// URLs).";
    }

    private const string ApprovalHow =
        "A person approves with approve_post or rejects with reject_post (a key with the posts:approve scope), or through your "
        + "client when it can ask them (elicitation).";

    private static string SummarizeStatus(PostDetails details)
    {
        var post = details.Post;
        var platforms = string.Join(", ", post.Platforms.Select(p => p.ToWireName()));
        return post.Status switch
        {
            PostStatus.Draft => $"Draft for {platforms} (version {post.Version}).",
            PostStatus.Scheduled => $"Scheduled for {post.ScheduledFor:O} on {platforms} (version {post.Version}).",
            PostStatus.Publishing => $"Publishing to {platforms}: {TargetStates(details.Targets)}.",
            PostStatus.Published => $"Published: {TargetStates(details.Targets)}.{NextStepsSummary(details)}",
            PostStatus.Partial => $"Partly published: {TargetStates(details.Targets)}.{NextStepsSummary(details)}",
            PostStatus.Failed => $"Publishing failed: {TargetStates(details.Targets)}.{NextStepsSummary(details)}",
            PostStatus.Discarded => "Discarded; it will not be published.",
            PostStatus.Missed => $"Missed: it was due at {post.ScheduledFor:O} and no runner fired it within its lateness, so it was not "
                + "published late. publish_post sends it now, schedule_post gives it a new time, cancel_post discards it.",
            PostStatus.Withdrawn => $"Withdrawn: {TargetStates(details.Targets)}.{NextStepsSummary(details)}",
            PostStatus.AwaitingApproval => $"Awaiting approval to {post.Approval?.Action.ToWireName()}"
                + (post.Approval?.ScheduledFor is { } at ? $" at {at:O}" : "") + $" on {platforms}: nothing reaches a platform until a person decides. "
                + ApprovalHow,
            _ => post.Status.ToWireName(),
        };
    }

    // Live first, then the rest in a fixed order; failed targets name their code. Counted from the targets, never from the
    // post's status, so a withdrawn target is never read as published.
    private static readonly (string Label, Func<PostTarget, bool> Is)[] States =
    [
        ("live", t => t.Status.IsLive()),
        ("withdrawn", t => t.Status == TargetStatus.Withdrawn),
        ("failed", t => t.Status == TargetStatus.Failed),
        ("needs_reconciliation", t => t.Status == TargetStatus.NeedsReconciliation),
        ("publishing", t => t.Status == TargetStatus.Publishing),
        ("pending", t => t.Status == TargetStatus.Pending),
    ];

    private static string TargetStates(IReadOnlyList<PostTarget> targets)
    {
        var parts = new List<string>();
        foreach (var (label, isIn) in States)
        {
            var these = targets.Where(isIn).ToList();
            if (these.Count == 0 && label != "live")
                continue;
            var names = string.Join(", ", these.Select(t => t.Status == TargetStatus.Failed && t.ErrorCode is { } code
                ? $"{t.Platform.ToWireName()}: {code}"
                : t.Platform.ToWireName()));
            parts.Add(these.Count == 0 ? $"0 {label}" : $"{these.Count} {label} ({names})");
        }
        return string.Join(", ", parts);
    }

    /// <summary>The next step for each group of failed targets, in words (each target's <c>nextStep</c> has the whole of it).</summary>
    private static string NextStepsSummary(PostDetails details)
    {
        var steps = details.Targets
            .Select(t => (Target: t, Step: NextSteps.For(t, details.Post.AutoRetryAt)))
            .Where(x => x.Step is not null)
            .GroupBy(x => x.Step!.Action)
            .Select(group =>
            {
                var names = string.Join(", ", group.Select(x => x.Target.Platform.ToWireName()));
                var resetAt = group.Max(x => x.Target.RetryAt);
                return group.Key switch
                {
                    NextSteps.UpdateThenRetry => $"fix {names} with update_post, then retry_post",
                    NextSteps.ReconnectThenRetry => $"reconnect the account on {names}, then retry_post",
                    NextSteps.FixPermissionsThenRetry => $"fix the account's permissions on {names}, then retry_post",
                    NextSteps.ConnectAccountThenRetry => $"connect an account for {names}, then retry_post",
                    NextSteps.ConfigurePlatformThenRetry => $"the operator configures {names}, then retry_post",
                    NextSteps.WaitForAutoRetry when details.Post.AutoRetryAt is { } at => $"{names} is retried automatically at {at:O}; nothing to do",
                    NextSteps.WaitForAutoRetry or NextSteps.RetryAfterReset => resetAt is { } reset
                        ? $"retry_post {names} after {reset:O}"
                        : $"retry_post {names} later",
                    NextSteps.ResolveTarget => $"{names} may be live: check the platform, then resolve_target",
                    _ => $"retry_post {names}",
                };
            })
            .ToList();
        return steps.Count == 0 ? "" : $" Next: {string.Join("; ", steps)} (see targets[].nextStep).";
    }

    public static ValidationResultDto ToResult(this PostValidation validation)
    {
        var report = validation.Report;
        var count = report.AllProblems().Count;
        var summary = report.Ok
            ? $"Ready to post on {string.Join(", ", report.Platforms.Select(p => p.Platform.ToWireName()))}."
            : $"{count} problem{(count == 1 ? "" : "s")} to fix before posting.";
        var scheduleRisks = validation.Risks?.Where(r => r.Code != ReplyParents.ParentUnchecked).ToList();
        if (scheduleRisks is { Count: > 0 })
            summary += $" {RisksSummary(scheduleRisks)}";
        if (validation.Risks?.Any(r => r.Code == ReplyParents.ParentUnchecked) == true)
            summary += $" The post it replies to could not be checked ({ReplyParents.ParentUnchecked}): it is accepted, see risks.";
        return new ValidationResultDto
        {
            Summary = summary,
            Ok = report.Ok,
            PostId = validation.PostId,
            Problems = report.Problems.Select(ProblemDto.From).ToList(),
            Platforms = report.Platforms.Select(v => new VerdictResult(v.Platform.ToWireName(), v.Ok, v.TextLength, v.MaxTextLength,
                v.Problems.Select(ProblemDto.From).ToList())).ToList(),
            PlanHash = validation.PlanHash,
            Risks = ToResults(validation.Risks),
            Media = validation.Media is { Count: > 0 } probed ? probed : null,
        };
    }

    public static WithdrawResultDto ToResult(this WithdrawResult result)
    {
        var ok = result.Outcomes.Where(o => o.Succeeded).Select(o => o.Platform.ToWireName()).ToList();
        var failed = result.Outcomes.Where(o => !o.Succeeded).ToList();
        var summary = failed.Count == 0
            ? $"Withdrawn from {string.Join(", ", ok)}."
            : $"Withdrawn from {ok.Count} platform(s); failed on {string.Join(", ", failed.Select(f => $"{f.Platform.ToWireName()} ({f.ErrorCode})"))}.";
        return new WithdrawResultDto(summary, result.Post.ToResult(),
            result.Outcomes.Select(o => new WithdrawalResult(o.Platform.ToWireName(), o.Succeeded, o.ErrorCode, o.ErrorMessage)).ToList());
    }

    public static AccountResult ToResult(this AccountView view, IReconnectLinks links) => view.Account.ToResult(view.TokenHealth, links);

    public static AccountResult ToResult(this Account account, string tokenHealth, IReconnectLinks links)
    {
        var refresh = Accounts.RefreshFacts.Of(account);
        return new AccountResult
        {
            Id = account.Id,
            Platform = account.Platform.ToWireName(),
            Handle = account.Handle,
            PlatformAccountId = account.PlatformAccountId,
            PlatformSetId = account.PlatformSetId,
            Sandbox = account.IsSandbox,
            TokenHealth = tokenHealth,
            TokenExpiresAt = account.TokenExpiresAt,
            RefreshFailures = refresh.Failures > 0 ? refresh.Failures : null,
            LastRefreshError = refresh.LastError,
            LastRefreshedAt = refresh.LastRefreshedAt,
            ReconnectUrl = links.ReconnectUrlFor(account)?.AbsoluteUri,
        };
    }

    public static PlatformSetResult ToResult(this PlatformSetSummary summary) =>
        new(summary.Set.Id, summary.Set.Name, summary.Set.IsDefault, summary.AccountCount, summary.Set.CreatedAt);
}
