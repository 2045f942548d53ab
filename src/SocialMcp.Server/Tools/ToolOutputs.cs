using SocialMcp.Core.Accounts;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Validation;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Server.Tools;

// What tools return: small, structured, with a one-line summary. Serialized with SocialJson (camelCase, nulls omitted).

public sealed record TargetResult(
    string Platform, string Status, string AccountId, string? PlatformPostId, string? Url,
    string? ErrorCode, string? ErrorMessage, int Attempts, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, string? AttemptId = null);

/// <summary>What an all_or_nothing publish did to a target that went out when another failed.</summary>
public sealed record RollbackResult(string Platform, bool Withdrawn, string? ErrorCode, string Message);

public sealed record EventResult(string Type, string? Platform, string? From, string? To, int Version, string? Detail, DateTimeOffset At);

public sealed record PostResult(
    string Summary, string Id, string Status, int Version, string PlatformSetId, IReadOnlyList<string> Platforms,
    PostContent Content, DateTimeOffset? ScheduledFor, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<TargetResult> Targets, IReadOnlyList<EventResult>? Events = null, bool? Replayed = null,
    IReadOnlyList<RiskResult>? Risks = null, string PublishPolicy = PublishPolicyNames.Partial, int? ToleranceMinutes = null,
    IReadOnlyList<RollbackResult>? Rollback = null, bool? StillPublishing = null);

/// <summary>A risk schedule_post or validate_post reports: not an error, the call succeeded; see the Risks section of llm.txt.</summary>
public sealed record RiskResult(string Code, string Message, string? Platform, string? Path)
{
    public static RiskResult From(ScheduleRisk risk) => new(risk.Code, risk.Message, risk.Platform?.ToWireName(), risk.Path);
}

public sealed record PostListResult(string Summary, IReadOnlyList<PostResult> Posts, int Total, int Limit, int Offset, int? NextOffset);

public sealed record VerdictResult(string Platform, bool Ok, int TextLength, int MaxTextLength, IReadOnlyList<ProblemDto> Problems);

public sealed record ValidationResultDto(
    string Summary, bool Ok, string? PostId, IReadOnlyList<ProblemDto> Problems, IReadOnlyList<VerdictResult> Platforms, string PlanHash,
    IReadOnlyList<RiskResult>? Risks = null);

public sealed record WithdrawalResult(string Platform, bool Ok, string? ErrorCode, string? ErrorMessage);

public sealed record WithdrawResultDto(string Summary, PostResult Post, IReadOnlyList<WithdrawalResult> Withdrawals);

public sealed record AccountResult(
    string Id, string Platform, string Handle, string PlatformAccountId, string PlatformSetId, bool Sandbox,
    string TokenHealth, DateTimeOffset? TokenExpiresAt);

public sealed record AccountListResult(string Summary, IReadOnlyList<AccountResult> Accounts);

public sealed record PlatformSetResult(string Id, string Name, bool IsDefault, int AccountCount, DateTimeOffset CreatedAt);

public sealed record PlatformSetListResult(string Summary, IReadOnlyList<PlatformSetResult> PlatformSets);

internal static class OutputMapping
{
    public static PostResult ToResult(this PostDetails details, IReadOnlyList<PostEvent>? events = null, bool stillPublishing = false)
    {
        var (post, targets) = (details.Post, details.Targets);
        var summary = details.Replayed ? "Replayed for a repeated idempotencyKey; nothing new was done. " + Summarize(details) : Summarize(details);
        if (details.Risks is { Count: > 0 } risks)
            summary += $" {RisksSummary(risks)}";
        if (details.Rollback is { Count: > 0 } rollback)
            summary += $" all_or_nothing: {RollbackSummary(rollback)}";
        if (stillPublishing)
            summary += " Still publishing after the wait; it goes on in the background: follow it with get_post.";
        return new PostResult(summary, post.Id, post.Status.ToWireName(), post.Version, post.PlatformSetId,
            post.Platforms.Select(p => p.ToWireName()).ToList(), post.Content, post.ScheduledFor, post.CreatedAt, post.UpdatedAt,
            targets.Select(t => new TargetResult(t.Platform.ToWireName(), t.Status.ToWireName(), t.AccountId, t.PlatformPostId,
                t.PublicUrl, t.ErrorCode, t.ErrorMessage, t.AttemptCount, t.UpdatedAt, t.PublishedAt, t.AttemptId)).ToList(),
            events?.Select(e => new EventResult(e.EventType, e.Platform?.ToWireName(), e.FromStatus, e.ToStatus, e.PostVersion, e.Detail, e.OccurredAt)).ToList(),
            details.Replayed ? true : null,
            ToResults(details.Risks),
            post.Policy.ToWireName(),
            post.Tolerance is { } tolerance ? (int)tolerance.TotalMinutes : null,
            details.Rollback?.Select(r => new RollbackResult(r.Platform.ToWireName(), r.Withdrawn, r.ErrorCode, r.Message)).ToList(),
            stillPublishing ? true : null);
    }

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

    public static string Summarize(PostDetails details)
    {
        var post = details.Post;
        var platforms = string.Join(", ", post.Platforms.Select(p => p.ToWireName()));
        var failed = details.Targets.Where(t => t.Status is TargetStatus.Failed or TargetStatus.NeedsReconciliation).ToList();
        var live = details.Targets.Count(t => t.Status.IsLive());
        var failures = string.Join("; ", failed.Select(t => $"{t.Platform.ToWireName()}: {t.ErrorCode ?? t.Status.ToWireName()}"));
        var unsure = failed.Any(t => t.Status == TargetStatus.NeedsReconciliation)
            ? " A needs_reconciliation target may be live: check the platform, then resolve_target." : "";
        return post.Status switch
        {
            PostStatus.Draft => $"Draft for {platforms} (version {post.Version}).",
            PostStatus.Scheduled => $"Scheduled for {post.ScheduledFor:O} on {platforms} (version {post.Version}).",
            PostStatus.Publishing => $"Publishing to {platforms}.",
            PostStatus.Published => $"Published on {live} of {details.Targets.Count} platforms: {platforms}.",
            PostStatus.Partial => $"Partly published: {live} live, {failed.Count} not ({failures}). retry_post retries the failed ones.{unsure}",
            PostStatus.Failed => $"Publishing failed on every platform ({failures}). retry_post retries the failed ones.{unsure}",
            PostStatus.Discarded => "Discarded; it will not be published.",
            PostStatus.Withdrawn => "Withdrawn from every platform it was live on.",
            _ => post.Status.ToWireName(),
        };
    }

    public static ValidationResultDto ToResult(this PostValidation validation)
    {
        var report = validation.Report;
        var count = report.AllProblems().Count;
        var summary = report.Ok
            ? $"Ready to post on {string.Join(", ", report.Platforms.Select(p => p.Platform.ToWireName()))}."
            : $"{count} problem{(count == 1 ? "" : "s")} to fix before posting.";
        if (validation.Risks is { Count: > 0 } risks)
            summary += $" {RisksSummary(risks)}";
        return new ValidationResultDto(summary, report.Ok, validation.PostId,
            report.Problems.Select(ProblemDto.From).ToList(),
            report.Platforms.Select(v => new VerdictResult(v.Platform.ToWireName(), v.Ok, v.TextLength, v.MaxTextLength,
                v.Problems.Select(ProblemDto.From).ToList())).ToList(), validation.PlanHash, ToResults(validation.Risks));
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

    public static AccountResult ToResult(this AccountView view) => new(view.Account.Id, view.Account.Platform.ToWireName(),
        view.Account.Handle, view.Account.PlatformAccountId, view.Account.PlatformSetId, view.Account.IsSandbox, view.TokenHealth,
        view.Account.TokenExpiresAt);

    public static PlatformSetResult ToResult(this PlatformSetSummary summary) =>
        new(summary.Set.Id, summary.Set.Name, summary.Set.IsDefault, summary.AccountCount, summary.Set.CreatedAt);
}
