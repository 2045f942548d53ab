using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.YouTube;

public sealed class YouTubeAdapterTests
{
    private const Platform YouTube = Platform.YouTube;
    private const string InsertPath = "upload/youtube/v3/videos";

    // ---- happy paths ---------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_Video_UploadsResumablyAndReturnsWatchUrl()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        var settings = new
        {
            title = "Launch day",
            description = "All about it",
            tags = new[] { "launch", "big news" },
            categoryId = "22",
            privacyStatus = "unlisted",
            containsSyntheticMedia = true,
            notifySubscribers = false,
        };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "ignored text", [Video(harness)], settings), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.Equal("https://www.youtube.com/watch?v=" + outcome.PlatformPostId, outcome.PublicUrl);
        var video = await GetVideoAsync(harness, account, outcome.PlatformPostId!);
        Assert.Equal("Launch day", video.GetProperty("snippet").GetProperty("title").GetString());
        Assert.Equal("All about it", video.GetProperty("snippet").GetProperty("description").GetString());
        Assert.Equal(["launch", "big news"], video.GetProperty("snippet").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("22", video.GetProperty("snippet").GetProperty("categoryId").GetString());
        Assert.Equal("unlisted", video.GetProperty("status").GetProperty("privacyStatus").GetString());
        Assert.True(video.GetProperty("status").GetProperty("containsSyntheticMedia").GetBoolean());
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_NoTitleSetting_TakesTheFirstLineOfTheText()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "\nMy first vlog\nMore words below", [Video(harness)]),
            CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        var snippet = (await GetVideoAsync(harness, account, outcome.PlatformPostId!)).GetProperty("snippet");
        Assert.Equal("My first vlog", snippet.GetProperty("title").GetString());
        Assert.Equal("\nMy first vlog\nMore words below", snippet.GetProperty("description").GetString());
    }

    [Fact]
    public async Task PublishAsync_PublishAtWithoutPrivacy_UploadsPrivateAndScheduled()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        var publishAt = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Soon", [Video(harness)], new { title = "Premiere", publishAt, selfDeclaredMadeForKids = false }),
            CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        var status = (await GetVideoAsync(harness, account, outcome.PlatformPostId!)).GetProperty("status");
        Assert.Equal("private", status.GetProperty("privacyStatus").GetString());
        Assert.Equal(publishAt, status.GetProperty("publishAt").GetString());
        Assert.False(status.GetProperty("selfDeclaredMadeForKids").GetBoolean());
    }

    [Fact]
    public async Task PublishAsync_VideoLargerThanAChunk_SendsItInChunks()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube, settings: Chunked());
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Chunks", [Video(harness, 600_000)], Titled()), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(YouTube, "videos.insert"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    // ---- error mapping -------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_ExpiredToken_ReturnsAuthExpired()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account(tokenLifetime: TimeSpan.FromHours(-1));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("authError", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_ReadOnlyScope_ReturnsPermissionMissing()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = WithScopes(harness, YouTubeEmulator.ReadOnlyScope);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("insufficientPermissions", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_TitleWithAngleBrackets_ReturnsContentRejected()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], new { title = "<b>Bold</b>" }),
            CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("invalidTitle", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_DescriptionOverFiveThousandBytes_ReturnsContentRejectedThoughFewerCharacters()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        var description = new string('é', 2_600); // 2,600 characters, 5,200 UTF-8 bytes

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], new { title = "T", description }),
            CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("invalidDescription", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_QuotaExceeded_ReturnsQuotaExhaustedUntilMidnightPacific()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero)); // 01:00 PST
        await using var harness = await AdapterHarness.StartAsync(YouTube, clock);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(403, GoogleError(403, "quotaExceeded", "youtube.quota")) { PathContains = InsertPath });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, outcome.ErrorCode);
        Assert.Equal("quotaExceeded", outcome.PlatformErrorCode);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), outcome.RetryAfter);
    }

    [Fact]
    public async Task PublishAsync_UploadLimitExceeded_ReturnsQuotaExhaustedForADay()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await AdapterHarness.StartAsync(YouTube, clock);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(400, GoogleError(400, "uploadLimitExceeded", "youtube.video")) { PathContains = InsertPath });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, outcome.ErrorCode);
        Assert.Equal("uploadLimitExceeded", outcome.PlatformErrorCode);
        Assert.Equal(clock.GetUtcNow().AddHours(24), outcome.RetryAfter);
    }

    [Fact]
    public async Task PublishAsync_RateLimitedWithLongRetryAfter_ReturnsRateLimitedWithThatReset()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await AdapterHarness.StartAsync(YouTube, clock);
        var account = harness.Account();
        // Longer than MaxSignalledWait (60 s): the handler hands it back instead of holding the caller.
        var retryAfter = new Dictionary<string, string> { ["Retry-After"] = "120" };
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(429, GoogleError(429, "rateLimitExceeded", "youtube.quota"), retryAfter) { PathContains = InsertPath });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal("rateLimitExceeded", outcome.PlatformErrorCode);
        Assert.Equal(clock.GetUtcNow().AddSeconds(120), outcome.RetryAfter);
    }

    [Fact]
    public async Task PublishAsync_RateLimitedWithoutRetryAfter_ReturnsRateLimitedAfterTheConfiguredBackoff()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await AdapterHarness.StartAsync(YouTube, clock);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(429, GoogleError(429, "rateLimitExceeded", "youtube.quota")) { PathContains = InsertPath }, times: 4);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal(clock.GetUtcNow().AddMinutes(15), outcome.RetryAfter);
    }

    [Fact]
    public async Task PublishAsync_BackendErrorsPersist_ReturnsPlatformError()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(500, GoogleError(500, "backendError", "global")) { PathContains = InsertPath }, times: 4);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal("backendError", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_UploadRefusesTheBytes_ReturnsMediaUploadFailed()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Latency(TimeSpan.Zero) { PathContains = InsertPath }); // the session start
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(400, GoogleError(400, "badContent", "youtube.video")) { PathContains = InsertPath });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
    }

    [Fact]
    public async Task PublishAsync_MediaUrlNotFound_ReturnsMediaFetchFailedWithoutStartingAnUpload()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        var missing = new MediaItem(new Uri(harness.Emulator.BaseUrlOf(YouTube), "no-such-file.mp4").AbsoluteUri, MediaTypes.Video);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [missing], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaFetchFailed, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(YouTube, "videos.insert"));
    }

    // ---- resilience ----------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_ShortRetryAfter_WaitsOnTheClockThenUploads()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await AdapterHarness.StartAsync(YouTube, clock, new Dictionary<string, string?>
        {
            // Long enough that only the signalled wait's timer can come due while the test moves the clock.
            ["Platforms:youtube:AttemptTimeout"] = "01:00:00",
        });
        var account = harness.Account();
        var retryAfter = new Dictionary<string, string> { ["Retry-After"] = "5" };
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(429, GoogleError(429, "rateLimitExceeded", "youtube.quota"), retryAfter) { PathContains = InsertPath });
        var started = clock.GetUtcNow();

        var publish = harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);
        await AdvanceUntilDoneAsync(clock, publish, TimeSpan.FromSeconds(1));

        var outcome = await publish;
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.True(clock.GetUtcNow() - started >= TimeSpan.FromSeconds(5), "the retry waited the signalled 5 s on the injected clock");
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_TransientErrorOnUpload_IsRetriedWithoutANewSession()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Latency(TimeSpan.Zero) { PathContains = InsertPath }); // the session start
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(503, GoogleError(503, "backendError", "global")) { PathContains = InsertPath });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(YouTube, "videos.insert"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    // ---- ambiguous failures --------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_LostResponseOnFinalUpload_AdoptsTheVideoWithoutUploadingTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Latency(TimeSpan.Zero) { PathContains = InsertPath }); // the session start
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.LoseResponse { PathContains = InsertPath });
        var handles = new InMemoryPublishHandles();

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled(), handles: handles), CancellationToken.None);
        var again = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled(), handles: handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.Equal(TargetStatus.Published, again.Status);
        Assert.Equal(first.PlatformPostId, again.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(YouTube, "videos.insert"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_LostResponseWithoutHandlerRetries_AsksTheSessionBeforeReporting()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube, settings: NoRetries());
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Latency(TimeSpan.Zero) { PathContains = InsertPath }); // the session start
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.LoseResponse { PathContains = InsertPath });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_UnansweredLastBytesAndSession_NeedsReconciliationThenTheRetryFinishesFromTheSession()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube, settings: NoRetries());
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Latency(TimeSpan.Zero) { PathContains = InsertPath }); // the session start
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.LoseResponse { PathContains = InsertPath }, times: 2); // the upload and the status query
        var handles = new InMemoryPublishHandles();

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled(), handles: handles), CancellationToken.None);
        var again = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled(), handles: handles), CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.Equal(again.PlatformPostId, await handles.GetAsync("video_id", CancellationToken.None));
        Assert.Equal(1, harness.Emulator.State.Calls(YouTube, "videos.insert"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task PublishAsync_SessionGoneAfterTheLastBytes_NeedsReconciliationInsteadOfANewUpload()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube, settings: NoRetries());
        var account = harness.Account();
        var notFound = GoogleError(404, "notFound", "global");
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(503) { Method = "PUT", PathContains = InsertPath }); // the last (only) chunk
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(404, notFound) { Method = "PUT", PathContains = InsertPath }, times: 2); // the status queries
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(account, "x", [Video(harness)], Titled(), handles: handles);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var again = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Equal(TargetStatus.NeedsReconciliation, again.Status);
        Assert.Contains("YouTube", again.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(YouTube, "videos.insert"));
    }

    [Fact]
    public async Task PublishAsync_RetryAfterAnInterruptedChunk_ResumesFromTheBytesReceived()
    {
        var settings = Chunked();
        settings["Platforms:youtube:MaxRetries"] = "0";
        await using var harness = await AdapterHarness.StartAsync(YouTube, settings: settings);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Latency(TimeSpan.Zero) { PathContains = InsertPath }, times: 2); // session start, first chunk
        harness.Emulator.Faults.Enqueue(YouTube, new Fault.Respond(503, GoogleError(503, "backendError", "global")) { PathContains = InsertPath }, times: 2);
        var handles = new InMemoryPublishHandles();

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness, 600_000)], Titled(), handles: handles), CancellationToken.None);
        var again = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness, 600_000)], Titled(), handles: handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(YouTube, "videos.insert"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(YouTube));
    }

    // ---- withdraw ------------------------------------------------------------------------------------------

    [Fact]
    public async Task WithdrawAsync_UploadedVideo_DeletesItAndRepeatsIdempotently()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);
        var request = new WithdrawRequest("p", YouTube, account, published.PlatformPostId!);

        var first = await harness.Adapter.WithdrawAsync(request, CancellationToken.None);
        var second = await harness.Adapter.WithdrawAsync(request, CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        using var client = RawClient(harness, account);
        var list = await client.GetFromJsonAsync<JsonElement>("youtube/v3/videos?part=id&id=" + published.PlatformPostId);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task WithdrawAsync_UploadOnlyScope_ReturnsPermissionMissing()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = WithScopes(harness, YouTubeEmulator.UploadScope);
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p", YouTube, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(published.Succeeded, published.ErrorMessage);
        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
    }

    // ---- the emulator's own rules --------------------------------------------------------------------------

    [Fact]
    public async Task Emulator_DailyQuota_RefusesTheSeventhInsertUntilMidnightPacific()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero)); // 01:00 PST
        await using var harness = await AdapterHarness.StartAsync(YouTube, clock);
        var account = harness.Account();
        var fits = YouTubeEmulator.DailyQuotaUnits / YouTubeEmulator.InsertCost;
        for (var i = 0; i < fits; i++)
            Assert.True((await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None)).Succeeded);

        var refused = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);
        clock.Advance(refused.RetryAfter!.Value - clock.GetUtcNow());
        var nextDay = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], Titled()), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, refused.ErrorCode);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), refused.RetryAfter);
        Assert.True(nextDay.Succeeded, nextDay.ErrorMessage);
        Assert.Equal(fits + 1, harness.Emulator.State.LivePosts(YouTube));
    }

    [Fact]
    public async Task Emulator_UnauditedProject_KeepsPublicUploadsPrivate()
    {
        await using var harness = await AdapterHarness.StartAsync(YouTube);
        var account = WithScopes(harness, "*", YouTubeEmulator.UnauditedProjectScope);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "x", [Video(harness)], new { title = "T", privacyStatus = "public" }),
            CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal("private", (await GetVideoAsync(harness, account, outcome.PlatformPostId!)).GetProperty("status").GetProperty("privacyStatus").GetString());
    }

    [Fact]
    public void Emulator_TagsLength_CountsCommasAndQuotesAroundTagsWithSpaces()
    {
        Assert.Equal(9 + 1 + 7, YouTubeEmulator.TagsLength(["Foo Baz", "Foo-Baz"]));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static MediaItem Video(AdapterHarness harness, int bytes = 4096) =>
        new(new Uri(harness.Emulator.BaseUrlOf(YouTube), $"test-media/clip.mp4?bytes={bytes}").AbsoluteUri, MediaTypes.Video, "video/mp4");

    private static object Titled() => new { title = "A video" };

    private static Dictionary<string, string?> Chunked() => new() { ["Platforms:youtube:Settings:UploadChunkBytes"] = "262144" };

    private static Dictionary<string, string?> NoRetries() => new() { ["Platforms:youtube:MaxRetries"] = "0" };

    private static string GoogleError(int code, string reason, string domain) =>
        JsonSerializer.Serialize(new { error = new { code, message = reason + " (emulated)", errors = new[] { new { message = reason, domain, reason } } } });

    private static string TokenOf(Account account) => account.TokenReference!["sandbox:".Length..];

    private static Account WithScopes(AdapterHarness harness, params string[] scopes)
    {
        var account = harness.Account();
        var token = harness.Emulator.State.IssueToken(YouTube, account.PlatformAccountId, account.Handle, scopes: scopes);
        return account with { TokenReference = "sandbox:" + token.Token };
    }

    private static HttpClient RawClient(AdapterHarness harness, Account account)
    {
        var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(YouTube) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(account));
        return client;
    }

    private static async Task<JsonElement> GetVideoAsync(AdapterHarness harness, Account account, string id)
    {
        // The emulator's own read: a token with every scope for the same channel.
        var reader = harness.Emulator.State.IssueToken(YouTube, account.PlatformAccountId);
        using var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(YouTube) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", reader.Token);
        var list = await client.GetFromJsonAsync<JsonElement>("youtube/v3/videos?part=snippet,status&id=" + id);
        return list.GetProperty("items").EnumerateArray().Single();
    }

    /// <summary>Moves the fake clock in small steps while the call is waiting on a timer, until it completes.</summary>
    private static async Task AdvanceUntilDoneAsync(WatchedFakeTimeProvider clock, Task task, TimeSpan step)
    {
        for (var i = 0; i < 2_000 && !task.IsCompleted; i++)
        {
            if (clock.PendingTimers > 0)
                clock.Advance(step);
            await Task.Delay(1);
        }
        Assert.True(task.IsCompleted, "the call did not finish while the clock moved");
    }
}
