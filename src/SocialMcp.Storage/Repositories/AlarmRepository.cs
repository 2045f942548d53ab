using Dapper;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class AlarmRepository(DbContext db) : IAlarmRepository
{
    // A target a read-back may take: published, neither verified nor flagged, attempts left, of a platform that can read posts.
    // Dapper expands @platforms into a list on SQLite; Npgsql takes it as one array parameter.
    private string Verifiable => db.Sql(
        sqlite: """
        t.status = 'published' AND t.verified_at IS NULL AND t.not_visible_at IS NULL AND t.verify_attempts < @maxAttempts
          AND t.platform IN @platforms AND t.platform_post_id IS NOT NULL AND t.published_at >= @publishedSince
        """,
        postgres: """
        t.status = 'published' AND t.verified_at IS NULL AND t.not_visible_at IS NULL AND t.verify_attempts < @maxAttempts
          AND t.platform = ANY(@platforms) AND t.platform_post_id IS NOT NULL AND t.published_at >= @publishedSince
        """);

    public async Task<VerificationClaim?> ClaimVerificationAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, DateTimeOffset firstDueBefore,
        DateTimeOffset publishedSince, int maxAttempts, IReadOnlyCollection<Platform> platforms, CancellationToken cancellationToken)
    {
        // One statement: two verifiers (two processes) never claim the same target. PostgreSQL: the pick is locked
        // FOR UPDATE SKIP LOCKED, so instances claiming at once take different targets instead of queueing on one row.
        var row = await db.Connection.QuerySingleOrDefaultAsync<ClaimRow>(Command(db, db.Sql(
            sqlite: $"""
            UPDATE post_targets SET verify_lease_owner = @owner, verify_lease_until = @leaseUntil
            WHERE rowid = (SELECT t.rowid FROM post_targets t
                           WHERE {Verifiable}
                             AND ((t.verify_next_at IS NULL AND t.published_at <= @firstDueBefore) OR t.verify_next_at <= @now)
                             AND (t.verify_lease_until IS NULL OR t.verify_lease_until <= @now)
                           ORDER BY COALESCE(t.verify_next_at, t.published_at), t.post_id, t.platform LIMIT 1)
            RETURNING post_id AS PostId, platform AS Platform, account_id AS AccountId, platform_post_id AS PlatformPostId,
                      verify_attempts AS Attempts,
                      (SELECT workspace_id FROM posts WHERE posts.id = post_targets.post_id) AS WorkspaceId;
            """,
            postgres: $"""
            UPDATE post_targets SET verify_lease_owner = @owner, verify_lease_until = @leaseUntil
            WHERE (post_id, platform) = (SELECT t.post_id, t.platform FROM post_targets t
                                         WHERE {Verifiable}
                                           AND ((t.verify_next_at IS NULL AND t.published_at <= @firstDueBefore) OR t.verify_next_at <= @now)
                                           AND (t.verify_lease_until IS NULL OR t.verify_lease_until <= @now)
                                         ORDER BY COALESCE(t.verify_next_at, t.published_at), t.post_id, t.platform
                                         LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING post_id AS PostId, platform AS Platform, account_id AS AccountId, platform_post_id AS PlatformPostId,
                      verify_attempts AS Attempts,
                      (SELECT workspace_id FROM posts WHERE posts.id = post_targets.post_id) AS WorkspaceId;
            """),
            new
            {
                owner, now = Time(now), leaseUntil = Time(leaseUntil), firstDueBefore = Time(firstDueBefore), publishedSince = Time(publishedSince),
                maxAttempts, platforms = platforms.Select(p => p.ToWireName()).ToArray(),
            }, cancellationToken));
        return row is null ? null
            : new VerificationClaim(row.PostId, row.WorkspaceId, PlatformNames.Parse(row.Platform), row.AccountId, row.PlatformPostId, (int)row.Attempts);
    }

    public async Task<bool> RecordVerificationAsync(string postId, Platform platform, string owner, VerificationOutcome outcome, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE post_targets SET
                verify_attempts = verify_attempts + 1,
                verified_at = @verifiedAt,
                not_visible_at = @notVisibleAt,
                not_visible_reason = @reason,
                verify_next_at = @nextAt,
                verify_lease_owner = NULL,
                verify_lease_until = NULL
            WHERE post_id = @postId AND platform = @platform AND verify_lease_owner = @owner AND status = 'published';
            """,
            new
            {
                postId, platform = platform.ToWireName(), owner,
                verifiedAt = outcome.Verified ? Time(outcome.Now) : null,
                notVisibleAt = outcome.NotVisibleReason is null ? null : Time(outcome.Now),
                reason = outcome.NotVisibleReason,
                nextAt = Time(outcome.NextAt),
            }, cancellationToken)) == 1;

    public async Task<DateTimeOffset?> NextVerificationAtAsync(TimeSpan verifyAfter, DateTimeOffset publishedSince, int maxAttempts, IReadOnlyCollection<Platform> platforms, CancellationToken cancellationToken)
    {
        // The earliest first read-back is the oldest unchecked publish + VerifyAfter; retries have their own time.
        var row = await db.Connection.QuerySingleAsync<NextRow>(Command(db,
            $"""
            SELECT (SELECT MIN(t.published_at) FROM post_targets t WHERE {Verifiable} AND t.verify_next_at IS NULL) AS FirstPublished,
                   (SELECT MIN(t.verify_next_at) FROM post_targets t WHERE {Verifiable} AND t.verify_next_at IS NOT NULL) AS NextRetry;
            """,
            new { publishedSince = Time(publishedSince), maxAttempts, platforms = platforms.Select(p => p.ToWireName()).ToArray() }, cancellationToken));
        DateTimeOffset? first = ParseOptionalTime(row.FirstPublished) is { } published ? published + verifyAfter : null;
        var retry = ParseOptionalTime(row.NextRetry);
        return first is null ? retry : retry is null ? first : first < retry ? first : retry;
    }

    // A post's due time: its scheduled time, or for one published now (no scheduled time) the last change while publishing.
    private const string Overdue =
        """
        status IN ('scheduled', 'publishing') AND COALESCE(scheduled_for, CASE WHEN status = 'publishing' THEN updated_at END) <= @cutoff
        """;

    public async Task<IReadOnlyList<OverduePost>> ListOverdueAsync(DateTimeOffset cutoff, bool includeRaised, int limit, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<OverdueRow>(Command(db,
            $"""
            SELECT id AS PostId, workspace_id AS WorkspaceId, status AS Status,
                   COALESCE(scheduled_for, updated_at) AS DueAt, overdue_at AS OverdueAt
            FROM posts
            WHERE {Overdue} AND (@includeRaised OR overdue_at IS NULL)
            ORDER BY DueAt, id LIMIT @limit;
            """,
            new { cutoff = Time(cutoff), includeRaised, limit }, cancellationToken));
        return rows.Select(r => new OverduePost(r.PostId, r.WorkspaceId, StatusNames.ParsePostStatus(r.Status), ParseTime(r.DueAt), ParseOptionalTime(r.OverdueAt)))
            .ToList();
    }

    public async Task<DueSummary> SummarizeOverdueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleAsync<SummaryRow>(Command(db,
            $"SELECT COUNT(*) AS Count, MIN(COALESCE(scheduled_for, updated_at)) AS Oldest FROM posts WHERE {Overdue};",
            new { cutoff = Time(cutoff) }, cancellationToken));
        return new DueSummary((int)row.Count, ParseOptionalTime(row.Oldest));
    }

    public async Task<bool> MarkOverdueAsync(string postId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE posts SET overdue_at = @now WHERE id = @postId AND overdue_at IS NULL AND status IN ('scheduled', 'publishing');",
            new { postId, now = Time(now) }, cancellationToken)) == 1;

    public async Task<IReadOnlyList<string>> ListExpiringCandidatesAsync(DateTimeOffset horizon, int failureThreshold, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db,
            """
            SELECT id FROM accounts
            WHERE is_sandbox = FALSE AND reconnect_required = FALSE
              AND (expiring_notified_version IS NULL OR expiring_notified_version <> token_version)
              AND (refresh_failures >= @failureThreshold OR token_expires_at <= @horizon OR refresh_expires_at <= @horizon)
            ORDER BY id;
            """,
            new { horizon = Time(horizon), failureThreshold }, cancellationToken))).ToList();

    public async Task<int?> GetExpiringNotifiedVersionAsync(string accountId, CancellationToken cancellationToken) =>
        (int?)await db.Connection.ExecuteScalarAsync<long?>(Command(db,
            "SELECT expiring_notified_version FROM accounts WHERE id = @accountId;", new { accountId }, cancellationToken));

    public async Task<bool> MarkExpiringNotifiedAsync(string accountId, int tokenVersion, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE accounts SET expiring_notified_version = @tokenVersion
            WHERE id = @accountId AND (expiring_notified_version IS NULL OR expiring_notified_version <> @tokenVersion);
            """,
            new { accountId, tokenVersion }, cancellationToken)) == 1;

    private sealed class ClaimRow
    {
        public string PostId { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string Platform { get; init; } = "";
        public string AccountId { get; init; } = "";
        public string PlatformPostId { get; init; } = "";
        public long Attempts { get; init; }
    }

    private sealed class NextRow
    {
        public string? FirstPublished { get; init; }
        public string? NextRetry { get; init; }
    }

    private sealed class OverdueRow
    {
        public string PostId { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string Status { get; init; } = "";
        public string DueAt { get; init; } = "";
        public string? OverdueAt { get; init; }
    }

    private sealed class SummaryRow
    {
        public long Count { get; init; }
        public string? Oldest { get; init; }
    }
}
