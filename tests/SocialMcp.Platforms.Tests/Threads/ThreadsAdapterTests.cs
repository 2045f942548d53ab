using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Tests.Instagram;
using SocialMcp.Platforms.Tests.Support;
using static SocialMcp.Platforms.Tests.Instagram.GraphTestSupport;

namespace SocialMcp.Platforms.Tests.Threads;

public sealed class ThreadsAdapterTests
{
    private const Platform Th = Platform.Threads;

    // "threads_publish" is also part of "threads_publishing_limit": tests that aim a fault at the publish call skip the limit check.
    private static readonly (string, string) NoLimitCheck = ("Settings:CheckPublishingLimit", "false");

    private static Task<AdapterHarness> StartAsync(TimeProvider? time = null, params (string Key, string Value)[] settings) =>
        AdapterHarness.StartAsync(Th, time, settings.ToDictionary(s => $"Platforms:threads:{s.Key}", s => (string?)s.Value));

    // ---- happy paths -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Publish_TextOnly_PublishedWithPermalink()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("writer");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello, Threads"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.False(string.IsNullOrEmpty(outcome.PlatformPostId));
        Assert.StartsWith("https://www.threads.net/@writer/post/", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_TextWithLink_Published()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Read this", linkUrl: "https://example.com/article"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_SingleImage_Published()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "A picture", [Image()]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.NotNull(outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_Video_PublishedAfterProcessing()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Moving pictures", [Video()]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.True(harness.Emulator.State.Calls(Th, "container_status") >= 2, "the video container is polled until processed");
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_Carousel_PublishesOnePost()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Swipe", [Image("a"), Image("b"), Video("c")]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(4, harness.Emulator.State.Calls(Th, "threads"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    // ---- error mapping -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Publish_TextOverLimitCountingEmojiAsBytes_ContentRejected()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        // 497 letters + one 4-byte emoji = 501 by Threads' count, though only 499 UTF-16 units.
        var text = new string('a', 497) + "\U0001F600";

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, text), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("100", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_ExpiredToken_AuthExpired()
    {
        await using var harness = await StartAsync();
        var account = harness.Account(tokenLifetime: TimeSpan.FromSeconds(-1));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("190", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task Publish_RevokedToken_AuthExpired()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        harness.Emulator.State.Revoke(TokenOf(account));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
    }

    [Fact]
    public async Task Publish_TokenWithoutPublishPermission_PermissionMissing()
    {
        await using var harness = await StartAsync();
        var account = AccountWithScopes(harness, "basic", "threads_basic");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("10", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_Throttled_RateLimitedWithResetFromUsageHeader()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock, NoLimitCheck);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Th,
            GraphEmulation.Throttled(17, account.PlatformAccountId, regainMinutes: 12, pathContains: "/threads_publish", useCase: "threads"));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi"), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(12), outcome.RetryAfter);
        Assert.Equal("17", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_ThrottledWithoutResetSignal_RateLimitedAfterDefaultHour()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Th, GraphEmulation.Throttled(4, account.PlatformAccountId, regainMinutes: null, pathContains: "threads_publishing_limit"));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi"), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), outcome.RetryAfter);
    }

    [Fact]
    public async Task Publish_GraphDuplicateError_DuplicateContent()
    {
        await using var harness = await StartAsync(null, NoLimitCheck);
        var account = harness.Account();
        // Threads documents no duplicate check (docs/platforms.md#threads-errors); Graph's code 506 is mapped in case its shared infrastructure answers with it.
        harness.Emulator.Faults.Enqueue(Th, new Fault.Respond(400, GraphEmulation.ErrorBody(506, "Duplicate status message"))
        {
            PathContains = "/threads_publish",
        });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Same again"), CancellationToken.None);

        Assert.Equal(ErrorCodes.DuplicateContent, outcome.ErrorCode);
        Assert.Equal("506", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task Publish_PublishingLimitUsedUp_QuotaExhausted()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account();
        await PublishDirectlyAsync(harness, account, 250);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "251st"), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, outcome.ErrorCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(24), outcome.RetryAfter);
        Assert.Equal(250, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_VideoDownloadFails_MediaUploadFailedWithPlatformReason()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Broken", [Video(host: "gone.invalid")]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("FAILED_DOWNLOADING_VIDEO", outcome.PlatformErrorMessage);
        Assert.Equal(0, harness.Emulator.State.Calls(Th, "threads_publish"));
    }

    [Fact]
    public async Task Publish_ServerErrorOnContainerCreation_PlatformErrorWithoutRetry()
    {
        await using var harness = await StartAsync(null, NoLimitCheck);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Th, new Fault.Respond(500, GraphEmulation.ErrorBody(1, "An unknown error occurred", isTransient: true))
        {
            PathContains = $"{account.PlatformAccountId}/threads",
        });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Th, "threads"));
        Assert.Equal(0, harness.Emulator.State.LivePosts(Th));
    }

    // ---- resilience ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Publish_TransientErrorsOnRetrySafeCall_RetriedAndPublished()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Th, new Fault.Respond(502, "") { PathContains = "threads_publishing_limit" }, times: 2);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Th, "threads_publishing_limit"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_RetryAfterOnRetrySafeCall_WaitsOnTheClockThenPublishes()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await StartAsync(clock);
        var account = harness.Account();
        var wait = TimeSpan.FromSeconds(3);
        harness.Emulator.Faults.Enqueue(Th, new Fault.Respond(429, GraphEmulation.ErrorBody(4, "(#4) Application request limit reached", isTransient: true),
            new Dictionary<string, string> { ["Retry-After"] = "3" })
        { PathContains = "threads_publishing_limit" });

        var publish = harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Patience"), CancellationToken.None);
        await clock.WaitForDelayAsync(wait);
        Assert.False(publish.IsCompleted);
        clock.Advance(wait);
        var outcome = await publish;

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_ResponseLostAfterThreadsPublish_ReconciledWithoutDuplicate()
    {
        await using var harness = await StartAsync(null, NoLimitCheck);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Th, new Fault.LoseResponse { PathContains = "threads_publish" });

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once", handles: handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.StartsWith("https://www.threads.net/@tester/post/", second.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.Calls(Th, "threads_publish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_ResponseLostWithEarlierIdenticalPost_FindsTheNewOne()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock, NoLimitCheck);
        var account = harness.Account();
        var earlier = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Good morning"), CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(1));
        harness.Emulator.Faults.Enqueue(Th, new Fault.LoseResponse { PathContains = "threads_publish" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Good morning"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.NotEqual(earlier.PlatformPostId, outcome.PlatformPostId);
        Assert.Equal(2, harness.Emulator.State.LivePosts(Th));
    }

    [Fact]
    public async Task Publish_ContainerPublishedButPostNotAmongLatest_NeedsReconciliationWithoutPublishingAgain()
    {
        await using var harness = await StartAsync(null, NoLimitCheck, ("MaxRetries", "0"));
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Th, new Fault.LoseResponse { PathContains = "threads_publish" });
        // The account's list answers, but without our post (e.g. it is further down than the scan reaches).
        harness.Emulator.Faults.Enqueue(Th, new Fault.Respond(200, """{"data":[]}""") { Method = "GET", PathContains = "/threads", AfterEarlierFaults = true }, times: 2);

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once", handles: handles), CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Equal(TargetStatus.NeedsReconciliation, second.Status);
        Assert.Contains("Threads", second.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Th, "threads_publish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Th));
    }

    // ---- withdraw ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Withdraw_PublishedPost_DeletedOnThreads()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Short-lived"), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Th, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(harness.Adapter.CapabilitiesFor(Th).CanWithdraw);
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        using var client = EmulatorClient(harness, account);
        var lookup = await GetJsonAsync(client, $"{published.PlatformPostId}?fields=permalink");
        Assert.Equal(33, lookup.GetProperty("error").GetProperty("error_subcode").GetInt32());
    }

    [Fact]
    public async Task Withdraw_TokenWithoutDeletePermission_PermissionMissing()
    {
        await using var harness = await StartAsync();
        var account = AccountWithScopes(harness, "poster", "threads_basic", "threads_content_publish");
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Stays"), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Th, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(published.Succeeded, published.ErrorMessage);
        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
    }

    [Fact]
    public async Task Withdraw_DeleteDisabledInSettings_NotSupported()
    {
        await using var harness = await StartAsync(null, ("Settings:DeleteEnabled", "false"));
        var account = harness.Account();

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Th, account, "123"), CancellationToken.None);

        Assert.False(harness.Adapter.CapabilitiesFor(Th).CanWithdraw);
        Assert.Equal(ErrorCodes.WithdrawNotSupported, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Th, "delete"));
    }

    // ---- the emulator's own rules --------------------------------------------------------------------------------

    [Fact]
    public async Task Emulator_TextOfExactly500CountingEmojiAsBytes_Accepted()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var text = new string('a', 496) + "\U0001F600";

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, text), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
    }

    [Fact]
    public async Task Emulator_250PostsInRollingDay_RefusesTheNextAtPublish()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock, NoLimitCheck);
        var account = harness.Account();
        await PublishDirectlyAsync(harness, account, 250);

        var refused = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "251st"), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(24));
        var accepted = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "next day"), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, refused.ErrorCode);
        Assert.Equal("9", refused.PlatformErrorCode);
        Assert.True(accepted.Succeeded, accepted.ErrorMessage);
    }

    [Fact]
    public async Task Emulator_HundredDeletesInADay_RefusesTheNext()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var ids = await PublishDirectlyAsync(harness, account, 101);
        using var client = EmulatorClient(harness, account);
        foreach (var id in ids.Take(100))
            Assert.True((await client.DeleteAsync(id)).IsSuccessStatusCode);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Th, account, ids[100]), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, outcome.ErrorCode);
    }

    [Fact]
    public async Task Emulator_ContainerOlderThanADay_ExpiresAndCannotBePublished()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account();
        using var client = EmulatorClient(harness, account);
        var user = account.PlatformAccountId;
        var container = (await PostFormAsync(client, $"{user}/threads", ("media_type", "TEXT"), ("text", "later"))).GetProperty("id").GetString();
        clock.Advance(TimeSpan.FromHours(24));

        var status = await GetJsonAsync(client, $"{container}?fields=status,error_message");
        var publish = await PostFormAsync(client, $"{user}/threads_publish?creation_id={container}");

        Assert.Equal("EXPIRED", status.GetProperty("status").GetString());
        Assert.Equal(-2, publish.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(0, harness.Emulator.State.LivePosts(Th));
    }

    private static async Task<List<string>> PublishDirectlyAsync(AdapterHarness harness, Account account, int count)
    {
        using var client = EmulatorClient(harness, account);
        var user = account.PlatformAccountId;
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var container = (await PostFormAsync(client, $"{user}/threads", ("media_type", "TEXT"), ("text", $"post {i}"))).GetProperty("id").GetString();
            ids.Add((await PostFormAsync(client, $"{user}/threads_publish?creation_id={container}")).GetProperty("id").GetString()!);
        }
        return ids;
    }
}
