using Dapper;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class PostRepository(DbContext db) : IPostRepository
{
    private const string Columns =
        """
        p.id AS Id, p.workspace_id AS WorkspaceId, p.platform_set_id AS PlatformSetId, p.status AS Status, p.content AS Content,
        p.platforms AS Platforms, p.scheduled_for AS ScheduledFor, p.version AS Version, p.created_at AS CreatedAt, p.updated_at AS UpdatedAt,
        p.publish_policy AS PublishPolicy, p.tolerance_seconds AS ToleranceSeconds, p.time_zone AS TimeZone,
        p.published_content AS PublishedContent, p.auto_retry_at AS AutoRetryAt, p.max_lateness_seconds AS MaxLatenessSeconds,
        p.approval AS Approval, p.overdue_at AS OverdueAt
        """;

    // Shared by ListAsync and CountAsync so the page and the total always agree.
    private const string Filter =
        $"""
        p.workspace_id = @workspaceId
          AND (@status IS NULL OR p.status = @status)
          AND (@platform IS NULL OR EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.platform = @platform))
          AND (@platformSetId IS NULL OR p.platform_set_id = @platformSetId)
          AND (@from IS NULL OR {CalendarTime} >= @from)
          AND (@to IS NULL OR {CalendarTime} < @to)
        """;

    // A post's place in a calendar window (list_posts from/to): when it first went out, else when it is (was) scheduled.
    private const string CalendarTime =
        "COALESCE((SELECT MIN(ct.published_at) FROM post_targets ct WHERE ct.post_id = p.id), p.scheduled_for)";

    public async Task<Post?> GetAsync(string workspaceId, string postId, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<PostRow>(Command(db,
            $"SELECT {Columns} FROM posts p WHERE p.workspace_id = @workspaceId AND p.id = @postId;",
            new { workspaceId, postId }, cancellationToken));
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Post>> ListAsync(string workspaceId, PostQuery query, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<PostRow>(Command(db,
            $"SELECT {Columns} FROM posts p WHERE {Filter} ORDER BY {(query.IsWindow ? $"{CalendarTime}, p.id" : "p.created_at DESC, p.id DESC")} LIMIT @limit OFFSET @offset;",
            FilterParameters(workspaceId, query), cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task<int> CountAsync(string workspaceId, PostQuery query, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            $"SELECT COUNT(*) FROM posts p WHERE {Filter};", FilterParameters(workspaceId, query), cancellationToken));

    public Task<int> CountInStatusAsync(string workspaceId, PostStatus status, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            "SELECT COUNT(*) FROM posts WHERE workspace_id = @workspaceId AND status = @status;",
            new { workspaceId, status = status.ToWireName() }, cancellationToken));

    public async Task<int> CountCreatedInMonthAsync(string workspaceId, DateTimeOffset instant, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteScalarAsync<int?>(Command(db,
            "SELECT posts_created FROM workspace_post_months WHERE workspace_id = @workspaceId AND month = @month;",
            new { workspaceId, month = Month(instant) }, cancellationToken)) ?? 0;

    public Task<int> CountAccountPostsOnDayAsync(
        string accountId, DateTimeOffset from, DateTimeOffset to, string? exceptPostId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            """
            SELECT COUNT(*) FROM post_targets t JOIN posts p ON p.id = t.post_id
            WHERE t.account_id = @accountId AND (@exceptPostId IS NULL OR p.id <> @exceptPostId)
              AND ((p.status = 'scheduled' AND p.scheduled_for >= @from AND p.scheduled_for < @to)
                OR (t.status IN ('published', 'in_review') AND t.published_at >= @from AND t.published_at < @to));
            """,
            new { accountId, from = Time(from), to = Time(to), exceptPostId }, cancellationToken));

    public Task<int> CountScheduledBetweenAsync(
        string workspaceId, DateTimeOffset from, DateTimeOffset to, string? exceptPostId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            """
            SELECT COUNT(*) FROM posts
            WHERE workspace_id = @workspaceId AND status = 'scheduled' AND scheduled_for >= @from AND scheduled_for < @to
              AND (@exceptPostId IS NULL OR id <> @exceptPostId);
            """,
            new { workspaceId, from = Time(from), to = Time(to), exceptPostId }, cancellationToken));

    public async Task InsertAsync(Post post, CancellationToken cancellationToken)
    {
        await db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO posts (id, workspace_id, platform_set_id, status, content, platforms, scheduled_for, version, created_at, updated_at,
                               publish_policy, tolerance_seconds, time_zone, published_content, max_lateness_seconds, approval)
            VALUES (@Id, @WorkspaceId, @PlatformSetId, @Status, @Content, @Platforms, @ScheduledFor, @Version, @CreatedAt, @UpdatedAt,
                    @PublishPolicy, @ToleranceSeconds, @TimeZone, @PublishedContent, @MaxLatenessSeconds, @Approval);
            """,
            Parameters(post), cancellationToken));
        // The monthly quota's counter, beside the only statement that adds a post, so no way of creating one can skip it;
        // the caller's transaction holds both, so a create that fails later takes its count back with its post.
        await db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO workspace_post_months (workspace_id, month, posts_created) VALUES (@workspaceId, @month, 1)
            ON CONFLICT (workspace_id, month) DO UPDATE SET posts_created = workspace_post_months.posts_created + 1;
            """,
            new { workspaceId = post.WorkspaceId, month = Month(post.CreatedAt) }, cancellationToken));
    }

    public async Task<bool> UpdateAsync(Post post, int expectedVersion, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE posts
            SET platform_set_id = @PlatformSetId, status = @Status, content = @Content, platforms = @Platforms,
                scheduled_for = @ScheduledFor, version = @Version, updated_at = @UpdatedAt,
                publish_policy = @PublishPolicy, tolerance_seconds = @ToleranceSeconds, time_zone = @TimeZone,
                published_content = @PublishedContent, max_lateness_seconds = @MaxLatenessSeconds, approval = @Approval
            WHERE id = @Id AND workspace_id = @WorkspaceId AND version = @ExpectedVersion;
            """,
            new DynamicParameters(Parameters(post)).Also(p => p.Add("ExpectedVersion", expectedVersion)), cancellationToken)) == 1;

    public Task<int?> BumpVersionAsync(string postId, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int?>(Command(db,
            "UPDATE posts SET version = version + 1, updated_at = @updatedAt WHERE id = @postId RETURNING version;",
            new { postId, updatedAt = Time(updatedAt) }, cancellationToken));

    public async Task<IReadOnlyList<DuePost>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken, IReadOnlyCollection<string>? deadOwners = null)
    {
        // One statement: the sub-select and the update are atomic, so two workers on one file never claim the same post.
        // Automatic retries (a rate limit's reset) queue with scheduled posts by their time; each side is read through its own
        // index, oldest first, and the oldest @limit of the two heads are taken. "+status" keeps SQLite on the small partial
        // index of waiting retries rather than the status index, which would read every partial and failed post.
        // PostgreSQL: each side's first @limit rows are locked FOR UPDATE SKIP LOCKED, so instances claiming at once each take
        // different posts instead of queueing behind one row lock; the oldest @limit locked rows are claimed, the other locks
        // end with the transaction.
        var rows = await db.Connection.QueryAsync<DueRow>(Command(db, db.Sql(
            sqlite: """
            UPDATE posts SET lease_owner = @owner, lease_expires_at = @leaseUntil
            WHERE id IN (SELECT id FROM (
                             SELECT * FROM (SELECT id, scheduled_for AS due FROM posts
                                            WHERE status = 'scheduled' AND scheduled_for <= @now
                                              AND (lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner IN @deadOwners)
                                            ORDER BY scheduled_for, id LIMIT @limit)
                             UNION ALL
                             SELECT * FROM (SELECT id, auto_retry_at AS due FROM posts
                                            WHERE auto_retry_at IS NOT NULL AND auto_retry_at <= @now AND +status IN ('partial', 'failed')
                                              AND (lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner IN @deadOwners)
                                            ORDER BY auto_retry_at, id LIMIT @limit))
                         ORDER BY due, id LIMIT @limit)
            RETURNING id AS PostId, workspace_id AS WorkspaceId, COALESCE(scheduled_for, auto_retry_at) AS ScheduledFor,
                      status <> 'scheduled' AS AutoRetry, max_lateness_seconds AS MaxLatenessSeconds;
            """,
            postgres: """
            WITH scheduled AS (
                     SELECT id, scheduled_for AS due FROM posts
                     WHERE status = 'scheduled' AND scheduled_for <= @now
                       AND (lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner = ANY(@deadOwners))
                     ORDER BY scheduled_for, id LIMIT @limit FOR UPDATE SKIP LOCKED),
                 retry AS (
                     SELECT id, auto_retry_at AS due FROM posts
                     WHERE auto_retry_at IS NOT NULL AND auto_retry_at <= @now AND status IN ('partial', 'failed')
                       AND (lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner = ANY(@deadOwners))
                     ORDER BY auto_retry_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
            UPDATE posts SET lease_owner = @owner, lease_expires_at = @leaseUntil
            WHERE id IN (SELECT id FROM (SELECT * FROM scheduled UNION ALL SELECT * FROM retry) heads ORDER BY due, id LIMIT @limit)
            RETURNING id AS PostId, workspace_id AS WorkspaceId, COALESCE(scheduled_for, auto_retry_at) AS ScheduledFor,
                      status <> 'scheduled' AS AutoRetry, max_lateness_seconds AS MaxLatenessSeconds;
            """),
            new { owner, now = Time(now), leaseUntil = Time(leaseUntil), limit, deadOwners = deadOwners is { Count: > 0 } ? deadOwners.ToArray() : [""] },
            cancellationToken));
        return ToDuePosts(rows);
    }

    /// <summary>RETURNING gives rows in no particular order: the oldest first, as they are to be fired.</summary>
    private static List<DuePost> ToDuePosts(IEnumerable<DueRow> rows) =>
        rows.Select(row => new DuePost(row.PostId, row.WorkspaceId, ParseTime(row.ScheduledFor))
            {
                AutoRetry = row.AutoRetry,
                MaxLateness = row.MaxLatenessSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            })
            .OrderBy(due => due.ScheduledFor).ThenBy(due => due.PostId, StringComparer.Ordinal)
            .ToList();

    public async Task<DateTimeOffset?> NextDueAtAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ParseOptionalTime(await db.Connection.ExecuteScalarAsync<string?>(Command(db, db.Sql(
            sqlite: """
            SELECT MIN(at) FROM (
                SELECT CASE WHEN lease_expires_at > @now THEN max(scheduled_for, lease_expires_at) ELSE scheduled_for END AS at
                FROM posts WHERE status = 'scheduled' AND scheduled_for IS NOT NULL
                UNION ALL
                SELECT COALESCE(lease_expires_at, @now) FROM posts WHERE status = 'publishing'
                UNION ALL
                SELECT CASE WHEN lease_expires_at > @now THEN max(auto_retry_at, lease_expires_at) ELSE auto_retry_at END
                FROM posts WHERE auto_retry_at IS NOT NULL AND +status IN ('partial', 'failed'));
            """,
            postgres: """
            SELECT MIN(at) FROM (
                SELECT CASE WHEN lease_expires_at > @now THEN GREATEST(scheduled_for, lease_expires_at) ELSE scheduled_for END AS at
                FROM posts WHERE status = 'scheduled' AND scheduled_for IS NOT NULL
                UNION ALL
                SELECT COALESCE(lease_expires_at, @now) FROM posts WHERE status = 'publishing'
                UNION ALL
                SELECT CASE WHEN lease_expires_at > @now THEN GREATEST(auto_retry_at, lease_expires_at) ELSE auto_retry_at END
                FROM posts WHERE auto_retry_at IS NOT NULL AND status IN ('partial', 'failed')) due;
            """),
            new { now = Time(now) }, cancellationToken)));

    public async Task<DueSummary> SummarizeDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleAsync<SummaryRow>(Command(db,
            "SELECT COUNT(*) AS Count, MIN(scheduled_for) AS Oldest FROM posts WHERE status = 'scheduled' AND scheduled_for <= @now;",
            new { now = Time(now) }, cancellationToken));
        return new DueSummary((int)row.Count, ParseOptionalTime(row.Oldest));
    }

    public async Task<bool> HoldsLeaseAsync(string postId, string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteScalarAsync<long>(Command(db,
            "SELECT COUNT(*) FROM posts WHERE id = @postId AND lease_owner = @owner AND lease_expires_at > @now;",
            new { postId, owner, now = Time(now) }, cancellationToken)) == 1;

    public async Task<bool> ReleaseLeaseAsync(string postId, string owner, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE posts SET lease_owner = NULL, lease_expires_at = NULL WHERE id = @postId AND lease_owner = @owner;",
            new { postId, owner }, cancellationToken)) == 1;

    public async Task<bool> TakeLeaseAsync(string postId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE posts SET lease_owner = @owner, lease_expires_at = @leaseUntil WHERE id = @postId;",
            new { postId, owner, leaseUntil = Time(leaseUntil) }, cancellationToken)) == 1;

    public async Task<bool> RenewLeaseAsync(string postId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE posts SET lease_expires_at = @leaseUntil WHERE id = @postId AND lease_owner = @owner;",
            new { postId, owner, leaseUntil = Time(leaseUntil) }, cancellationToken)) == 1;

    public async Task<IReadOnlyList<string>> ListLeaseOwnersAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db,
            """
            SELECT DISTINCT lease_owner FROM posts
            WHERE (status IN ('scheduled', 'publishing') OR auto_retry_at IS NOT NULL) AND lease_owner IS NOT NULL AND lease_expires_at > @now;
            """,
            new { now = Time(now) }, cancellationToken))).ToList();

    public async Task<IReadOnlyList<DuePost>> ClaimOrphanedPublishingAsync(
        string owner, DateTimeOffset now, DateTimeOffset leaseUntil, IReadOnlyCollection<string> deadOwners, int limit, CancellationToken cancellationToken)
    {
        // Same shape as ClaimDueAsync: one statement, so two recovering workers never take the same post.
        var rows = await db.Connection.QueryAsync<DueRow>(Command(db, db.Sql(
            sqlite: """
            UPDATE posts SET lease_owner = @owner, lease_expires_at = @leaseUntil
            WHERE id IN (SELECT id FROM posts
                         WHERE status = 'publishing'
                           AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner IN @deadOwners)
                         ORDER BY updated_at, id LIMIT @limit)
            RETURNING id AS PostId, workspace_id AS WorkspaceId, COALESCE(scheduled_for, updated_at) AS ScheduledFor;
            """,
            postgres: """
            UPDATE posts SET lease_owner = @owner, lease_expires_at = @leaseUntil
            WHERE id IN (SELECT id FROM posts
                         WHERE status = 'publishing'
                           AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner = ANY(@deadOwners))
                         ORDER BY updated_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING id AS PostId, workspace_id AS WorkspaceId, COALESCE(scheduled_for, updated_at) AS ScheduledFor;
            """),
            new { owner, now = Time(now), leaseUntil = Time(leaseUntil), limit, deadOwners = deadOwners.Count == 0 ? [""] : deadOwners.ToArray() },
            cancellationToken));
        return ToDuePosts(rows);
    }

    public Task SetAutoRetryAsync(string postId, DateTimeOffset? at, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            "UPDATE posts SET auto_retry_at = @at WHERE id = @postId;", new { postId, at = Time(at) }, cancellationToken));

    private sealed class DueRow
    {
        public string PostId { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string ScheduledFor { get; init; } = "";
        public bool AutoRetry { get; init; }
        public long? MaxLatenessSeconds { get; init; }
    }

    private sealed class SummaryRow
    {
        public long Count { get; init; }
        public string? Oldest { get; init; }
    }

    private static object FilterParameters(string workspaceId, PostQuery query) => new
    {
        workspaceId,
        status = query.Status?.ToWireName(),
        platform = query.Platform?.ToWireName(),
        platformSetId = query.PlatformSetId,
        from = Time(query.From),
        to = Time(query.To),
        limit = query.Limit,
        offset = query.Offset,
    };

    private static object Parameters(Post post) => new
    {
        post.Id,
        post.WorkspaceId,
        post.PlatformSetId,
        Status = post.Status.ToWireName(),
        Content = Json(post.Content),
        Platforms = Json(post.Platforms),
        ScheduledFor = Time(post.ScheduledFor),
        post.Version,
        CreatedAt = Time(post.CreatedAt),
        UpdatedAt = Time(post.UpdatedAt),
        PublishPolicy = post.Policy.ToWireName(),
        ToleranceSeconds = post.Tolerance is { } tolerance ? (long?)tolerance.TotalSeconds : null,
        post.TimeZone,
        PublishedContent = post.PublishedContent is null ? null : Json(post.PublishedContent),
        MaxLatenessSeconds = post.MaxLateness is { } lateness ? (long?)lateness.TotalSeconds : null,
        Approval = post.Approval is null ? null : Json(post.Approval),
    };

    private sealed class PostRow
    {
        public string Id { get; init; } = "";
        public string WorkspaceId { get; init; } = "";
        public string PlatformSetId { get; init; } = "";
        public string Status { get; init; } = "";
        public string Content { get; init; } = "";
        public string Platforms { get; init; } = "";
        public string? ScheduledFor { get; init; }
        public long Version { get; init; }
        public string CreatedAt { get; init; } = "";
        public string UpdatedAt { get; init; } = "";
        public string PublishPolicy { get; init; } = PublishPolicyNames.Partial;
        public long? ToleranceSeconds { get; init; }
        public string? TimeZone { get; init; }
        public string? PublishedContent { get; init; }
        public string? AutoRetryAt { get; init; }
        public long? MaxLatenessSeconds { get; init; }
        public string? Approval { get; init; }
        public string? OverdueAt { get; init; }

        public Post ToDomain() => new Post
        {
            Id = Id,
            WorkspaceId = WorkspaceId,
            PlatformSetId = PlatformSetId,
            Status = StatusNames.ParsePostStatus(Status),
            Content = FromJson<PostContent>(Content),
            Platforms = FromJson<List<Platform>>(Platforms),
            ScheduledFor = ParseOptionalTime(ScheduledFor),
            Version = (int)Version,
            CreatedAt = ParseTime(CreatedAt),
            UpdatedAt = ParseTime(UpdatedAt),
            Policy = PublishPolicyNames.ParsePublishPolicy(PublishPolicy),
            Tolerance = ToleranceSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            TimeZone = TimeZone,
            PublishedContent = PublishedContent is null ? null : FromJson<Dictionary<Platform, PublishedContent>>(PublishedContent),
            AutoRetryAt = ParseOptionalTime(AutoRetryAt),
            MaxLateness = MaxLatenessSeconds is { } lateness ? TimeSpan.FromSeconds(lateness) : null,
            Approval = Approval is null ? null : FromJson<ApprovalRequest>(Approval),
            OverdueAt = ParseOptionalTime(OverdueAt),
        };
    }
}

internal static class DynamicParametersExtensions
{
    public static DynamicParameters Also(this DynamicParameters parameters, Action<DynamicParameters> add)
    {
        add(parameters);
        return parameters;
    }
}

internal sealed class PostTargetRepository(DbContext db) : IPostTargetRepository
{
    // The account's handle and sandbox flag come along (results say which account each target used).
    private const string Columns =
        """
        t.post_id AS PostId, t.platform AS Platform, t.account_id AS AccountId, t.status AS Status, t.platform_post_id AS PlatformPostId,
        t.public_url AS PublicUrl, t.error_code AS ErrorCode, t.error_message AS ErrorMessage, t.attempt_count AS AttemptCount,
        t.created_at AS CreatedAt, t.updated_at AS UpdatedAt, t.published_at AS PublishedAt,
        t.platform_error_code AS PlatformErrorCode, t.platform_error_message AS PlatformErrorMessage, t.attempt_id AS AttemptId,
        t.platform_http_status AS PlatformHttpStatus, t.retry_at AS RetryAt, t.withdrawn_by AS WithdrawnBy,
        t.verified_at AS VerifiedAt, t.not_visible_at AS NotVisibleAt, t.not_visible_reason AS NotVisibleReason, t.verify_attempts AS VerifyAttempts,
        a.handle AS AccountHandle, a.is_sandbox AS AccountIsSandbox
        """;

    private const string From = "post_targets t LEFT JOIN accounts a ON a.id = t.account_id";

    public async Task<IReadOnlyList<PostTarget>> ListForPostAsync(string postId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<TargetRow>(Command(db,
            $"SELECT {Columns} FROM {From} WHERE t.post_id = @postId;", new { postId }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public async Task<IReadOnlyList<PostTarget>> ListForPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken)
    {
        // Dapper expands the list into (@postIds1, @postIds2, ...) on SQLite (pages are at most 100 posts); Npgsql takes
        // it as one array parameter.
        var rows = await db.Connection.QueryAsync<TargetRow>(Command(db, db.Sql(
            sqlite: $"SELECT {Columns} FROM {From} WHERE t.post_id IN @postIds;",
            postgres: $"SELECT {Columns} FROM {From} WHERE t.post_id = ANY(@postIds);"),
            new { postIds = postIds.ToArray() }, cancellationToken));
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task InsertAsync(PostTarget target, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO post_targets (post_id, platform, account_id, status, platform_post_id, public_url, error_code, error_message,
                                      attempt_count, created_at, updated_at, published_at, platform_error_code, platform_error_message, attempt_id,
                                      platform_http_status, retry_at, withdrawn_by)
            VALUES (@PostId, @Platform, @AccountId, @Status, @PlatformPostId, @PublicUrl, @ErrorCode, @ErrorMessage,
                    @AttemptCount, @CreatedAt, @UpdatedAt, @PublishedAt, @PlatformErrorCode, @PlatformErrorMessage, @AttemptId,
                    @PlatformHttpStatus, @RetryAt, @WithdrawnBy);
            """,
            Parameters(target), cancellationToken));

    public Task UpdateAsync(PostTarget target, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE post_targets
            SET account_id = @AccountId, status = @Status, platform_post_id = @PlatformPostId, public_url = @PublicUrl,
                error_code = @ErrorCode, error_message = @ErrorMessage, attempt_count = @AttemptCount,
                updated_at = @UpdatedAt, published_at = @PublishedAt,
                platform_error_code = @PlatformErrorCode, platform_error_message = @PlatformErrorMessage, attempt_id = @AttemptId,
                platform_http_status = @PlatformHttpStatus, retry_at = @RetryAt, withdrawn_by = @WithdrawnBy
            WHERE post_id = @PostId AND platform = @Platform;
            """,
            Parameters(target), cancellationToken));

    public async Task<IReadOnlyList<DateTimeOffset>> ListAccountLiveSinceAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db,
            """
            SELECT published_at FROM post_targets
            WHERE account_id = @accountId AND status IN ('published', 'in_review', 'withdrawn') AND published_at >= @since
            ORDER BY published_at;
            """,
            new { accountId, since = Time(since) }, cancellationToken))).Select(ParseTime).ToList();

    public Task DeleteForPostAsync(string postId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db, "DELETE FROM post_targets WHERE post_id = @postId;", new { postId }, cancellationToken));

    private static object Parameters(PostTarget target) => new
    {
        target.PostId,
        Platform = target.Platform.ToWireName(),
        target.AccountId,
        Status = target.Status.ToWireName(),
        target.PlatformPostId,
        target.PublicUrl,
        target.ErrorCode,
        target.ErrorMessage,
        target.AttemptCount,
        CreatedAt = Time(target.CreatedAt),
        UpdatedAt = Time(target.UpdatedAt),
        PublishedAt = Time(target.PublishedAt),
        target.PlatformErrorCode,
        target.PlatformErrorMessage,
        target.AttemptId,
        target.PlatformHttpStatus,
        RetryAt = Time(target.RetryAt),
        // Kept only while the target is withdrawn: a target put up again forgets why it was taken down.
        WithdrawnBy = target.Status == TargetStatus.Withdrawn ? target.WithdrawnBy?.ToWireName() : null,
    };

    private sealed class TargetRow
    {
        public string PostId { get; init; } = "";
        public string Platform { get; init; } = "";
        public string AccountId { get; init; } = "";
        public string Status { get; init; } = "";
        public string? PlatformPostId { get; init; }
        public string? PublicUrl { get; init; }
        public string? ErrorCode { get; init; }
        public string? ErrorMessage { get; init; }
        public long AttemptCount { get; init; }
        public string CreatedAt { get; init; } = "";
        public string UpdatedAt { get; init; } = "";
        public string? PublishedAt { get; init; }
        public string? PlatformErrorCode { get; init; }
        public string? PlatformErrorMessage { get; init; }
        public string? AttemptId { get; init; }
        public long? PlatformHttpStatus { get; init; }
        public string? RetryAt { get; init; }
        public string? WithdrawnBy { get; init; }
        public string? VerifiedAt { get; init; }
        public string? NotVisibleAt { get; init; }
        public string? NotVisibleReason { get; init; }
        public long VerifyAttempts { get; init; }
        public string? AccountHandle { get; init; }
        public long? AccountIsSandbox { get; init; }

        public PostTarget ToDomain() => new PostTarget
        {
            AccountHandle = AccountHandle,
            AccountIsSandbox = AccountIsSandbox is { } sandbox ? sandbox != 0 : null,
            PostId = PostId,
            Platform = PlatformNames.Parse(Platform),
            AccountId = AccountId,
            Status = StatusNames.ParseTargetStatus(Status),
            PlatformPostId = PlatformPostId,
            PublicUrl = PublicUrl,
            ErrorCode = ErrorCode,
            ErrorMessage = ErrorMessage,
            AttemptCount = (int)AttemptCount,
            CreatedAt = ParseTime(CreatedAt),
            UpdatedAt = ParseTime(UpdatedAt),
            PublishedAt = ParseOptionalTime(PublishedAt),
            PlatformErrorCode = PlatformErrorCode,
            PlatformErrorMessage = PlatformErrorMessage,
            AttemptId = AttemptId,
            PlatformHttpStatus = PlatformHttpStatus is { } status ? (int)status : null,
            RetryAt = ParseOptionalTime(RetryAt),
            WithdrawnBy = WithdrawnBy is null ? null : WithdrawalCauses.Parse(WithdrawnBy),
            VerifiedAt = ParseOptionalTime(VerifiedAt),
            NotVisibleAt = ParseOptionalTime(NotVisibleAt),
            NotVisibleReason = NotVisibleReason,
            VerifyAttempts = (int)VerifyAttempts,
        };
    }
}

internal sealed class PostEventRepository(DbContext db) : IPostEventRepository
{
    public Task AppendAsync(PostEvent postEvent, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO post_events (post_id, platform, event_type, from_status, to_status, post_version, detail, occurred_at)
            VALUES (@PostId, @Platform, @EventType, @FromStatus, @ToStatus, @PostVersion, @Detail, @OccurredAt);
            """,
            new
            {
                postEvent.PostId,
                Platform = postEvent.Platform?.ToWireName(),
                postEvent.EventType,
                postEvent.FromStatus,
                postEvent.ToStatus,
                postEvent.PostVersion,
                postEvent.Detail,
                OccurredAt = Time(postEvent.OccurredAt),
            }, cancellationToken));

    public async Task<IReadOnlyList<PostEvent>> ListForPostAsync(string postId, CancellationToken cancellationToken)
    {
        var rows = await db.Connection.QueryAsync<EventRow>(Command(db,
            """
            SELECT id AS Id, post_id AS PostId, platform AS Platform, event_type AS EventType, from_status AS FromStatus,
                   to_status AS ToStatus, post_version AS PostVersion, detail AS Detail, occurred_at AS OccurredAt
            FROM post_events WHERE post_id = @postId ORDER BY id;
            """,
            new { postId }, cancellationToken));
        return rows.Select(r => new PostEvent
        {
            Id = r.Id,
            PostId = r.PostId,
            Platform = r.Platform is null ? null : PlatformNames.Parse(r.Platform),
            EventType = r.EventType,
            FromStatus = r.FromStatus,
            ToStatus = r.ToStatus,
            PostVersion = (int)r.PostVersion,
            Detail = r.Detail,
            OccurredAt = ParseTime(r.OccurredAt),
        }).ToList();
    }

    public Task<int> CountScheduledSinceAsync(string workspaceId, DateTimeOffset since, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db,
            """
            SELECT COUNT(*) FROM post_events e JOIN posts p ON p.id = e.post_id
            WHERE p.workspace_id = @workspaceId AND e.occurred_at >= @since AND e.platform IS NULL
              AND e.to_status = 'scheduled' AND (e.from_status IS NULL OR e.from_status <> 'scheduled');
            """,
            new { workspaceId, since = Time(since) }, cancellationToken));

    private sealed class EventRow
    {
        public long Id { get; init; }
        public string PostId { get; init; } = "";
        public string? Platform { get; init; }
        public string EventType { get; init; } = "";
        public string? FromStatus { get; init; }
        public string? ToStatus { get; init; }
        public long PostVersion { get; init; }
        public string? Detail { get; init; }
        public string OccurredAt { get; init; } = "";
    }
}

internal sealed class PublishHandleRepository(DbContext db) : IPublishHandleRepository
{
    public Task<string?> GetAsync(string postId, Platform platform, string kind, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<string?>(Command(db,
            "SELECT value FROM publish_handles WHERE post_id = @postId AND platform = @platform AND kind = @kind;",
            new { postId, platform = platform.ToWireName(), kind }, cancellationToken));

    public Task SetAsync(string postId, Platform platform, string kind, string value, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO publish_handles (post_id, platform, kind, value, updated_at) VALUES (@postId, @platform, @kind, @value, @at)
            ON CONFLICT (post_id, platform, kind) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;
            """,
            new { postId, platform = platform.ToWireName(), kind, value, at = Time(at) }, cancellationToken));
}

internal sealed class IdempotencyKeyRepository(DbContext db) : IIdempotencyKeyRepository
{
    public async Task<IdempotencyRecord?> GetAsync(string workspaceId, string tool, string key, CancellationToken cancellationToken)
    {
        var row = await db.Connection.QuerySingleOrDefaultAsync<KeyRow>(Command(db,
            """
            SELECT workspace_id AS WorkspaceId, tool AS Tool, key AS Key, request_hash AS RequestHash, post_id AS PostId, created_at AS CreatedAt
            FROM idempotency_keys WHERE workspace_id = @workspaceId AND tool = @tool AND key = @key;
            """,
            new { workspaceId, tool, key }, cancellationToken));
        return row is null ? null : new IdempotencyRecord(row.WorkspaceId, row.Tool, row.Key, row.RequestHash, row.PostId, ParseTime(row.CreatedAt));
    }

    public Task InsertAsync(IdempotencyRecord record, CancellationToken cancellationToken) =>
        db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO idempotency_keys (workspace_id, tool, key, request_hash, post_id, created_at)
            VALUES (@WorkspaceId, @Tool, @Key, @RequestHash, @PostId, @CreatedAt);
            """,
            new { record.WorkspaceId, record.Tool, record.Key, record.RequestHash, record.PostId, CreatedAt = Time(record.CreatedAt) },
            cancellationToken));

    private sealed class KeyRow
    {
        public string WorkspaceId { get; init; } = "";
        public string Tool { get; init; } = "";
        public string Key { get; init; } = "";
        public string RequestHash { get; init; } = "";
        public string PostId { get; init; } = "";
        public string CreatedAt { get; init; } = "";
    }
}
