using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Http.Health;
using SocialMcp.Tests.Scheduling;
using SocialMcp.Tests.Verification;

namespace SocialMcp.Tests.Overdue;

/// <summary>
/// The overdue alarm (issue 16) on a fake clock: a due post that nobody fires raises post.overdue once (posts.overdue_at, a
/// post event, an outbox row) and shows in health and /healthz's overdue check; a post published in time never does.
/// </summary>
public sealed class OverdueAlarmTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);

    [Fact]
    public async Task DuePostWithNoRunner_PastOverdueAfter_RaisesPostOverdueOnce_AndShowsInHealth()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        await OutboxRows.AddEndpointAsync(server.OpenConnectionAsync, LocalWorkspace.Id, server.Clock.GetUtcNow());
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        var alarm = server.Get<OverdueAlarm>();

        // Due, but not yet OverdueAfter (15 minutes) past it: nothing.
        server.Clock.Advance(Due - server.Clock.GetUtcNow() + TimeSpan.FromMinutes(14));
        Assert.Equal(0, await alarm.RaiseAsync(Ct));
        Assert.Equal(0, (await server.Health.CheckAsync(Ct)).OverduePosts);

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await alarm.RaiseAsync(Ct));
        Assert.Equal(0, await alarm.RaiseAsync(Ct)); // once: the mark guards it
        server.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await alarm.RaiseAsync(Ct));

        var stored = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Scheduled, stored.Post.Status);
        Assert.Equal(Due.AddMinutes(16), stored.Post.OverdueAt);
        var events = await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct);
        Assert.Single(events, e => e.EventType == OverdueAlarm.EventType);
        var outbox = Assert.Single(await OutboxRows.EventsAsync(server.OpenConnectionAsync, WebhookEventTypes.PostOverdue));
        Assert.Equal(post.Post.Id, outbox.PostId);
        Assert.Equal(1, await OutboxRows.DeliveriesAsync(server.OpenConnectionAsync, outbox.Id));
        using (var payload = JsonDocument.Parse(outbox.Payload))
        {
            var data = payload.RootElement.GetProperty("data");
            Assert.Equal(post.Post.Id, data.GetProperty("postId").GetString());
            Assert.Equal(Due, data.GetProperty("dueAt").GetDateTimeOffset());
        }

        // No runner: health says the scheduler is not alive, and still counts the overdue post (a query, not the alarm).
        var health = await server.Health.CheckAsync(Ct);
        Assert.False(health.Alive);
        Assert.Equal(1, health.OverduePosts);
        Assert.Equal(Due, health.OldestOverduePostDueAt);
        Assert.Contains("1 post is overdue", health.Summary);
        var check = await OverdueCheck(server).CheckHealthAsync(new HealthCheckContext(), Ct);
        Assert.Equal(HealthStatus.Degraded, check.Status);
        Assert.Contains("1 post is overdue", check.Description);
    }

    [Fact]
    public async Task OverduePost_ThatThenBecomesMissed_StopsCounting()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(Due - server.Clock.GetUtcNow() + TimeSpan.FromHours(2));
        Assert.Equal(1, await server.Get<OverdueAlarm>().RaiseAsync(Ct));
        Assert.Equal(1, (await server.Health.CheckAsync(Ct)).OverduePosts);

        // A runner starts: the post is past its lateness (1 hour), so it becomes missed and leaves the overdue count.
        await server.StartAsync();

        Assert.Equal(PostStatus.Missed, (await server.GetAsync(post.Post.Id)).Post.Status);
        var health = await server.Health.CheckAsync(Ct);
        Assert.Equal(0, health.OverduePosts);
        Assert.Equal("ok", health.Status);
        Assert.Equal(HealthStatus.Healthy, (await OverdueCheck(server).CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
    }

    [Fact]
    public async Task PostPublishedInTime_NeverRaisesTheAlarm()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        await OutboxRows.AddEndpointAsync(server.OpenConnectionAsync, LocalWorkspace.Id, server.Clock.GetUtcNow());
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.StartAsync();

        await server.AdvanceAsync(Due - server.Clock.GetUtcNow());
        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
        // The worker's own passes run the alarm too; and once more by hand well past OverdueAfter.
        await server.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal(0, await server.Get<OverdueAlarm>().RaiseAsync(Ct));

        Assert.Null((await server.GetAsync(post.Post.Id)).Post.OverdueAt);
        Assert.Empty(await OutboxRows.EventsAsync(server.OpenConnectionAsync, WebhookEventTypes.PostOverdue));
        Assert.Equal(0, (await server.Health.CheckAsync(Ct)).OverduePosts);
    }

    [Fact]
    public async Task PublishStuckUnderAnotherHostsRenewedLease_IsRaisedByTheWorkersPass()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        await OutboxRows.AddEndpointAsync(server.OpenConnectionAsync, LocalWorkspace.Id, server.Clock.GetUtcNow());
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        // Another machine's publisher took the post at its time and keeps renewing its lease far past it.
        server.Clock.Advance(Due - server.Clock.GetUtcNow());
        await server.Store.WriteAsync(async s =>
        {
            Assert.True(await s.Posts.UpdateAsync(post.Post with { Status = PostStatus.Publishing, Version = post.Post.Version + 1, UpdatedAt = Due }, post.Post.Version, Ct));
            Assert.True(await s.Posts.TakeLeaseAsync(post.Post.Id, "other-host/77/publisher", Due.AddDays(1), Ct));
            return true;
        }, Ct);
        await server.StartAsync();

        // The worker sleeps until its recheck (the harness's is an hour): the lease is live, nothing else is due.
        await server.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal(PostStatus.Publishing, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.NotNull((await server.GetAsync(post.Post.Id)).Post.OverdueAt);
        Assert.Single(await OutboxRows.EventsAsync(server.OpenConnectionAsync, WebhookEventTypes.PostOverdue));
        var health = await server.Health.CheckAsync(Ct);
        Assert.Equal(1, health.OverduePosts);
        Assert.Equal("degraded", health.Status);
    }

    private static OverdueHealthCheck OverdueCheck(SchedulerHarness server) =>
        new(server.Get<OverdueAlarm>(), server.Get<IOptions<SchedulingOptions>>(), NullLogger<OverdueHealthCheck>.Instance);
}
