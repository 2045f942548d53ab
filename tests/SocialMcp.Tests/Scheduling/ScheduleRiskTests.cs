using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Scheduling;

/// <summary>The risks schedule_post and validate_post report (ScheduleRisks): present when they apply, absent otherwise.</summary>
public sealed class ScheduleRiskTests
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Start = SchedulerHarness.Start;

    [Theory]
    [InlineData(3, true)]
    [InlineData(1, false)]
    public async Task Schedule_TokenExpiresBeforeTheScheduledTime_ReportsTokenRiskOnlyThen(int daysAhead, bool expected)
    {
        await using var server = await SchedulerHarness.CreateAsync();
        var draft = await server.Posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X, Platform.LinkedIn), Ct);
        var x = draft.Targets.Single(t => t.Platform == Platform.X);
        await server.Store.WriteAsync(s => s.Accounts.MarkTokenExpiredAsync(x.AccountId, Start.AddDays(2), Ct), Ct);

        var scheduled = await server.Posts.ScheduleAsync(Ws, draft.Post.Id, Start.AddDays(daysAhead), null, Ct);

        Assert.Equal(PostStatus.Scheduled, scheduled.Post.Status);
        var risks = scheduled.Risks ?? [];
        if (expected)
        {
            var risk = Assert.Single(risks);
            Assert.Equal(ScheduleRisks.TokenExpiresBeforeSchedule, risk.Code);
            Assert.Equal(Platform.X, risk.Platform);
            Assert.Equal("$.platforms[0]", risk.Path);
        }
        else
        {
            Assert.Empty(risks);
        }
    }

    [Fact]
    public async Task Validate_AccountAtItsDailyCapThatDay_ReportsCapRisk()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?> { ["Scheduling:DailyCaps:x"] = "2" });
        var day = Start.AddDays(1);
        await server.ScheduleNewAsync(day.AddHours(1), Platform.X);
        await server.ScheduleNewAsync(day.AddHours(2), Platform.X, Platform.LinkedIn);

        var validation = await ValidateDraftAsync(server, day.AddHours(3), Platform.LinkedIn, Platform.X);

        var risk = Assert.Single(validation.Risks ?? []);
        Assert.Equal(ScheduleRisks.PlatformCapAtRisk, risk.Code);
        Assert.Equal(Platform.X, risk.Platform);
        Assert.Equal("$.platforms[1]", risk.Path);
        Assert.True(validation.Report.Ok);
    }

    [Fact]
    public async Task Validate_CapReachedOnAnotherDayOrUnderCap_ReportsNoCapRisk()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?> { ["Scheduling:DailyCaps:x"] = "2" });
        var day = Start.AddDays(1);
        await server.ScheduleNewAsync(day.AddHours(1), Platform.X);
        await server.ScheduleNewAsync(day.AddDays(1), Platform.X);

        var underCap = await ValidateDraftAsync(server, day.AddHours(3), Platform.X);
        // linkedin has no cap by default, however many posts it has that day.
        var uncapped = await ValidateDraftAsync(server, day.AddHours(3), Platform.LinkedIn);

        Assert.Empty(underCap.Risks ?? []);
        Assert.Empty(uncapped.Risks ?? []);
    }

    [Fact]
    public async Task Validate_PublishedPostsCountTowardTheDailyCap()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?> { ["Scheduling:DailyCaps:x"] = "1" });
        var published = await server.Posts.CreateAsync(Ws, Drafts.Create("Now", Platform.X), Ct);
        await server.Posts.PublishAsync(Ws, published.Post.Id, null, Ct);

        var sameDay = await ValidateDraftAsync(server, Start.AddHours(2), Platform.X);
        var nextDay = await ValidateDraftAsync(server, Start.AddDays(1), Platform.X);

        Assert.Equal(ScheduleRisks.PlatformCapAtRisk, Assert.Single(sameDay.Risks ?? []).Code);
        Assert.Empty(nextDay.Risks ?? []);
    }

    [Fact]
    public async Task Options_DailyCapsDefaults_AreInstagramThreadsTikTok()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?> { ["Scheduling:DailyCaps:x"] = "7" });

        var caps = server.Get<Microsoft.Extensions.Options.IOptions<SocialMcp.Core.Options.SchedulingOptions>>().Value.DailyCaps;

        Assert.Equal(50, caps["instagram"]);
        Assert.Equal(250, caps["threads"]);
        Assert.Equal(15, caps["tiktok"]);
        Assert.Equal(7, caps["x"]);
        Assert.False(caps.ContainsKey("linkedin"));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public async Task Validate_ScheduledPostsThatMonthAtQuota_ReportsQuotaRiskOnlyThen(int alreadyScheduled, bool expected)
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?> { ["Quotas:ScheduledPostsPerMonth"] = "2" });
        var nextMonth = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < alreadyScheduled; i++)
            await server.ScheduleNewAsync(nextMonth.AddHours(i), Platform.X);
        // A post scheduled in another month does not count.
        var other = await server.Posts.CreateAsync(Ws, Drafts.Create("Other", Platform.LinkedIn), Ct);

        var validation = await ValidateDraftAsync(server, nextMonth.AddDays(1), Platform.LinkedIn);

        if (expected)
        {
            var risk = Assert.Single(validation.Risks ?? []);
            Assert.Equal(ScheduleRisks.QuotaAtRisk, risk.Code);
            Assert.Null(risk.Platform);
            Assert.Equal("$.scheduledFor", risk.Path);
        }
        else
        {
            Assert.Empty(validation.Risks ?? []);
        }
        Assert.Equal(PostStatus.Draft, other.Post.Status);
    }

    [Fact]
    public async Task Validate_StoredScheduledPost_DoesNotCountItselfAndDraftWithoutTimeHasNoRisks()
    {
        await using var server = await SchedulerHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["Scheduling:DailyCaps:x"] = "1",
            ["Quotas:ScheduledPostsPerMonth"] = "1",
        });
        var post = await server.ScheduleNewAsync(Start.AddDays(1), Platform.X);

        var stored = await server.Posts.ValidateAsync(Ws, new ValidatePostCommand(null, post.Post.Id), Ct);
        var unscheduled = await server.Posts.ValidateAsync(Ws, new ValidatePostCommand(Drafts.Create("Hi", Platform.X), null), Ct);
        var rescheduled = await server.Posts.ScheduleAsync(Ws, post.Post.Id, Start.AddDays(1).AddHours(1), null, Ct);

        Assert.Empty(stored.Risks ?? []);
        Assert.Empty(unscheduled.Risks ?? []);
        Assert.Empty(rescheduled.Risks ?? []);
    }

    private static Task<PostValidation> ValidateDraftAsync(SchedulerHarness server, DateTimeOffset when, params Platform[] platforms) =>
        server.Posts.ValidateAsync(Ws, new ValidatePostCommand(Drafts.Create("Later", platforms) with { ScheduledFor = when }, null), Ct);
}
