using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Scheduling;

/// <summary>
/// The lateness policy on a fake clock: a post whose time passed while no scheduler ran is fired when it is found within
/// its lateness, and marked missed (never published by itself) beyond it; publish_post, schedule_post and cancel_post then
/// decide what becomes of it.
/// </summary>
public sealed class LatenessTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Due = SchedulerHarness.Start.AddMinutes(10);

    private sealed class RecordingNotifier : IPostChangeNotifier
    {
        public ConcurrentQueue<string> Changed { get; } = new();

        public void PostChanged(string workspaceId, string postId) => Changed.Enqueue(postId);
    }

    [Fact]
    public async Task PostDueWhileNoSchedulerRan_FoundPastMaxLateness_IsMissedAndNothingReachesThePlatform()
    {
        var notifier = new RecordingNotifier();
        await using var server = await SchedulerHarness.CreateAsync(configure: s => s.AddSingleton<IPostChangeNotifier>(notifier));
        var post = await server.ScheduleNewAsync(Due, Platform.X, Platform.LinkedIn);
        // Nobody ran at its time: the machine was off for two hours (the default lateness is one hour).
        server.Clock.Advance(TimeSpan.FromHours(2));
        notifier.Changed.Clear();

        await server.StartAsync();

        var missed = await server.GetAsync(post.Post.Id);
        Assert.Equal(PostStatus.Missed, missed.Post.Status);
        Assert.All(missed.Targets, t => Assert.Equal(TargetStatus.Pending, t.Status));
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
        Assert.Contains(post.Post.Id, notifier.Changed);
        var history = await server.Posts.GetHistoryAsync(LocalWorkspace.Id, post.Post.Id, Ct);
        var evt = Assert.Single(history, e => e.EventType == "post_missed");
        Assert.Equal("scheduled", evt.FromStatus);
        Assert.Equal("missed", evt.ToStatus);
        Assert.Contains("lateBySeconds=6600", evt.Detail);
        Assert.Contains("maxLatenessSeconds=3600", evt.Detail);

        // Never published late by itself: later passes leave it alone.
        await server.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal(PostStatus.Missed, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(post.Post.Id));
    }

    [Fact]
    public async Task PostDueWhileNoSchedulerRan_FoundWithinMaxLateness_IsPublished()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var post = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromMinutes(10 + 59));

        await server.StartAsync();

        Assert.Equal(PostStatus.Published, (await server.GetAsync(post.Post.Id)).Post.Status);
        Assert.Equal(1, server.DeliveriesOf(post.Post.Id));
    }

    [Fact]
    public async Task PostsOwnMaxLateness_OverridesTheSetting()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?> { ["Scheduling:MaxLateness"] = "1.00:00:00" });
        var strict = await server.Posts.CreateAsync(LocalWorkspace.Id,
            Drafts.Create("Strict", Platform.X) with { ScheduledFor = Due, MaxLateness = TimeSpan.FromMinutes(5) }, Ct);
        var lenient = await server.ScheduleNewAsync(Due, Platform.X);
        Assert.Equal(TimeSpan.FromMinutes(5), (await server.GetAsync(strict.Post.Id)).Post.MaxLateness);
        server.Clock.Advance(TimeSpan.FromMinutes(10 + 6));

        await server.StartAsync();

        Assert.Equal(PostStatus.Missed, (await server.GetAsync(strict.Post.Id)).Post.Status);
        Assert.Equal(0, server.DeliveriesOf(strict.Post.Id));
        Assert.Equal(PostStatus.Published, (await server.GetAsync(lenient.Post.Id)).Post.Status);
    }

    [Fact]
    public async Task MissedPost_PublishPostSendsItNow_ScheduleGivesANewTime_CancelDiscards()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var toPublish = await server.ScheduleNewAsync(Due, Platform.X);
        var toReschedule = await server.ScheduleNewAsync(Due, Platform.X);
        var toCancel = await server.ScheduleNewAsync(Due, Platform.X);
        server.Clock.Advance(TimeSpan.FromHours(3));
        await server.StartAsync();
        foreach (var post in new[] { toPublish, toReschedule, toCancel })
            Assert.Equal(PostStatus.Missed, (await server.GetAsync(post.Post.Id)).Post.Status);

        var published = await server.Posts.PublishAsync(LocalWorkspace.Id, toPublish.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Published, published.Post.Status);
        Assert.Equal(1, server.DeliveriesOf(toPublish.Post.Id));

        var again = server.Clock.GetUtcNow().AddMinutes(30);
        var rescheduled = await server.Posts.ScheduleAsync(LocalWorkspace.Id, toReschedule.Post.Id, again, null, Ct);
        Assert.Equal(PostStatus.Scheduled, rescheduled.Post.Status);
        Assert.Equal(again, rescheduled.Post.ScheduledFor);
        await server.AdvanceAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(PostStatus.Published, (await server.GetAsync(toReschedule.Post.Id)).Post.Status);

        var discarded = await server.Posts.CancelAsync(LocalWorkspace.Id, toCancel.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Discarded, discarded.Post.Status);
        Assert.Equal(0, server.DeliveriesOf(toCancel.Post.Id));
    }

    [Fact]
    public async Task MaxLateness_OutOfRange_IsRefusedAtStart()
    {
        var options = new Core.Options.SchedulingOptions { MaxLateness = TimeSpan.FromSeconds(10) };
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(problems, p => p.ErrorMessage!.Contains("Scheduling:MaxLateness"));
    }
}
