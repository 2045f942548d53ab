using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Adapters.Instagram;
using SocialMcp.Platforms.Tests.Support;
using static SocialMcp.Platforms.Tests.Instagram.GraphTestSupport;

namespace SocialMcp.Platforms.Tests.Instagram;

public sealed class InstagramAdapterTests
{
    private const Platform Ig = Platform.Instagram;

    private static Task<AdapterHarness> StartAsync(TimeProvider? time = null, params (string Key, string Value)[] settings) =>
        AdapterHarness.StartAsync(Ig, time, settings.ToDictionary(s => $"Platforms:instagram:{s.Key}", s => (string?)s.Value));

    // ---- happy paths -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Publish_SingleImage_PublishedWithPermalink()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello #launch", [Image()]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.False(string.IsNullOrEmpty(outcome.PlatformPostId));
        Assert.StartsWith("https://www.instagram.com/p/", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_SingleVideo_PublishedAsReelAfterProcessing()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Reel time", [Video()]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.StartsWith("https://www.instagram.com/reel/", outcome.PublicUrl);
        Assert.True(harness.Emulator.State.Calls(Ig, "container_status") >= 2, "the video container is polled until processed");
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_CarouselOfImagesAndVideo_PublishesOnePost()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Three in one", [Image("a"), Video("b"), Image("c")]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.StartsWith("https://www.instagram.com/p/", outcome.PublicUrl);
        Assert.Equal(4, harness.Emulator.State.Calls(Ig, "media"));
        Assert.Equal(1, harness.Emulator.State.Calls(Ig, "media_publish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_StoryPlacement_PublishesStory()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("storyteller");

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Stories carry no caption", [Image()], settings: new { placement = "story" }), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal($"https://www.instagram.com/stories/storyteller/{outcome.PlatformPostId}/", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_TextOnly_ContentRejectedWithoutCallingInstagram()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Just words"), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Ig, "content_publishing_limit"));
        Assert.Equal(0, harness.Emulator.State.Calls(Ig, "media"));
    }

    // ---- error mapping -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Publish_ExpiredToken_AuthExpired()
    {
        await using var harness = await StartAsync();
        var account = harness.Account(tokenLifetime: TimeSpan.FromMinutes(-1));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("190", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_RevokedToken_AuthExpiredWithoutLeakingToken()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        harness.Emulator.State.Revoke(TokenOf(account));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.DoesNotContain(TokenOf(account), outcome.ErrorMessage + outcome.PlatformErrorMessage);
    }

    [Fact]
    public async Task Publish_TokenWithoutPublishPermission_PermissionMissing()
    {
        await using var harness = await StartAsync();
        var account = AccountWithScopes(harness, "reader", "instagram_business_basic");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("10", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_CaptionOverLimit_ContentRejected()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, new string('a', InstagramEmulator.MaxCaptionLength + 1), [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("100", outcome.PlatformErrorCode);
        Assert.Contains("2200", outcome.PlatformErrorMessage);
    }

    [Fact]
    public async Task Publish_ImageTooLarge_MediaUploadFailedWithPlatformWords()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        // Meta's own sample error (Instagram error-code reference).
        harness.Emulator.Faults.Enqueue(Ig, new Fault.Respond(400, GraphEmulation.ErrorBody(36000, "The image size is too large.", 2207004,
            "Image size too large", "The image is too large to download. It should be less than 8 MiB."))
        { PathContains = "/media" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Big", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("36000/2207004", outcome.PlatformErrorCode);
        Assert.Equal("The image is too large to download. It should be less than 8 MiB.", outcome.PlatformErrorMessage);
    }

    [Fact]
    public async Task Publish_UnreachableImage_MediaUploadFailed()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var image = new MediaItem("https://gone.invalid/a.jpg", MediaTypes.Image, "image/jpeg");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Lost", [image]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("-2/2207003", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task Publish_VideoFailsProcessing_MediaUploadFailed()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Broken", [Video(host: "gone.invalid")]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("ERROR", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Ig, "media_publish"));
    }

    [Fact]
    public async Task Publish_Throttled_RateLimitedWithResetFromUsageHeader()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Ig, GraphEmulation.Throttled(80002, account.PlatformAccountId, regainMinutes: 7, pathContains: "/media"));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(7), outcome.RetryAfter);
        Assert.Equal("80002", outcome.PlatformErrorCode);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(341)]
    [InlineData(613)]
    public async Task Publish_ThrottledWithoutResetSignal_RateLimitedAfterFallbackWindow(int code)
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock, ("Settings:RateLimitFallbackMinutes", "45"));
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Ig, GraphEmulation.Throttled(code, account.PlatformAccountId, regainMinutes: null, pathContains: "/media"));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(45), outcome.RetryAfter);
    }

    [Fact]
    public async Task Publish_SuspectedSpam_ContentRejected()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Ig, new Fault.Respond(400, GraphEmulation.ErrorBody(4, "Application request limit reached", 2207051,
            userMessage: "We restrict certain activity to protect our community."))
        { PathContains = "media_publish" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Buy now!!!", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("4/2207051", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_PublishingLimitUsedUp_QuotaExhaustedBeforeCreatingContainers()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account();
        for (var i = 0; i < 50; i++)
            Assert.True((await harness.Adapter.PublishAsync(AdapterHarness.Request(account, $"post {i}", [Image()]), CancellationToken.None)).Succeeded);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "one too many", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, outcome.ErrorCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(24), outcome.RetryAfter);
        Assert.Equal(50, harness.Emulator.State.Calls(Ig, "media"));
        Assert.Equal(50, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_ServerErrorOnContainerCreation_PlatformErrorWithoutRetry()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var failure = new Fault.Respond(500, GraphEmulation.ErrorBody(2, "An unexpected error has occurred. Please retry your request later.", isTransient: true))
        {
            PathContains = "/media",
        };
        harness.Emulator.Faults.Enqueue(Ig, failure);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal("2", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Ig, "media"));
        Assert.Equal(0, harness.Emulator.State.LivePosts(Ig));
    }

    // ---- resilience ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Publish_TransientErrorsOnRetrySafeCall_RetriedAndPublished()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Ig, new Fault.Respond(503, GraphEmulation.ErrorBody(2, "Service temporarily unavailable", isTransient: true))
        {
            PathContains = "content_publishing_limit",
        }, times: 2);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hi", [Image()]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Ig, "content_publishing_limit"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_RetryAfterOnRetrySafeCall_WaitsOnTheClockThenPublishes()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await StartAsync(clock);
        var account = harness.Account();
        var wait = TimeSpan.FromSeconds(5);
        harness.Emulator.Faults.Enqueue(Ig, new Fault.Respond(429, GraphEmulation.ErrorBody(4, "(#4) Application request limit reached", isTransient: true),
            new Dictionary<string, string> { ["Retry-After"] = "5" })
        { PathContains = "content_publishing_limit" });

        var publish = harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Patience", [Image()]), CancellationToken.None);
        await clock.WaitForDelayAsync(wait);
        Assert.False(publish.IsCompleted);
        clock.Advance(wait);
        var outcome = await publish;

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_ResponseLostAfterMediaPublish_ReconciledWithoutDuplicate()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Ig, new Fault.LoseResponse { PathContains = "media_publish" });

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once", [Image()], handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once", [Image()], handles: handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.StartsWith("https://www.instagram.com/p/", second.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.Calls(Ig, "media_publish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_EarlierAttemptPublishedButLostTheAnswer_AdoptsThePostWithoutPublishingAgain()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        // An earlier attempt stored its container, published it, and stopped before learning the post id.
        using var client = EmulatorClient(harness, account);
        var user = account.PlatformAccountId;
        await PostFormAsync(client, $"{user}/media", ("image_url", "https://cdn.example.com/old.jpg"), ("caption", "Something else"));
        var container = (await PostFormAsync(client, $"{user}/media", ("image_url", "https://cdn.example.com/a.jpg"), ("caption", "Crash test")))
            .GetProperty("id").GetString()!;
        await handles.SetAsync(GraphContainerAdapter.HandleKinds.Container, container, CancellationToken.None);
        await handles.SetAsync(GraphContainerAdapter.HandleKinds.PublishRequestedAt, DateTimeOffset.UtcNow.ToString("O"), CancellationToken.None);
        var live = (await PostFormAsync(client, $"{user}/media_publish?creation_id={container}")).GetProperty("id").GetString();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Crash test", [Image()], handles: handles), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(live, outcome.PlatformPostId);
        Assert.Equal(live, await handles.GetAsync(GraphContainerAdapter.HandleKinds.Media, CancellationToken.None));
        Assert.Equal(1, harness.Emulator.State.Calls(Ig, "media_publish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_RetryAfterPublishFailedBeforeGoingLive_ReusesTheContainer()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Ig, new Fault.Respond(500, GraphEmulation.ErrorBody(1, "An unknown error occurred", isTransient: true))
        {
            PathContains = "media_publish",
        });

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Second time lucky", [Video()], handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Second time lucky", [Video()], handles: handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.Equal("1", first.PlatformErrorCode);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Ig, "media"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Publish_ContainerOfEarlierAttemptExpired_CreatesANewOne()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account(tokenLifetime: TimeSpan.FromDays(10));
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Ig, new Fault.Respond(500, GraphEmulation.ErrorBody(2, "Service unavailable", isTransient: true))
        {
            PathContains = "media_publish",
        });
        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Tomorrow", [Image()], handles: handles), CancellationToken.None);
        var stale = await handles.GetAsync(GraphContainerAdapter.HandleKinds.Container, CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(25));

        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Tomorrow", [Image()], handles: handles), CancellationToken.None);

        Assert.False(first.Succeeded);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.NotEqual(stale, await handles.GetAsync(GraphContainerAdapter.HandleKinds.Container, CancellationToken.None));
        Assert.Equal(2, harness.Emulator.State.Calls(Ig, "media"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    // ---- withdraw ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Withdraw_ByDefault_NotSupportedAndNothingCalled()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Forever", [Image()]), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Ig, account, published.PlatformPostId!), CancellationToken.None);

        Assert.False(harness.Adapter.CapabilitiesFor(Ig).CanWithdraw);
        Assert.Equal(ErrorCodes.WithdrawNotSupported, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Ig, "delete"));
    }

    [Fact]
    public async Task Withdraw_DeleteEnabledInSettings_DeletesThePost()
    {
        await using var harness = await StartAsync(null, ("Settings:DeleteEnabled", "true"));
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Short-lived", [Image()]), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Ig, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(harness.Adapter.CapabilitiesFor(Ig).CanWithdraw);
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        using var client = EmulatorClient(harness, account);
        var lookup = await GetJsonAsync(client, $"{published.PlatformPostId}?fields=permalink");
        Assert.Equal(33, lookup.GetProperty("error").GetProperty("error_subcode").GetInt32());
    }

    // ---- the emulator's own rules --------------------------------------------------------------------------------

    [Fact]
    public async Task Emulator_FiftyPostsInRollingDay_RefusesTheNextUntilTheWindowMoves()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock, ("Settings:CheckPublishingLimit", "false"));
        var account = harness.Account(tokenLifetime: TimeSpan.FromDays(10));
        for (var i = 0; i < 50; i++)
        {
            Assert.True((await harness.Adapter.PublishAsync(AdapterHarness.Request(account, $"post {i}", [Image()]), CancellationToken.None)).Succeeded);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var refused = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "51st", [Image()]), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(50));
        var accepted = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "52nd", [Image()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, refused.ErrorCode);
        Assert.Equal("9/2207042", refused.PlatformErrorCode);
        Assert.True(accepted.Succeeded, accepted.ErrorMessage);
        Assert.Equal(51, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Emulator_VideoContainer_GoesInProgressThenFinishedThenPublished()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        using var client = EmulatorClient(harness, account);
        var user = account.PlatformAccountId;
        var container = (await PostFormAsync(client, $"{user}/media", ("media_type", "REELS"), ("video_url", "https://cdn.example.com/v.mp4")))
            .GetProperty("id").GetString();

        var tooEarly = await PostFormAsync(client, $"{user}/media_publish?creation_id={container}");
        var first = await GetJsonAsync(client, $"{container}?fields=status_code,status");
        var second = await GetJsonAsync(client, $"{container}?fields=status_code,status");
        var published = await PostFormAsync(client, $"{user}/media_publish?creation_id={container}");
        var third = await GetJsonAsync(client, $"{container}?fields=status_code");
        var again = await PostFormAsync(client, $"{user}/media_publish?creation_id={container}");

        Assert.Equal(9007, tooEarly.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("IN_PROGRESS", first.GetProperty("status_code").GetString());
        Assert.Equal("FINISHED", second.GetProperty("status_code").GetString());
        Assert.True(published.TryGetProperty("id", out _));
        Assert.Equal("PUBLISHED", third.GetProperty("status_code").GetString());
        Assert.Equal(JsonValueKind.Object, again.GetProperty("error").ValueKind);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Ig));
    }

    [Fact]
    public async Task Emulator_ContainerOlderThanADay_ExpiresAndCannotBePublished()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account(tokenLifetime: TimeSpan.FromDays(10));
        using var client = EmulatorClient(harness, account);
        var user = account.PlatformAccountId;
        var container = (await PostFormAsync(client, $"{user}/media", ("image_url", "https://cdn.example.com/a.jpg"))).GetProperty("id").GetString();
        clock.Advance(TimeSpan.FromHours(24));

        var status = await GetJsonAsync(client, $"{container}?fields=status_code");
        var publish = await PostFormAsync(client, $"{user}/media_publish?creation_id={container}");

        Assert.Equal("EXPIRED", status.GetProperty("status_code").GetString());
        Assert.Equal(2207020, publish.GetProperty("error").GetProperty("error_subcode").GetInt32());
        Assert.Equal(0, harness.Emulator.State.LivePosts(Ig));
    }
}
