using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Reconciliation;

/// <summary>
/// "Never posted twice", for every adapter: when an earlier attempt may have reached the creating call, the next attempt
/// asks the platform first — found → that post; answered "not there" → publish once; could not answer → needs_reconciliation
/// and no second create. Each platform's calls are described by a <see cref="ReconciliationScenario"/>.
/// </summary>
public sealed class ReconciliationTests
{
    public static TheoryData<string> Platforms => ReconciliationScenarios.Names();

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task PublishAsync_CreateAnswerLostAndLookupFails_NeedsReconciliationWithoutCreatingAgain(string platform)
    {
        var scenario = ReconciliationScenarios.Named(platform);
        await using var harness = await scenario.StartAsync(new FakeTimeProvider(TestTime.Start));
        var handles = new InMemoryPublishHandles();
        var request = scenario.Request(harness, handles);
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.LostCreate());
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.FailedLookup(), times: 2);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var liveAfterFirst = harness.Emulator.State.LivePosts(scenario.Platform);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Equal(TargetStatus.NeedsReconciliation, second.Status);
        Assert.False(second.Succeeded);
        Assert.Contains(scenario.DisplayName, second.ErrorMessage);
        Assert.Contains("resolve_target", second.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(scenario.Platform, scenario.CreateCounter));
        // TikTok's post goes live only as TikTok processes it, so "unchanged" rather than "one".
        Assert.InRange(liveAfterFirst, 0, 1);
        Assert.Equal(liveAfterFirst, harness.Emulator.State.LivePosts(scenario.Platform));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task PublishAsync_CreateRefusedThenLookupFindsNothing_PublishesOnce(string platform)
    {
        var scenario = ReconciliationScenarios.Named(platform);
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await scenario.StartAsync(clock);
        var handles = new InMemoryPublishHandles();
        var request = scenario.Request(harness, handles);
        foreach (var fault in scenario.RefusedCreateFaults())
            harness.Emulator.Faults.Enqueue(scenario.Platform, fault);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        clock.Advance(scenario.WaitBeforeRetry);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.Failed, first.Status);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(second.PlatformPostId, Assert.Single(harness.Emulator.State.LivePostIds(scenario.Platform)));
        Assert.Equal(1, harness.Emulator.State.LivePosts(scenario.Platform));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task PublishAsync_CreateAnswerLostAndLookupFailedOnce_NextAttemptFindsThePostWithoutCreatingAgain(string platform)
    {
        var scenario = ReconciliationScenarios.Named(platform);
        await using var harness = await scenario.StartAsync(new FakeTimeProvider(TestTime.Start));
        var handles = new InMemoryPublishHandles();
        var request = scenario.Request(harness, handles);
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.LostCreate());
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.FailedLookup());

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(Assert.Single(harness.Emulator.State.LivePostIds(scenario.Platform)), second.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(scenario.Platform, scenario.CreateCounter));
        Assert.Equal(1, harness.Emulator.State.LivePosts(scenario.Platform));
    }

    /// <summary>Every way a lookup can fail to answer counts as "cannot tell", not as "not there".</summary>
    [Theory]
    [InlineData(503, null)]
    [InlineData(500, null)]
    [InlineData(429, """{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}""")]
    [InlineData(200, "<html>gateway</html>")]
    [InlineData(200, """{"data":"not a list"}""")]
    public async Task PublishAsync_XTimelineUnreadableInAnyWay_NeedsReconciliation(int status, string? body)
    {
        var scenario = ReconciliationScenarios.X;
        await using var harness = await scenario.StartAsync(new FakeTimeProvider(TestTime.Start));
        var handles = new InMemoryPublishHandles();
        var request = scenario.Request(harness, handles);
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.LostCreate());
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.FailedLookup(status, body), times: 2);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal((TargetStatus.NeedsReconciliation, TargetStatus.NeedsReconciliation), (first.Status, second.Status));
        Assert.Contains("@tester", second.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    /// <summary>A create that the platform refused (4xx) did nothing: it fails plainly even when the lookup could not answer.</summary>
    [Fact]
    public async Task PublishAsync_CreateRefusedWith4xxAndLookupFails_PlainFailureNotReconciliation()
    {
        var scenario = ReconciliationScenarios.LinkedIn;
        await using var harness = await scenario.StartAsync(new FakeTimeProvider(TestTime.Start));
        var request = scenario.Request(harness, new InMemoryPublishHandles());
        harness.Emulator.Faults.Enqueue(scenario.Platform,
            new Fault.Respond(426, """{"status":426,"code":"NONEXISTENT_VERSION","message":"Requested version 209912 is not active"}""")
            {
                Method = scenario.CreateMethod,
                PathContains = scenario.CreatePath,
            });
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.FailedLookup());

        var outcome = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        Assert.Equal(TargetStatus.Failed, outcome.Status);
        Assert.Equal("NONEXISTENT_VERSION", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.LinkedIn));
    }

    /// <summary>The platforms whose reconciling read is a listing of the account's posts (newest first, paged).</summary>
    public static TheoryData<string> ListingPlatforms => new() { "X", "Facebook", "LinkedIn" };

    /// <summary>
    /// Another instance took the target over after the first attempt's answer was lost, and the account published more
    /// posts since than fit on one page of the listing: the next attempt pages back to the attempt and adopts the post.
    /// </summary>
    [Theory]
    [MemberData(nameof(ListingPlatforms))]
    public async Task PublishAsync_LostPostBehindPagesOfNewerOnes_NextAttemptPagesBackAndFindsIt(string platform)
    {
        var scenario = WithSmallListingPages(ReconciliationScenarios.Named(platform), maxPages: 10);
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await scenario.StartAsync(clock);
        var request = scenario.Request(harness, new InMemoryPublishHandles());
        var first = await LoseTheFirstAttemptAsync(harness, scenario, request);
        var lostPostId = Assert.Single(harness.Emulator.State.LivePostIds(scenario.Platform));

        await PublishNewerPostsAsync(harness, clock, count: 11);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(lostPostId, second.PlatformPostId);
        Assert.Equal(12, harness.Emulator.State.Calls(scenario.Platform, scenario.CreateCounter));
        Assert.Equal(12, harness.Emulator.State.LivePosts(scenario.Platform));
    }

    /// <summary>More pages since the attempt than the adapter reads: a person decides; nothing is created again.</summary>
    [Theory]
    [MemberData(nameof(ListingPlatforms))]
    public async Task PublishAsync_LostPostBehindMorePagesThanRead_NeedsReconciliationWithoutCreatingAgain(string platform)
    {
        var scenario = WithSmallListingPages(ReconciliationScenarios.Named(platform), maxPages: 2);
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await scenario.StartAsync(clock);
        var request = scenario.Request(harness, new InMemoryPublishHandles());
        await LoseTheFirstAttemptAsync(harness, scenario, request);

        await PublishNewerPostsAsync(harness, clock, count: 11);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, second.Status);
        Assert.Contains("2 pages read", second.ErrorMessage);
        Assert.Contains("resolve_target", second.ErrorMessage);
        Assert.Equal(12, harness.Emulator.State.Calls(scenario.Platform, scenario.CreateCounter));
        Assert.Equal(12, harness.Emulator.State.LivePosts(scenario.Platform));
    }

    /// <summary>The create reaches the platform but its answer is lost, and the lookup after it fails: the post is live, unrecorded.</summary>
    private static Task<PublishOutcome> LoseTheFirstAttemptAsync(AdapterHarness harness, ReconciliationScenario scenario, PublishRequest request)
    {
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.LostCreate());
        harness.Emulator.Faults.Enqueue(scenario.Platform, scenario.FailedLookup());
        return harness.Adapter.PublishAsync(request, CancellationToken.None);
    }

    /// <summary>Pages of 5 (X's smallest page) and at most <paramref name="maxPages"/> of them.</summary>
    private static ReconciliationScenario WithSmallListingPages(ReconciliationScenario scenario, int maxPages)
    {
        var name = scenario.Platform.ToWireName();
        var pageSizeKey = scenario.Platform == Platform.X ? "ReconcileMaxResults" : "ReconcilePageSize";
        return scenario with
        {
            Settings = new Dictionary<string, string?>(scenario.Settings)
            {
                [$"Platforms:{name}:Settings:{pageSizeKey}"] = "5",
                [$"Platforms:{name}:Settings:ReconcileMaxPages"] = maxPages.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>Other posts of the same account, a second apart, each newer than the one before.</summary>
    private static async Task PublishNewerPostsAsync(AdapterHarness harness, FakeTimeProvider clock, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var other = await harness.Adapter.PublishAsync(
                AdapterHarness.Request(harness.Account(), $"Another post of the account, number {i}", handles: new InMemoryPublishHandles()),
                CancellationToken.None);
            Assert.True(other.Succeeded, other.ErrorMessage);
        }
    }
}
