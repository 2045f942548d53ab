using Dapper;
using SocialMcp.Core.Webhooks;
using static SocialMcp.Storage.Sqlite.DbValues;

namespace SocialMcp.Storage.Sqlite;

internal sealed class WebhookRepository(DbContext db) : IWebhookRepository
{
    public async Task<IReadOnlyList<string>> ListSubscribedEndpointIdsAsync(string workspaceId, string eventType, CancellationToken cancellationToken) =>
        (await db.Connection.QueryAsync<string>(Command(db,
            """
            SELECT id FROM webhook_endpoints
            WHERE workspace_id = @workspaceId AND disabled_at IS NULL
              AND (event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(event_types) WHERE value = @eventType))
            ORDER BY id;
            """,
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
        {
            await db.Connection.ExecuteAsync(Command(db,
                """
                INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempt_count, next_attempt_at, created_at, updated_at)
                VALUES (@id, @eventId, @endpointId, 'pending', 0, @createdAt, @createdAt, @createdAt);
                """,
                new { id = NewDeliveryId(webhookEvent.CreatedAt), eventId = webhookEvent.Id, endpointId, createdAt }, cancellationToken));
        }
    }

    /// <summary>A delivery id: <c>dlv_</c> and a time-ordered GUID, so deliveries sort by creation.</summary>
    internal static string NewDeliveryId(DateTimeOffset now) => "dlv_" + Guid.CreateVersion7(now).ToString("N");
}
