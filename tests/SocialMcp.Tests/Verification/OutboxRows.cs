using System.Data.Common;
using Dapper;

namespace SocialMcp.Tests.Verification;

/// <summary>
/// Reads and seeds the webhook tables straight in the database (either engine, through <c>open</c>): an endpoint that takes every event type (the outbox writes nothing
/// for a workspace without one), and the events and deliveries the outbox wrote.
/// </summary>
public static class OutboxRows
{
    public sealed record EventRow(string Id, string Type, string? PostId, string Payload);

    /// <summary>An enabled endpoint of the workspace subscribed to every type (event_types NULL); returns its id.</summary>
    public static async Task<string> AddEndpointAsync(Func<Task<DbConnection>> open, string workspaceId, DateTimeOffset now)
    {
        var id = "whe_" + Guid.NewGuid().ToString("N");
        await using var connection = await open();
        var at = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'");
        await connection.ExecuteAsync(
            """
            INSERT INTO webhook_endpoints (id, workspace_id, url, secret_reference, created_at, updated_at)
            VALUES (@id, @workspaceId, 'http://127.0.0.1:9/hook', 'test-secret-reference', @at, @at);
            """,
            new { id, workspaceId, at });
        return id;
    }

    public static async Task<IReadOnlyList<EventRow>> EventsAsync(Func<Task<DbConnection>> open, string type)
    {
        await using var connection = await open();
        return (await connection.QueryAsync<EventRow>(
            "SELECT id AS Id, type AS Type, post_id AS PostId, payload AS Payload FROM webhook_events WHERE type = @type ORDER BY created_at, id;",
            new { type })).ToList();
    }

    public static async Task<int> DeliveriesAsync(Func<Task<DbConnection>> open, string eventId)
    {
        await using var connection = await open();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM webhook_deliveries WHERE event_id = @eventId AND status = 'pending';", new { eventId });
    }
}
