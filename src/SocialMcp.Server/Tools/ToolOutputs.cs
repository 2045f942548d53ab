using SocialMcp.Core.Accounts;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
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

public sealed record PostResult
{
    public required string Summary { get; init; }
    public required string Id { get; init; }
    public required string Status { get; init; }
    public required int Version { get; init; }
    public required string PlatformSetId { get; init; }
    public required IReadOnlyList<string> Platforms { get; init; }
    public required PostContent Content { get; init; }
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
}

/// <summary>A risk schedule_post or validate_post reports: not an error, the call succeeded; see the Risks section of llm.txt.</summary>
public sealed record RiskResult(string Code, string Message, string? Platform, string? Path)
{
    public static RiskResult From(ScheduleRisk risk) => new(risk.Code, risk.Message, risk.Platform?.ToWireName(), risk.Path);
}

public sealed record PostListResult(string Summary, IReadOnlyList<PostResult> Posts, int Total, int Limit, int Offset, int? NextOffset);

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
        var summary = details.Replayed ? "Replayed for a repeated idempotencyKey; nothing new was done. " + Summarize(details) : Summarize(details);
        if (details.Risks is { Count: > 0 } risks)
            summary += $" {RisksSummary(risks)}";
        if (details.Rollback is { Count: > 0 } rollback)
            summary += $" all_or_nothing: {RollbackSummary(rollback)}";
        if (stillPublishing)
            summary += " Still publishing after the wait; it goes on in the background: follow it with get_post.";
        return new PostResult
        {
            Summary = summary,
            Id = post.Id,
            Status = post.Status.ToWireName(),
            Version = post.Version,
            PlatformSetId = post.PlatformSetId,
            Platforms = post.Platforms.Select(p => p.ToWireName()).ToList(),
            Content = post.Content,
            ScheduledFor = post.ScheduledFor,
            CreatedAt = post.CreatedAt,
            UpdatedAt = post.UpdatedAt,
            Targets = targets.Select(t => new TargetResult
            {
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
        };
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

    public static string Summarize(PostDetails details) => SummarizeStatus(details) + SandboxNote(details);

    /// <summary>Says so whenever a target goes to the sandbox, so no one reads a sandbox publish as a real one.</summary>
    private static string SandboxNote(PostDetails details)
    {
        var sandbox = details.Targets.Where(t => t.AccountIsSandbox == true).Select(t => t.Platform.ToWireName()).ToList();
        if (sandbox.Count == 0)
            return "";
        var where = sandbox.Count == details.Targets.Count ? "every platform" : string.Join(", ", sandbox);
        return $" Sandbox on {where}: nothing is posted anywhere real (sandbox:// URLs).";
    }

    private static string SummarizeStatus(PostDetails details)
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
