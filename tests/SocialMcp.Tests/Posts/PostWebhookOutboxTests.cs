using Dapper;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Posts;

/// <summary>
/// The transactional outbox (issue 16): a post's status changes write their webhook events in the change's own transaction,
/// one pending delivery per subscribed endpoint; a workspace without endpoints writes none; a rolled-back change leaves none.
/// </summary>
public sealed class PostWebhookOutboxTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Theory]
    [InlineData(null, PostStatus.Draft, "created", WebhookEventTypes.PostCreated)]
    [InlineData(PostStatus.Draft, PostStatus.Scheduled, "scheduled", WebhookEventTypes.PostScheduled)]
    [InlineData(PostStatus.Scheduled, PostStatus.Scheduled, "rescheduled", WebhookEventTypes.PostScheduled)]
    [InlineData(PostStatus.Scheduled, PostStatus.Scheduled, "updated", null)]
    [InlineData(PostStatus.Publishing, PostStatus.Published, "publish_finished", WebhookEventTypes.PostPublished)]
    [InlineData(PostStatus.Publishing, PostStatus.Partial, "publish_finished", WebhookEventTypes.PostPartiallyPublished)]
    [InlineData(PostStatus.Scheduled, PostStatus.Failed, "schedule_failed", WebhookEventTypes.PostFailed)]
    [InlineData(PostStatus.Published, PostStatus.Withdrawn, "withdraw_finished", WebhookEventTypes.PostWithdrawn)]
    [InlineData(PostStatus.Published, PostStatus.Published, "withdraw_finished", null)]
    [InlineData(PostStatus.Scheduled, PostStatus.Missed, "post_missed", WebhookEventTypes.PostMissed)]
    [InlineData(PostStatus.Draft, PostStatus.AwaitingApproval, "approval_requested", WebhookEventTypes.PostAwaitingApproval)]
    [InlineData(PostStatus.AwaitingApproval, PostStatus.Scheduled, WebhookOutbox.GrantedChange, null)]
    [InlineData(PostStatus.AwaitingApproval, PostStatus.Scheduled, WebhookOutbox.RejectedChange, null)]
    [InlineData(PostStatus.AwaitingApproval, PostStatus.Published, WebhookOutbox.RejectedChange, null)]
    [InlineData(PostStatus.AwaitingApproval, PostStatus.Publishing, "approval_granted", null)]
    [InlineData(PostStatus.Draft, PostStatus.Publishing, "publish_started", null)]
    public void EventTypeFor_MapsEachMoveToItsEvent(PostStatus? before, PostStatus after, string change, string? expected) =>
        Assert.Equal(expected, WebhookOutbox.EventTypeFor(before, after, change));

    [Fact]
    public async Task Changes_WithoutEndpoints_WriteNoEvents()
    {
        var created = await Posts.CreateAsync(Ws, Drafts.Create("No hooks", Platform.X), Ct);
        await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM webhook_events;"));
    }

    [Fact]
    public async Task Lifecycle_WritesEachEventWithOneDeliveryPerSubscribedEndpoint()
    {
        await InsertEndpointAsync("wh_all", eventTypes: null);
        await InsertEndpointAsync("wh_published", eventTypes: """["post.published"]""");
        await InsertEndpointAsync("wh_disabled", eventTypes: null, disabled: true);

        var created = await Posts.CreateAsync(Ws, Drafts.Create("Hooked", Platform.X), Ct);
        await Posts.ScheduleAsync(Ws, created.Post.Id, TestServices.Start.AddHours(1), null, Ct);
        await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);

        var events = await ListEventsAsync();
        Assert.Equal([WebhookEventTypes.PostCreated, WebhookEventTypes.PostScheduled, WebhookEventTypes.PostPublished], events.Select(e => e.Type));
        Assert.All(events, e => Assert.StartsWith("msg_", e.Id));
        Assert.Contains("\"type\":\"post.published\"", events[^1].Payload);
        Assert.Contains("\"status\":\"published\"", events[^1].Payload);
        Assert.Contains($"\"postId\":\"{created.Post.Id}\"", events[^1].Payload);
        // wh_all takes all three, wh_published one, the disabled endpoint none.
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = 'wh_all' AND status = 'pending';"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = 'wh_published';"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = 'wh_disabled';"));
    }

    [Fact]
    public async Task RolledBackChange_LeavesNoEvent()
    {
        await InsertEndpointAsync("wh_all", eventTypes: null);
        var created = await Posts.CreateAsync(Ws, Drafts.Create("Rolled back", Platform.X), Ct);
        var changes = _services.Get<PostChanges>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _services.Store.WriteAsync<int>(async session =>
        {
            var (post, _) = await PostChanges.LoadAsync(session, Ws, created.Post.Id, Ct);
            await changes.ChangeAsync(session, post, post with { Status = PostStatus.Scheduled, ScheduledFor = TestServices.Start.AddHours(1) },
                "scheduled", null, Ct);
            throw new InvalidOperationException("crash before commit");
        }, Ct));

        Assert.Equal([WebhookEventTypes.PostCreated], (await ListEventsAsync()).Select(e => e.Type));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM webhook_deliveries;"));
    }

    private async Task InsertEndpointAsync(string id, string? eventTypes, bool disabled = false)
    {
        await using var connection = await _services.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO webhook_endpoints (id, workspace_id, url, event_types, secret_reference, disabled_at, created_at, updated_at)
            VALUES (@id, @ws, 'https://hooks.example.com/in', @types, 'vault:test', @disabled, '2026-11-22T09:00:00.0000000Z', '2026-11-22T09:00:00.0000000Z');
            """,
            new { id, ws = Ws, types = eventTypes, disabled = disabled ? "2026-11-22T09:00:00.0000000Z" : null });
    }

    private async Task<List<(string Id, string Type, string Payload)>> ListEventsAsync()
    {
        await using var connection = await _services.OpenConnectionAsync();
        // Insertion order: SQLite's rowid, the seq identity column on PostgreSQL.
        var order = TestServices.OnPostgres ? "seq" : "rowid";
        return (await connection.QueryAsync<(string, string, string)>($"SELECT id, type, payload FROM webhook_events ORDER BY {order};")).ToList();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await _services.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
