using SocialMcp.Core.Domain;

namespace SocialMcp.Tests.Scheduling;

public sealed class SchedulerHealthTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Check_WorkerNeverStarted_IsNotAlive()
    {
        await using var server = await SchedulerHarness.CreateAsync();

        var report = await server.Health.CheckAsync(Ct);

        Assert.False(report.Alive);
        Assert.Equal("unhealthy", report.Status);
        Assert.Equal("not_started", report.State);
        Assert.Null(report.LastLoopAt);
    }

    [Fact]
    public async Task Check_WorkerLooping_IsAliveAndOk()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        await server.StartAsync();

        var report = await server.Health.CheckAsync(Ct);

        Assert.True(report.Alive);
        Assert.Equal("ok", report.Status);
        Assert.Equal("running", report.State);
        Assert.Equal(SchedulerHarness.Start, report.LastLoopAt);
        Assert.Equal(0, report.DuePosts);
        Assert.Null(report.OldestOverdueBy);
    }

    [Fact]
    public async Task Check_WorkerStoppedWithDuePosts_IsNotAliveAndReportsTheOldestOverdue()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var due = SchedulerHarness.Start.AddMinutes(10);
        await server.ScheduleNewAsync(due, Platform.X);
        await server.ScheduleNewAsync(due.AddMinutes(10), Platform.X);
        await server.StartAsync();
        await server.StopAsync();
        server.Clock.Advance(TimeSpan.FromHours(1));

        var report = await server.Health.CheckAsync(Ct);

        Assert.False(report.Alive);
        Assert.Equal("unhealthy", report.Status);
        Assert.Equal("stopped", report.State);
        Assert.Equal(2, report.DuePosts);
        Assert.Equal(due, report.OldestDueAt);
        Assert.Equal(TimeSpan.FromMinutes(50), report.OldestOverdueBy);
        Assert.Contains("NOT alive", report.Summary);
    }

    [Fact]
    public async Task Check_AliveButADuePostLeasedLongAgo_IsDegradedWithTheDueCount()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["Scheduling:LeaseDuration"] = "02:00:00",
            ["Scheduling:RecheckInterval"] = "00:10:00",
        });
        var due = SchedulerHarness.Start.AddMinutes(10);
        await server.ScheduleNewAsync(due, Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var now = server.Clock.GetUtcNow();
        await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("stuck-worker", now, now.AddHours(2), 1, Ct)).FirstOrDefault(), Ct);
        await server.StartAsync();
        await server.AdvanceAsync(TimeSpan.FromHours(1)); // rechecks every 10 minutes; the post stays leased

        var report = await server.Health.CheckAsync(Ct);

        Assert.True(report.Alive);
        Assert.Equal("degraded", report.Status);
        Assert.Equal(1, report.DuePosts);
        Assert.Equal(TimeSpan.FromHours(1), report.OldestOverdueBy);
    }
}
