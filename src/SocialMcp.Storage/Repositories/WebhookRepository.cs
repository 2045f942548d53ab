using System.Text;
using Dapper;
using SocialMcp.Core.Webhooks;
using static SocialMcp.Storage.Repositories.DbValues;

namespace SocialMcp.Storage.Repositories;

internal sealed class WebhookRepository(DbContext db) : IWebhookRepository
{
    private const string EndpointColumns =
        """
        id AS Id, workspace_id AS WorkspaceId, url AS Url, description AS Description, event_types AS EventTypes,
        secret_reference AS SecretReference, previous_secret_reference AS PreviousSecretReference,
        previous_secret_expires_at AS PreviousSecretExpiresAt, disabled_at AS DisabledAt, disabled_reason AS DisabledReason,
        consecutive_failures AS ConsecutiveFailures, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string DeliveryColumns =
        """
        d.id AS Id, d.event_id AS EventId, e.type AS EventType, e.post_id AS PostId, d.endpoint_id AS EndpointId, d.status AS Status,
        d.attempt_count AS AttemptCount, d.last_status_code AS LastStatusCode, d.last_latency_ms AS LastLatencyMs, d.last_error AS LastError,
        d.last_attempt_at AS LastAttemptAt, d.next_attempt_at AS NextAttemptAt, e.created_at AS EventCreatedAt, d.created_at AS CreatedAt
        """;

    public async Task<IReadOnlyList<string>> ListSubscribedEndpointIdsAsync(string workspaceId, string eventType, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db, db.Sql(
            sqlite: """
            SELECT id FROM webhook_endpoints
            WHERE workspace_id = @workspaceId AND disabled_at IS NULL
              AND (event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(event_types) WHERE value = @eventType))
            ORDER BY id;
            """,
            postgres: """
            SELECT id FROM webhook_endpoints
            WHERE workspace_id = @workspaceId AND disabled_at IS NULL
              AND (event_types IS NULL OR event_types::jsonb ? @eventType)
            ORDER BY id;
            """),
            new { workspaceId, eventType }, cancellationToken))).ToList();

    public async Task EnqueueAsync(WebhookEvent webhookEvent, IReadOnlyList<string> endpointIds, CancellationToken cancellationToken)
    {
        var createdAt = Time(webhookEvent.CreatedAt);
        await db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO webhook_events (id, workspace_id, type, post_id, payload, created_at)
            VALUES (@Id, @WorkspaceId, @Type, @PostId, @Payload, @CreatedAt);
            """,
            new { webhookEvent.Id, webhookEvent.WorkspaceId, webhookEvent.Type, webhookEvent.PostId, webhookEvent.Payload, CreatedAt = createdAt },
            cancellationToken));
        foreach (var endpointId in endpointIds)
            await InsertDeliveryAsync(webhookEvent.Id, endpointId, webhookEvent.CreatedAt, cancellationToken);
    }

    public async Task InsertEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO webhook_endpoints (id, workspace_id, url, description, event_types, secret_reference, consecutive_failures, created_at, updated_at)
            VALUES (@Id, @WorkspaceId, @Url, @Description, @EventTypes, @SecretReference, 0, @CreatedAt, @CreatedAt);
            """,
            new
            {
                endpoint.Id, endpoint.WorkspaceId, endpoint.Url, endpoint.Description,
                EventTypes = endpoint.EventTypes is null ? null : Json(endpoint.EventTypes),
                endpoint.SecretReference, CreatedAt = Time(endpoint.CreatedAt),
            }, cancellationToken));

    public async Task<WebhookEndpoint?> GetEndpointAsync(string workspaceId, string endpointId, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<EndpointRow>(Command(db,
            $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE workspace_id = @workspaceId AND id = @endpointId;",
            new { workspaceId, endpointId }, cancellationToken))).FirstOrDefault()?.ToEndpoint();

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string workspaceId, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<EndpointRow>(Command(db,
            $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE workspace_id = @workspaceId ORDER BY created_at, id;",
            new { workspaceId }, cancellationToken))).Select(r => r.ToEndpoint()).ToList();

    public Task<int> CountEndpointsAsync(string workspaceId, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<int>(Command(db, "SELECT COUNT(*) FROM webhook_endpoints WHERE workspace_id = @workspaceId;",
            new { workspaceId }, cancellationToken));

    public async Task<bool> DeleteEndpointAsync(string workspaceId, string endpointId, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = @endpointId
                AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE workspace_id = @workspaceId));
            DELETE FROM webhook_deliveries WHERE endpoint_id = @endpointId
                AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE workspace_id = @workspaceId);
            DELETE FROM webhook_endpoints WHERE workspace_id = @workspaceId AND id = @endpointId;
            """,
            new { workspaceId, endpointId }, cancellationToken)) > 0;

    public async Task<bool> RotateSecretAsync(string endpointId, string secretReference, string previousSecretReference, DateTimeOffset previousExpiresAt,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE webhook_endpoints SET secret_reference = @secretReference, previous_secret_reference = @previousSecretReference,
                previous_secret_expires_at = @expires, updated_at = @now
            WHERE id = @endpointId;
            """,
            new { endpointId, secretReference, previousSecretReference, expires = Time(previousExpiresAt), now = Time(now) }, cancellationToken)) == 1;

    public async Task<bool> DisableEndpointAsync(string endpointId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var disabled = await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE webhook_endpoints SET disabled_at = @now, disabled_reason = @reason, updated_at = @now
            WHERE id = @endpointId AND disabled_at IS NULL;
            """,
            new { endpointId, reason, now = Time(now) }, cancellationToken)) == 1;
        if (disabled)
        {
            await db.Connection.ExecuteAsync(Command(db,
                """
                UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = @now
                WHERE endpoint_id = @endpointId AND status = 'pending';
                """,
                new { endpointId, now = Time(now) }, cancellationToken));
        }
        return disabled;
    }

    public Task<bool> AnyDueDeliveryAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Connection.ExecuteScalarAsync<bool>(Command(db,
            """
            SELECT EXISTS (SELECT 1 FROM webhook_deliveries
                           WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now));
            """,
            new { now = Time(now) }, cancellationToken));

    public Task<string?> ClaimDueDeliveryAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, string? deliveryId, CancellationToken cancellationToken) =>
        // An earlier event of the same post (by the outbox's insertion order: rowid, seq on PostgreSQL) still pending at the
        // same endpoint holds this one back, whether it waits for a retry or is being sent right now.
        // PostgreSQL: the pick is locked FOR UPDATE SKIP LOCKED, so instances claiming at once take different deliveries
        // instead of queueing behind one row lock. A skipped delivery is still pending, so it still holds back its post's
        // later events.
        db.Connection.ExecuteScalarAsync<string?>(Command(db, db.Sql(
            sqlite: """
            UPDATE webhook_deliveries SET lease_owner = @owner, lease_until = @leaseUntil, updated_at = @now
            WHERE id = (
                SELECT d.id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE d.status = 'pending' AND (@deliveryId IS NULL OR d.id = @deliveryId)
                  AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until <= @now)
                  AND (e.post_id IS NULL OR NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries d2 JOIN webhook_events e2 ON e2.id = d2.event_id
                      WHERE d2.endpoint_id = d.endpoint_id AND d2.status = 'pending' AND d2.id <> d.id
                        AND e2.post_id = e.post_id AND e2.rowid < e.rowid))
                ORDER BY d.next_attempt_at, e.rowid
                LIMIT 1)
            RETURNING id;
            """,
            postgres: """
            UPDATE webhook_deliveries SET lease_owner = @owner, lease_until = @leaseUntil, updated_at = @now
            WHERE id = (
                SELECT d.id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE d.status = 'pending' AND (@deliveryId::text IS NULL OR d.id = @deliveryId::text)
                  AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until <= @now)
                  AND (e.post_id IS NULL OR NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries d2 JOIN webhook_events e2 ON e2.id = d2.event_id
                      WHERE d2.endpoint_id = d.endpoint_id AND d2.status = 'pending' AND d2.id <> d.id
                        AND e2.post_id = e.post_id AND e2.seq < e.seq))
                ORDER BY d.next_attempt_at, e.seq
                LIMIT 1 FOR UPDATE OF d SKIP LOCKED)
            RETURNING id;
            """),
            new { owner, now = Time(now), leaseUntil = Time(leaseUntil), deliveryId }, cancellationToken));

    public async Task<IReadOnlyList<string>> ListLeaseOwnersAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db,
            "SELECT DISTINCT lease_owner FROM webhook_deliveries WHERE status = 'pending' AND lease_owner IS NOT NULL AND lease_until > @now;",
            new { now = Time(now) }, cancellationToken))).ToList();

    public Task<int> ReleaseLeasesAsync(IReadOnlyCollection<string> owners, CancellationToken cancellationToken) =>
        // Dapper expands a list into (@owners1, @owners2, ...) on SQLite; Npgsql takes it as one array parameter.
        db.Connection.ExecuteAsync(Command(db, db.Sql(
            sqlite: "UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND lease_owner IN @owners;",
            postgres: "UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND lease_owner = ANY(@owners);"),
            new { owners = owners.ToArray() }, cancellationToken));

    public async Task<WebhookDeliveryWork?> GetDeliveryWorkAsync(string deliveryId, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<WorkRow>(Command(db,
            """
            SELECT d.id AS DeliveryId, d.event_id AS EventId, e.type AS EventType, e.payload AS Payload, d.endpoint_id AS EndpointId,
                   w.workspace_id AS WorkspaceId, w.url AS Url, w.secret_reference AS SecretReference,
                   w.previous_secret_reference AS PreviousSecretReference, w.previous_secret_expires_at AS PreviousSecretExpiresAt,
                   w.disabled_at AS DisabledAt, d.attempt_count AS AttemptCount, d.created_at AS CreatedAt
            FROM webhook_deliveries d
            JOIN webhook_events e ON e.id = d.event_id
            JOIN webhook_endpoints w ON w.id = d.endpoint_id
            WHERE d.id = @deliveryId;
            """,
            new { deliveryId }, cancellationToken))).FirstOrDefault()?.ToWork();

    public async Task<bool> CompleteAttemptAsync(WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
    {
        var updated = await db.Connection.ExecuteAsync(Command(db,
            """
            UPDATE webhook_deliveries SET status = @status, attempt_count = @Attempt, next_attempt_at = @next, last_attempt_at = @attemptedAt,
                last_status_code = @StatusCode, last_latency_ms = @LatencyMs, last_error = @Error, lease_owner = NULL, lease_until = NULL,
                updated_at = @attemptedAt
            WHERE id = @DeliveryId AND status = 'pending';
            """,
            new
            {
                status, attempt.Attempt, next = Time(nextAttemptAt), attemptedAt = Time(attempt.AttemptedAt), attempt.StatusCode,
                attempt.LatencyMs, attempt.Error, attempt.DeliveryId,
            }, cancellationToken));
        if (updated == 0)
            return false;
        await db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO webhook_delivery_attempts (delivery_id, attempt, attempted_at, outcome, status_code, latency_ms, error)
            VALUES (@DeliveryId, @Attempt, @attemptedAt, @Outcome, @StatusCode, @LatencyMs, @Error);
            """,
            new { attempt.DeliveryId, attempt.Attempt, attemptedAt = Time(attempt.AttemptedAt), attempt.Outcome, attempt.StatusCode, attempt.LatencyMs, attempt.Error },
            cancellationToken));
        return true;
    }

    public async Task SetConsecutiveFailuresAsync(string endpointId, int failures, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Connection.ExecuteAsync(Command(db,
            "UPDATE webhook_endpoints SET consecutive_failures = @failures WHERE id = @endpointId AND consecutive_failures <> @failures;",
            new { endpointId, failures }, cancellationToken));

    public async Task<DateTimeOffset?> FailingSinceAsync(string endpointId, CancellationToken cancellationToken) =>
        ParseOptionalTime(await db.Connection.ExecuteScalarAsync<string?>(Command(db,
            """
            SELECT MIN(a.attempted_at) FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
            JOIN webhook_events e ON e.id = d.event_id
            WHERE d.endpoint_id = @endpointId AND a.outcome = 'failed' AND e.type <> 'webhook.test'
              AND a.attempted_at > COALESCE((
                  SELECT MAX(a2.attempted_at) FROM webhook_delivery_attempts a2 JOIN webhook_deliveries d2 ON d2.id = a2.delivery_id
                  WHERE d2.endpoint_id = @endpointId AND a2.outcome = 'succeeded'), '');
            """,
            new { endpointId }, cancellationToken)));

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string workspaceId, WebhookDeliveryQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {DeliveryColumns} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.workspace_id = @workspaceId");
        if (query.EndpointId is not null) sql.Append(" AND d.endpoint_id = @EndpointId");
        if (query.Status is not null) sql.Append(" AND d.status = @Status");
        if (query.EventType is not null) sql.Append(" AND e.type = @EventType");
        if (query.EventId is not null) sql.Append(" AND d.event_id = @EventId");
        if (query.From is not null) sql.Append(" AND e.created_at >= @from");
        if (query.To is not null) sql.Append(" AND e.created_at < @to");
        // Insertion order breaks ties between deliveries created in the same instant.
        sql.Append(db.Sql(sqlite: " ORDER BY d.created_at DESC, d.rowid DESC LIMIT @Limit;", postgres: " ORDER BY d.created_at DESC, d.seq DESC LIMIT @Limit;"));
        return (await db.Connection.QueryAsync<DeliveryRow>(Command(db, sql.ToString(),
            new { workspaceId, query.EndpointId, query.Status, query.EventType, query.EventId, from = Time(query.From), to = Time(query.To), query.Limit },
            cancellationToken))).Select(r => r.ToDelivery()).ToList();
    }

    public async Task<WebhookDelivery?> GetDeliveryAsync(string workspaceId, string deliveryId, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<DeliveryRow>(Command(db,
            $"SELECT {DeliveryColumns} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.workspace_id = @workspaceId AND d.id = @deliveryId;",
            new { workspaceId, deliveryId }, cancellationToken))).FirstOrDefault()?.ToDelivery();

    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string deliveryId, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<AttemptRow>(Command(db,
            """
            SELECT delivery_id AS DeliveryId, attempt AS Attempt, attempted_at AS AttemptedAt, outcome AS Outcome, status_code AS StatusCode,
                   latency_ms AS LatencyMs, error AS Error
            FROM webhook_delivery_attempts WHERE delivery_id = @deliveryId ORDER BY attempt;
            """,
            new { deliveryId }, cancellationToken))).Select(r => r.ToAttempt()).ToList();

    public async Task<string> InsertDeliveryAsync(string eventId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = NewDeliveryId(now);
        await db.Connection.ExecuteAsync(Command(db,
            """
            INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempt_count, next_attempt_at, created_at, updated_at)
            VALUES (@id, @eventId, @endpointId, 'pending', 0, @now, @now, @now);
            """,
            new { id, eventId, endpointId, now = Time(now) }, cancellationToken));
        return id;
    }

    public async Task<IReadOnlyList<string>> ListEventIdsAsync(string workspaceId, IReadOnlyList<string>? eventTypes, DateTimeOffset from, DateTimeOffset to,
        int limit, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db, db.Sql(
            sqlite: """
            SELECT id FROM webhook_events
            WHERE workspace_id = @workspaceId AND created_at >= @from AND created_at < @to AND type <> 'webhook.test'
              AND (@types IS NULL OR EXISTS (SELECT 1 FROM json_each(@types) WHERE value = type))
            ORDER BY created_at, rowid
            LIMIT @limit;
            """,
            postgres: """
            SELECT id FROM webhook_events
            WHERE workspace_id = @workspaceId AND created_at >= @from AND created_at < @to AND type <> 'webhook.test'
              AND (@types::jsonb IS NULL OR @types::jsonb ? type)
            ORDER BY created_at, seq
            LIMIT @limit;
            """),
            new { workspaceId, from = Time(from), to = Time(to), types = eventTypes is null ? null : Json(eventTypes), limit }, cancellationToken))).ToList();

    /// <summary>A delivery id: <c>dlv_</c> and a time-ordered GUID, so deliveries sort by creation.</summary>
    internal static string NewDeliveryId(DateTimeOffset now) => "dlv_" + Guid.CreateVersion7(now).ToString("N");

    private sealed class EndpointRow
    {
        public string Id { get; set; } = "";
        public string WorkspaceId { get; set; } = "";
        public string Url { get; set; } = "";
        public string? Description { get; set; }
        public string? EventTypes { get; set; }
        public string SecretReference { get; set; } = "";
        public string? PreviousSecretReference { get; set; }
        public string? PreviousSecretExpiresAt { get; set; }
        public string? DisabledAt { get; set; }
        public string? DisabledReason { get; set; }
        public long ConsecutiveFailures { get; set; }
        public string CreatedAt { get; set; } = "";
        public string UpdatedAt { get; set; } = "";

        public WebhookEndpoint ToEndpoint() => new(Id, WorkspaceId, Url, Description,
            EventTypes is null ? null : FromJson<List<string>>(EventTypes), SecretReference, PreviousSecretReference,
            ParseOptionalTime(PreviousSecretExpiresAt), ParseOptionalTime(DisabledAt), DisabledReason, (int)ConsecutiveFailures,
            ParseTime(CreatedAt), ParseTime(UpdatedAt));
    }

    private sealed class DeliveryRow
    {
        public string Id { get; set; } = "";
        public string EventId { get; set; } = "";
        public string EventType { get; set; } = "";
        public string? PostId { get; set; }
        public string EndpointId { get; set; } = "";
        public string Status { get; set; } = "";
        public long AttemptCount { get; set; }
        public long? LastStatusCode { get; set; }
        public long? LastLatencyMs { get; set; }
        public string? LastError { get; set; }
        public string? LastAttemptAt { get; set; }
        public string? NextAttemptAt { get; set; }
        public string EventCreatedAt { get; set; } = "";
        public string CreatedAt { get; set; } = "";

        public WebhookDelivery ToDelivery() => new(Id, EventId, EventType, PostId, EndpointId, Status, (int)AttemptCount, (int?)LastStatusCode,
            (int?)LastLatencyMs, LastError, ParseOptionalTime(LastAttemptAt), ParseOptionalTime(NextAttemptAt), ParseTime(EventCreatedAt), ParseTime(CreatedAt));
    }

    private sealed class AttemptRow
    {
        public string DeliveryId { get; set; } = "";
        public long Attempt { get; set; }
        public string AttemptedAt { get; set; } = "";
        public string Outcome { get; set; } = "";
        public long? StatusCode { get; set; }
        public long LatencyMs { get; set; }
        public string? Error { get; set; }

        public WebhookAttempt ToAttempt() => new(DeliveryId, (int)Attempt, ParseTime(AttemptedAt), Outcome, (int?)StatusCode, (int)LatencyMs, Error);
    }

    private sealed class WorkRow
    {
        public string DeliveryId { get; set; } = "";
        public string EventId { get; set; } = "";
        public string EventType { get; set; } = "";
        public string Payload { get; set; } = "";
        public string EndpointId { get; set; } = "";
        public string WorkspaceId { get; set; } = "";
        public string Url { get; set; } = "";
        public string SecretReference { get; set; } = "";
        public string? PreviousSecretReference { get; set; }
        public string? PreviousSecretExpiresAt { get; set; }
        public string? DisabledAt { get; set; }
        public long AttemptCount { get; set; }
        public string CreatedAt { get; set; } = "";

        public WebhookDeliveryWork ToWork() => new(DeliveryId, EventId, EventType, Payload, EndpointId, WorkspaceId, Url, SecretReference,
            PreviousSecretReference, ParseOptionalTime(PreviousSecretExpiresAt), DisabledAt is not null, (int)AttemptCount, ParseTime(CreatedAt));
    }
}
