using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Storage;

/// <summary>
/// The writes and reads of issue 16's verified publication and alarms: read-back claims and outcomes on published targets,
/// the overdue alarm on posts, and the once-only account.expiring mark. Each method is one SQL statement.
/// </summary>
public interface IAlarmRepository
{
    /// <summary>
    /// Claims one published target due for a read-back, atomically, for <paramref name="owner"/> until <paramref name="leaseUntil"/>:
    /// not verified nor flagged, fewer than <paramref name="maxAttempts"/> read-backs so far, of a platform in
    /// <paramref name="platforms"/>, published in [<paramref name="publishedSince"/>, <paramref name="firstDueBefore"/>] (first
    /// read-back) or whose next read-back is due by <paramref name="now"/>, and not claimed by a live lease. Null: none is due.
    /// </summary>
    Task<VerificationClaim?> ClaimVerificationAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, DateTimeOffset firstDueBefore,
        DateTimeOffset publishedSince, int maxAttempts, IReadOnlyCollection<Platform> platforms, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a read-back's outcome if <paramref name="owner"/> still holds the claim and the target is still published:
    /// verify_attempts + 1, the claim released, and verified_at, or not_visible_at and its reason, or the next try
    /// (<paramref name="nextAt"/>, null: no more). False: the target moved on or another verifier took it.
    /// </summary>
    Task<bool> RecordVerificationAsync(string postId, Platform platform, string owner, VerificationOutcome outcome, CancellationToken cancellationToken);

    /// <summary>When the next read-back falls due (for the verifier's sleep); null when none is planned.</summary>
    Task<DateTimeOffset?> NextVerificationAtAsync(TimeSpan verifyAfter, DateTimeOffset publishedSince, int maxAttempts, IReadOnlyCollection<Platform> platforms, CancellationToken cancellationToken);

    /// <summary>
    /// Posts (every workspace) that are overdue at <paramref name="cutoff"/> (now − Scheduling:OverdueAfter): scheduled for
    /// no later than it and still scheduled or publishing (a publish-now post: publishing with no change since then). Only
    /// those the alarm has not fired for unless <paramref name="includeRaised"/>; oldest first.
    /// </summary>
    Task<IReadOnlyList<OverduePost>> ListOverdueAsync(DateTimeOffset cutoff, bool includeRaised, int limit, CancellationToken cancellationToken);

    /// <summary>How many posts are overdue at <paramref name="cutoff"/> (raised or not) and the time of the oldest.</summary>
    Task<DueSummary> SummarizeOverdueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Sets posts.overdue_at if it is not set yet and the post is still not final; false: it was (the alarm fires once).</summary>
    Task<bool> MarkOverdueAsync(string postId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Real accounts of every workspace, not waiting for a reconnect, whose tokens may be expiring (a token or refresh token
    /// that expires by <paramref name="horizon"/>, or <paramref name="failureThreshold"/> failed refreshes in a row) and for whose
    /// current tokens account.expiring was not raised yet. The caller decides with <c>TokenHealth.Of</c>.
    /// </summary>
    Task<IReadOnlyList<string>> ListExpiringCandidatesAsync(DateTimeOffset horizon, int failureThreshold, CancellationToken cancellationToken);

    /// <summary>The token_version account.expiring was raised for; null: never.</summary>
    Task<int?> GetExpiringNotifiedVersionAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Records that account.expiring was raised for <paramref name="tokenVersion"/>, unless it already was; false then.</summary>
    Task<bool> MarkExpiringNotifiedAsync(string accountId, int tokenVersion, CancellationToken cancellationToken);
}

/// <summary>A published target a verifier has claimed for a read-back.</summary>
public sealed record VerificationClaim(string PostId, string WorkspaceId, Platform Platform, string AccountId, string PlatformPostId, int Attempts);

/// <summary>What one read-back stores: exactly one of verified, not visible, or a next try (null: give up).</summary>
public sealed record VerificationOutcome(DateTimeOffset Now)
{
    public bool Verified { get; init; }
    public string? NotVisibleReason { get; init; }
    public DateTimeOffset? NextAt { get; init; }
}

/// <summary>A post past Scheduling:OverdueAfter and not final: its time (scheduled, or when it started publishing).</summary>
public sealed record OverduePost(string PostId, string WorkspaceId, PostStatus Status, DateTimeOffset DueAt, DateTimeOffset? OverdueAt);
