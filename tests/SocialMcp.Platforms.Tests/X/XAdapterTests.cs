using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Adapters.X;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.X;

public sealed class XAdapterTests
{
    private const string TooManyRequests = """{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}""";

    /// <summary>Small chunks so a few KB exercise several APPENDs, and no real waiting between STATUS polls.</summary>
    private static readonly Dictionary<string, string?> FastMedia = new()
    {
        ["Platforms:x:Settings:ChunkSizeBytes"] = "1000",
        ["Platforms:x:Settings:MaxStatusWaitSeconds"] = "0",
    };

    // ---- happy paths ---------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_TextOnly_PublishesWithTheUsersStatusUrl()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello, X"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.Matches("^[0-9]+$", outcome.PlatformPostId);
        Assert.Equal($"https://x.com/tester/status/{outcome.PlatformPostId}", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_TwoImages_UploadsInChunksAndAttachesBothMediaIds()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X, settings: FastMedia);
        var handles = new InMemoryPublishHandles();
        var media = new[] { TestMedia(harness, "one.jpg", 2500), TestMedia(harness, "two.png", 800) };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Two photos", media, handles: handles), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.X, "media.initialize"));
        Assert.Equal(3 + 1, harness.Emulator.State.Calls(Platform.X, "media.append"));
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.X, "media.finalize"));
        Assert.NotNull(await handles.GetAsync(XAdapter.HandleKinds.Media(1), CancellationToken.None));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_Video_PollsProcessingUntilItSucceeds()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X, settings: FastMedia);
        var clip = TestMedia(harness, "clip.mp4", 4200, MediaTypes.Video);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "A clip", [clip]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(5, harness.Emulator.State.Calls(Platform.X, "media.append"));
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.X, "media.status"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_DataUrlImage_UploadsItsBytes()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X, settings: FastMedia);
        // A PNG's signature and filler: the emulator checks the bytes are the image they claim to be.
        var png = new byte[1500];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        var image = new MediaItem("data:image/png;base64," + Convert.ToBase64String(png), MediaTypes.Image);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Inline", [image]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.X, "media.append"));
    }

    [Fact]
    public async Task PublishAsync_WithLink_AppendsTheLinkToTheText()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Notes:", linkUrl: "https://example.com/notes"), CancellationToken.None);

        using var client = DirectClient(harness, account);
        var post = await ReadJsonAsync(await client.GetAsync($"2/tweets/{outcome.PlatformPostId}"));
        Assert.StartsWith("Notes: https://t.co/", post.GetProperty("data").GetProperty("text").GetString());
    }

    // ---- error mapping -------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_ExpiredToken_ReturnsAuthExpired()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(tokenLifetime: TimeSpan.FromMinutes(-1)), "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("401", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_TokenWithoutTweetWrite_ReturnsPermissionMissing()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var token = harness.Emulator.State.IssueToken(Platform.X, "acct-tester", "tester", scopes: ["tweet.read", "users.read"]);
        var account = harness.Account() with { TokenReference = "sandbox:" + token.Token };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("403", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_TextOverWeightedLimit_ReturnsContentRejected()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);

        // 141 CJK characters weigh 282.
        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), new string('你', 141)), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("invalid-request", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_VideoThatFailsProcessing_ReturnsMediaUploadFailed()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X, settings: FastMedia);
        var clip = TestMedia(harness, "corrupt.mp4", 1200, MediaTypes.Video);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Broken clip", [clip]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("InvalidMedia", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.X, "tweets.create"));
    }

    [Fact]
    public async Task PublishAsync_MediaUrlAnswering404_ReturnsMediaFetchFailed()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var missing = new MediaItem(new Uri(harness.Emulator.Root, "nowhere/photo.jpg").AbsoluteUri, MediaTypes.Image, "image/jpeg");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Missing photo", [missing]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaFetchFailed, outcome.ErrorCode);
        // The fetch guard gives one answer for every unreachable URL, so no status is echoed (docs/fetch-guard.md).
        Assert.Contains("could not be fetched", outcome.ErrorMessage);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.X, "media.initialize"));
    }

    [Fact]
    public async Task PublishAsync_UnsupportedMediaType_ReturnsMediaUploadFailed()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var pdf = new MediaItem("data:application/pdf;base64," + Convert.ToBase64String(new byte[10]), MediaTypes.Image, "application/pdf");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "A document", [pdf]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("invalid-request", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_SameTextTwice_ReturnsDuplicateContent()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();
        await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once"), CancellationToken.None);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Only once"), CancellationToken.None);

        Assert.Equal(ErrorCodes.DuplicateContent, outcome.ErrorCode);
        Assert.Equal("403", outcome.PlatformErrorCode);
        Assert.Contains("duplicate content", outcome.PlatformErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_RateLimited_ReturnsRateLimitedWithTheHeadersReset()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var reset = DateTimeOffset.UtcNow.AddMinutes(12).ToUnixTimeSeconds();
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, TooManyRequests, RateHeaders("x-rate-limit-", 200, 0, reset))
        { PathContains = "2/tweets" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal("429", outcome.PlatformErrorCode);
        Assert.InRange(outcome.RetryAfter!.Value, DateTimeOffset.FromUnixTimeSeconds(reset).AddSeconds(-1), DateTimeOffset.FromUnixTimeSeconds(reset).AddSeconds(1));
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_AppDailyCapSpent_ReturnsQuotaExhaustedUntilItsReset()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var reset = DateTimeOffset.UtcNow.AddHours(7).ToUnixTimeSeconds();
        var headers = RateHeaders("x-app-limit-24hour-", XEmulator.AppPostsPer24Hours, 0, reset);
        foreach (var (name, value) in RateHeaders("x-rate-limit-", 200, 150, DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()))
            headers[name] = value;
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, TooManyRequests, headers) { PathContains = "2/tweets" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, outcome.ErrorCode);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(reset), outcome.RetryAfter);
    }

    [Fact]
    public async Task PublishAsync_ServerErrorOnCreate_ReturnsPlatformErrorWithoutPosting()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(503,
            """{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}""")
        { PathContains = "2/tweets" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal("503", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.X));
    }

    // ---- resilience ----------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_ShortRateLimitReset_WaitsOnTheClockThenPublishes()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await AdapterHarness.StartAsync(Platform.X, clock,
            new Dictionary<string, string?> { ["Platforms:x:AttemptTimeout"] = "12:00:00" });
        var account = harness.Account();
        var reset = clock.GetUtcNow().AddSeconds(5).ToUnixTimeSeconds();
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(429, TooManyRequests, RateHeaders("x-rate-limit-", 75, 0, reset))
        { PathContains = "2/users/me" });

        var publishing = harness.Adapter.PublishAsync(AdapterHarness.Request(account, "After the reset"), CancellationToken.None);
        await WaitForTimerAsync(clock, publishing);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(publishing.IsCompleted);
        await WaitForTimerAsync(clock, publishing);
        clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await publishing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_TransientErrorOnRetrySafeRead_IsRetried()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(503) { PathContains = "2/users/me" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_TransientErrorOnAppend_RetriesTheSegment()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X, settings: FastMedia);
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(503) { PathContains = "/append" });

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "Photo", [TestMedia(harness, "one.jpg", 1500)]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.X, "media.append"));
    }

    [Fact]
    public async Task PublishAsync_CreateResponseLost_ReconcilesWithoutPostingTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.LoseResponse { PathContains = "2/tweets" });

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_CreateLostWithLinkAndMedia_MatchesDespiteTcoLinks()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X, settings: FastMedia);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.LoseResponse { PathContains = "2/tweets" });
        var request = AdapterHarness.Request(account, "Launch & notes <3", [TestMedia(harness, "one.jpg", 900)],
            linkUrl: "https://example.com/launch", handles: handles);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.X, "media.initialize"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_CreateLostAndPostsUnreadable_NeedsReconciliationThenNextAttemptFindsThePost()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.LoseResponse { PathContains = "2/tweets" });
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(503) { PathContains = "acct-tester/tweets" }, times: 4);

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Contains("@tester", first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal($"https://x.com/tester/status/{second.PlatformPostId}", second.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task PublishAsync_DuplicateAfterLostAttempt_IsReconciledAsPublished()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.LoseResponse { PathContains = "2/tweets" });
        // The account's posts answer "none yet" twice (a lagging timeline), so the second attempt posts again and meets the duplicate check.
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(200, """{"meta":{"result_count":0}}""") { PathContains = "acct-tester/tweets", Method = "GET" }, times: 2);

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.X));
    }

    // ---- withdraw ------------------------------------------------------------------------------------------

    [Fact]
    public async Task WithdrawAsync_PublishedPost_DeletesItAndADeletedOneStaysWithdrawn()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Soon gone"), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("post", Platform.X, account, published.PlatformPostId!), CancellationToken.None);
        var again = await harness.Adapter.WithdrawAsync(new WithdrawRequest("post", Platform.X, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.True(again.Succeeded, again.ErrorMessage);
        using var client = DirectClient(harness, account);
        var read = await ReadJsonAsync(await client.GetAsync($"2/tweets/{published.PlatformPostId}"));
        Assert.False(read.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task WithdrawAsync_ExpiredToken_ReturnsAuthExpired()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account(tokenLifetime: TimeSpan.FromMinutes(-1));

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("post", Platform.X, account, "1880000000000000001"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
    }

    // ---- the emulator's own rules --------------------------------------------------------------------------

    [Fact]
    public async Task Emulator_PostsOverTheFifteenMinuteWindow_Answer429UntilTheReset()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await AdapterHarness.StartAsync(Platform.X, clock);
        using var client = DirectClient(harness, harness.Account());
        var limit = XEmulator.UserLimits["POST 2/tweets"];
        for (var i = 0; i < limit; i++)
            Assert.Equal(HttpStatusCode.Created, (await PostTweetAsync(client, $"Post number {i}")).StatusCode);

        var limited = await PostTweetAsync(client, "One too many");
        clock.Advance(XEmulator.FifteenMinutes);
        var afterReset = await PostTweetAsync(client, "After the window");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("0", limited.Headers.GetValues("x-rate-limit-remaining").Single());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), limited.Headers.GetValues("x-rate-limit-reset").Single());
        Assert.False(limited.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.Created, afterReset.StatusCode);
        Assert.Equal(limit + 1, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task Emulator_VideoUpload_IsPendingThenInProgressThenSucceeded()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        using var client = DirectClient(harness, harness.Account());
        var init = await ReadJsonAsync(await client.PostAsync("2/media/upload/initialize",
            new StringContent("""{"media_type":"video/mp4","total_bytes":12,"media_category":"tweet_video"}""", Encoding.UTF8, "application/json")));
        var id = init.GetProperty("data").GetProperty("id").GetString();
        // Twelve bytes that start like an MP4 (an ftyp box): the emulator checks the file is the video it claims to be.
        byte[] mp4 = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'m', (byte)'p', (byte)'4', (byte)'2'];
        var append = new MultipartFormDataContent { { new StringContent("0"), "segment_index" }, { new ByteArrayContent(mp4), "media", "media" } };
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"2/media/upload/{id}/append", append)).StatusCode);

        var finalized = await ReadJsonAsync(await client.PostAsync($"2/media/upload/{id}/finalize", null));
        var first = await ReadJsonAsync(await client.GetAsync($"2/media/upload?command=STATUS&media_id={id}"));
        var second = await ReadJsonAsync(await client.GetAsync($"2/media/upload?command=STATUS&media_id={id}"));

        Assert.Equal("pending", State(finalized));
        Assert.Equal("in_progress", State(first));
        Assert.Equal("succeeded", State(second));
        Assert.StartsWith("7_", second.GetProperty("data").GetProperty("media_key").GetString());
    }

    [Fact]
    public async Task Emulator_FiveImages_AreRefusedAsInvalidMedia()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X, settings: FastMedia);
        var media = Enumerable.Range(0, 5).Select(i => TestMedia(harness, $"p{i}.jpg", 100)).ToArray();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Five photos", media), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.X));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static MediaItem TestMedia(AdapterHarness harness, string name, int bytes, string type = MediaTypes.Image) =>
        new(new Uri(harness.Emulator.BaseUrlOf(Platform.X), $"test-media/{name}?bytes={bytes}").AbsoluteUri, type);

    private static Dictionary<string, string> RateHeaders(string prefix, int limit, int remaining, long reset) => new()
    {
        [prefix + "limit"] = limit.ToString(CultureInfo.InvariantCulture),
        [prefix + "remaining"] = remaining.ToString(CultureInfo.InvariantCulture),
        [prefix + "reset"] = reset.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Spins (no sleeping) until the code under test has started a delay on the fake clock, or finished.</summary>
    private static async Task WaitForTimerAsync(WatchedFakeTimeProvider clock, Task work)
    {
        var watch = Stopwatch.StartNew();
        while (clock.PendingTimers == 0 && !work.IsCompleted)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException("The adapter never started waiting on the clock.");
            await Task.Yield();
        }
    }

    private static HttpClient DirectClient(AdapterHarness harness, Account account)
    {
        var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(Platform.X) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.TokenReference!["sandbox:".Length..]);
        return client;
    }

    private static Task<HttpResponseMessage> PostTweetAsync(HttpClient client, string text) =>
        client.PostAsync("2/tweets", new StringContent(JsonSerializer.Serialize(new { text }), Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static string? State(JsonElement answer) =>
        answer.GetProperty("data").GetProperty("processing_info").GetProperty("state").GetString();
}
