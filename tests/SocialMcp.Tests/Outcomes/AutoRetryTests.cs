using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Testing;
using SocialMcp.Tests.Scheduling;

namespace SocialMcp.Tests.Outcomes;

/// <summary>
/// A target that failed with RATE_LIMITED and a known reset is retried once by the scheduler at that reset, without the
/// agent calling anything; a retry by hand before then replaces it, and the automatic retry never schedules another.
/// </summary>
public sealed class AutoRetryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;

    // The sandbox's simulated rate limit resets an hour later: past the default 15-minute tolerance, so the publish does not wait.
    private static readonly DateTimeOffset Reset = SchedulerHarness.Start.AddHours(1);

    private static async Task SetSandboxFailureAsync(SchedulerHarness server, Platform platform, string? code)
    {
        var account = (await server.Store.ReadAsync(s => s.Accounts.ListAsync(Ws, platform, null, Ct), Ct)).Single();
        var metadata = JsonSerializer.Serialize(new { sandbox = new { failPublish = code } });
        await server.Store.WriteAsync(s => s.Accounts.UpdateMetadataAsync(Ws, account.Id, metadata, server.Clock.GetUtcNow(), Ct), Ct);
    }

    /// <summary>Starts the worker and waits until its sleep toward the reset has begun, so moving the clock reaches it.</summary>
    private static async Task StartSleepingUntilResetAsync(SchedulerHarness server)
    {
        await server.StartAsync();
        Assert.Equal(Reset, server.Status.SleepingUntil);
        await ((WatchedFakeTimeProvider)server.Clock).WaitForDelayAsync(Reset - server.Clock.GetUtcNow());
    }

    /// <summary>Whether the scheduler's claim would take anything at <paramref name="at"/> (and gives the lease back if so).</summary>
    private static async Task<bool> AnythingDueAsync(SchedulerHarness server, DateTimeOffset at)
    {
        var due = await server.Store.WriteAsync(async s => (await s.Posts.ClaimDueAsync("probe", at, at.AddMinutes(1), 1, Ct)).FirstOrDefault(), Ct);
        if (due is not null)
            await server.Store.WriteAsync(s => s.Posts.ReleaseLeaseAsync(due.PostId, "probe", Ct), Ct);
        return due is not null;
    }

    private static async Task<string> PublishWithXRateLimitedAsync(SchedulerHarness server)
    {
        await SetSandboxFailureAsync(server, Platform.X, ErrorCodes.RateLimited);
        var post = await server.Posts.CreateAsync(Ws, Support.Drafts.Create("Limited", Platform.X, Platform.LinkedIn), Ct);
        var published = await server.Posts.PublishAsync(Ws, post.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Partial, published.Post.Status);
        var x = published.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(ErrorCodes.RateLimited, x.ErrorCode);
        Assert.Equal(Reset, x.RetryAt);
        Assert.Equal(Reset, published.Post.AutoRetryAt);
        return post.Post.Id;
    }

    [Fact]
    public async Task RateLimitedTarget_IsRetriedOnceAtTheReset_WithoutACall()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var id = await PublishWithXRateLimitedAsync(server);
        await SetSandboxFailureAsync(server, Platform.X, null);
        await StartSleepingUntilResetAsync(server);

        // Not yet: the worker sleeps on.
        server.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(PostStatus.Partial, (await server.GetAsync(id)).Post.Status);
        await server.AdvanceAsync(TimeSpan.FromMinutes(1));

        var after = await server.GetAsync(id);
        Assert.Equal(PostStatus.Published, after.Post.Status);
        Assert.Null(after.Post.AutoRetryAt);
        var x = after.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Published, x.Status);
        Assert.Null(x.RetryAt);
        Assert.Equal(1, server.Sandbox.Deliveries.Count(d => d.PostId == id && d.Platform == Platform.X));
        Assert.Equal(1, server.Sandbox.Deliveries.Count(d => d.PostId == id && d.Platform == Platform.LinkedIn));
        var events = await server.Posts.GetHistoryAsync(Ws, id, Ct);
        Assert.Contains(events, e => e.EventType == "auto_retry_scheduled" && e.Detail!.Contains("platforms=x"));
        Assert.Equal(2, events.Count(e => e.EventType == "target_publishing" && e.Platform == Platform.X));
    }

    [Fact]
    public async Task AutomaticRetry_LimitedAgain_IsNotRetriedAgain_AndTheNextStepSaysRetryPost()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var id = await PublishWithXRateLimitedAsync(server);
        await StartSleepingUntilResetAsync(server);

        await server.AdvanceAsync(TimeSpan.FromHours(1));

        var after = await server.GetAsync(id);
        Assert.Equal(PostStatus.Partial, after.Post.Status);
        Assert.Null(after.Post.AutoRetryAt);
        var x = after.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(2, x.AttemptCount);
        Assert.Equal(Reset.AddHours(1), x.RetryAt);
        var step = NextSteps.For(x, after.Post.AutoRetryAt)!;
        Assert.Equal(NextSteps.WaitForAutoRetry, step.Action);
        Assert.Contains("retry_post after", step.Text);

        Assert.False(await AnythingDueAsync(server, Reset.AddDays(1)));
    }

    [Fact]
    public async Task RetryByHandBeforeTheReset_ReplacesTheAutomaticRetry()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var id = await PublishWithXRateLimitedAsync(server);
        await SetSandboxFailureAsync(server, Platform.X, null);

        var retried = await server.Posts.RetryAsync(Ws, id, null, null, Ct);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        Assert.Null(retried.Post.AutoRetryAt);
        Assert.Null((await server.GetAsync(id)).Post.AutoRetryAt);
        Assert.False(await AnythingDueAsync(server, Reset.AddDays(1)));
        Assert.Equal(1, server.Sandbox.Deliveries.Count(d => d.PostId == id && d.Platform == Platform.X));
    }

    [Fact]
    public async Task PostWithdrawnBeforeTheReset_IsNotDueForTheRetry()
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var id = await PublishWithXRateLimitedAsync(server);
        await SetSandboxFailureAsync(server, Platform.X, null);
        // A withdraw of the live target leaves no live one: the post is withdrawn and its failed target stays failed.
        await server.Posts.WithdrawAsync(Ws, id, null, null, Ct);

        Assert.False(await AnythingDueAsync(server, Reset.AddDays(1)));
        var after = await server.GetAsync(id);
        Assert.Equal(PostStatus.Withdrawn, after.Post.Status);
        Assert.Equal(0, server.Sandbox.Deliveries.Count(d => d.PostId == id && d.Platform == Platform.X));
    }
}
