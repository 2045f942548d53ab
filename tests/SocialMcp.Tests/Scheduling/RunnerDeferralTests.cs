using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;

namespace SocialMcp.Tests.Scheduling;

/// <summary>
/// Heartbeats in scheduler_runners and what they decide: a stdio server leaves due posts to a live background service and
/// takes them over once its heartbeat is three beats old; a long-lived server fires regardless.
/// </summary>
public sealed class RunnerDeferralTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);
    private static readonly TimeSpan Beat = TimeSpan.FromSeconds(30);

    private static void As(IServiceCollection services, SchedulerRole role) => services.Replace(ServiceDescriptor.Singleton(role));

    /// <summary>A background service in another process says it is alive, now.</summary>
    private static Task ServiceBeatsAsync(SchedulerHarness server) => server.Store.WriteAsync(async session =>
    {
        await session.Runners.HeartbeatAsync(new RunnerRecord("other-host/4242/service", RunnerKinds.Service, SchedulerHarness.Start, server.Clock.GetUtcNow()), Ct);
        return true;
    }, Ct);

    [Fact]
    public async Task StdioServer_WhileAServiceIsAlive_LeavesDuePostsToIt_AndFiresThemOnceItsHeartbeatIsThreeBeatsOld()
    {
        await using var server = await SchedulerHarness.CreateAsync(configure: s => As(s, SchedulerRole.StdioServer));
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.StartAsync();
        server.Clock.Advance(Due - server.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        await ServiceBeatsAsync(server);

        await server.AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(PostStatus.Scheduled, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
        // Not a tight loop over the due post it leaves: it looks again after a heartbeat.
        Assert.Equal(Due + Beat, server.Status.SleepingUntil);

        // The service beats once more, then stops beating (it crashed): three beats later the stdio server fires the post.
        await ServiceBeatsAsync(server);
        var lastBeat = server.Clock.GetUtcNow();
        for (var i = 0; i < 10 && (await server.GetAsync(post.Post.Id)).Post.Status == PostStatus.Scheduled; i++)
        {
            Assert.True(server.Clock.GetUtcNow() - lastBeat <= Beat * 3, "fired only once the service's heartbeat was stale");
            await server.AdvanceAsync(Beat);
        }

        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(1, server.DeliveriesOf(post.Post.Id));
        Assert.True(server.Clock.GetUtcNow() - lastBeat > Beat * 3);
    }

    [Fact]
    public async Task StdioServer_WithNoServiceEverSeen_FiresDuePostsItself()
    {
        await using var server = await SchedulerHarness.CreateAsync(configure: s => As(s, SchedulerRole.StdioServer));
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.StartAsync();

        await server.AdvanceAsync(TimeSpan.FromMinutes(10));

        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
    }

    [Fact]
    public async Task LongLivedServer_FiresDuePostsEvenWhileAServiceIsAlive()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        await server.StartAsync();
        server.Clock.Advance(Due - server.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        await ServiceBeatsAsync(server);

        await server.AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(1, server.DeliveriesOf(post.Post.Id));
    }

    [Fact]
    public async Task Heartbeat_NamesItsKind_IsAliveForThreeBeats_AndIsRemovedOnStop()
    {
        await using var stdio = await SchedulerHarness.CreateAsync(configure: s => As(s, SchedulerRole.StdioServer));
        await using var service = await stdio.SecondServerAsync(configure: s => As(s, SchedulerRole.Service));
        var presence = stdio.Get<RunnerPresence>();

        var nobody = await presence.CheckAsync(Ct);
        Assert.False(nobody.Alive);
        Assert.Contains("socialmcp service install", nobody.Hint);

        await stdio.Get<RunnerHeartbeat>().BeatAsync(Ct);
        var onlyStdio = await presence.CheckAsync(Ct);
        Assert.True(onlyStdio.Alive);
        Assert.Equal(RunnerKinds.Server, onlyStdio.Kind);
        Assert.False(onlyStdio.ServiceAlive);
        // A stdio server lives only while the agent's app is open: the agent is still told about the service.
        Assert.Contains("socialmcp service install", onlyStdio.Hint);

        await service.Get<RunnerHeartbeat>().BeatAsync(Ct);
        var withService = await presence.CheckAsync(Ct);
        Assert.True(withService.ServiceAlive);
        Assert.Equal(RunnerKinds.Service, withService.Kind);
        Assert.Equal(stdio.Clock.GetUtcNow(), withService.LastSeenAt);
        Assert.Null(withService.Hint);

        stdio.Clock.Advance(Beat * 3);
        Assert.True((await presence.CheckAsync(Ct)).ServiceAlive);
        stdio.Clock.Advance(TimeSpan.FromSeconds(1));
        var stale = await presence.CheckAsync(Ct);
        Assert.False(stale.ServiceAlive);
        Assert.False(stale.Alive);
        Assert.NotNull(stale.Hint);

        await service.Get<RunnerHeartbeat>().BeatAsync(Ct);
        await service.Get<RunnerHeartbeat>().StopAsync(Ct);
        Assert.Null(await stdio.Store.ReadAsync(session => session.Runners.GetLatestAsync(RunnerKinds.Service, Ct), Ct));
    }

    [Fact]
    public async Task Heartbeat_AsAHostedService_BeatsEveryInterval()
    {
        await using var server = await SchedulerHarness.CreateAsync(configure: s => As(s, SchedulerRole.Service));
        var heartbeat = server.Get<RunnerHeartbeat>();
        var runners = server.Store;

        await heartbeat.StartAsync(Ct);
        try
        {
            var first = await WaitForBeatAsync(runners, after: null);
            Assert.Equal(SchedulerHarness.Start, first.LastSeenAt);
            Assert.Equal(RunnerKinds.Service, first.Kind);
            // Moved only once the heartbeat waits: a timer started after the move would wait from the new time.
            await ((WatchedFakeTimeProvider)server.Clock).WaitForDelayAsync(Beat);
            server.Clock.Advance(Beat);
            var second = await WaitForBeatAsync(runners, after: first.LastSeenAt);
            Assert.Equal(SchedulerHarness.Start + Beat, second.LastSeenAt);
            Assert.Equal(first.StartedAt, second.StartedAt);
        }
        finally
        {
            await heartbeat.StopAsync(Ct);
        }
    }

    // The beat runs on the host's thread pool: wait for its write (bounded), without moving the clock.
    private static async Task<RunnerRecord> WaitForBeatAsync(IStore store, DateTimeOffset? after)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var runner = await store.ReadAsync(session => session.Runners.GetLatestAsync(RunnerKinds.Service, Ct), Ct);
            if (runner is not null && (after is null || runner.LastSeenAt > after))
                return runner;
            await Task.Delay(10, patience.Token);
        }
    }
}
