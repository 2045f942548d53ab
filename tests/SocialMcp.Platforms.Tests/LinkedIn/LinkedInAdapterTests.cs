using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Validation.Text;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.LinkedIn;

public sealed class LinkedInAdapterTests
{
    private const Platform LinkedIn = Platform.LinkedIn;

    // ---- happy paths ---------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_TextOnly_PublishesWithUrnAndPermalink()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello LinkedIn"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.StartsWith("urn:li:share:", outcome.PlatformPostId);
        Assert.Equal("https://www.linkedin.com/feed/update/" + outcome.PlatformPostId, outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_ReservedCharacters_AreEscapedSoNothingIsTruncated()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        const string text = "Q&A (live) with the team_leads ~ 50% off [details] #1 <3 a|b {x} *y* \\z @all";

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, text), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        var post = await GetPostAsync(harness, account, outcome.PlatformPostId!);
        Assert.Equal(LinkedInLittleText.Escape(text), post.GetProperty("commentary").GetString());
    }

    [Fact]
    public async Task PublishAsync_SingleImage_UploadsItAndPostsItsUrn()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        var media = new[] { Image(harness, "photo.jpg", altText: "A photo") };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "With a photo", media), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        var content = (await GetPostAsync(harness, account, outcome.PlatformPostId!)).GetProperty("content").GetProperty("media");
        Assert.StartsWith("urn:li:image:", content.GetProperty("id").GetString());
        Assert.Equal("A photo", content.GetProperty("altText").GetString());
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_SeveralImages_PostsMultiImage()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        var media = new[] { Image(harness, "a.jpg"), Image(harness, "b.png"), Image(harness, "c.gif") };

        var settings = new { altText = new[] { "First", "Second", "Third" } };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Three photos", media, settings), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        var images = (await GetPostAsync(harness, account, outcome.PlatformPostId!)).GetProperty("content").GetProperty("multiImage").GetProperty("images");
        Assert.Equal(["First", "Second", "Third"], images.EnumerateArray().Select(i => i.GetProperty("altText").GetString()));
        Assert.Equal(3, harness.Emulator.State.Calls(LinkedIn, "images.initializeUpload"));
    }

    [Fact]
    public async Task PublishAsync_Video_UploadsPartsFinalizesAndWaitsForProcessing()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        // Larger than one 4 MB part, so the upload takes two PUTs and a finalize with both ETags.
        var media = new[] { new MediaItem(MediaUrl(harness, "clip.mp4", 5_000_000), MediaTypes.Video, "video/mp4") };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "A clip", media, settings: new { videoTitle = "Clip" }),
            CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.StartsWith("urn:li:ugcPost:", outcome.PlatformPostId);
        var video = (await GetPostAsync(harness, account, outcome.PlatformPostId!)).GetProperty("content").GetProperty("media");
        Assert.StartsWith("urn:li:video:", video.GetProperty("id").GetString());
        Assert.Equal("Clip", video.GetProperty("title").GetString());
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_LinkWithoutMedia_PostsArticle()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Read this", linkUrl: "https://example.com/post",
                settings: new { articleTitle = "Our post", articleDescription = "What we did" }),
            CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        var article = (await GetPostAsync(harness, account, outcome.PlatformPostId!)).GetProperty("content").GetProperty("article");
        Assert.Equal("https://example.com/post", article.GetProperty("source").GetString());
        Assert.Equal("Our post", article.GetProperty("title").GetString());
        Assert.Equal("What we did", article.GetProperty("description").GetString());
    }

    // ---- error mapping -------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_ExpiredToken_ReturnsAuthExpired()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account(tokenLifetime: TimeSpan.FromDays(-1));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("INVALID_ACCESS_TOKEN", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_RevokedToken_ReturnsAuthExpiredWithoutTheToken()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        var token = TokenOf(account);
        harness.Emulator.State.Revoke(token);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.DoesNotContain(token, outcome.ErrorMessage + outcome.PlatformErrorMessage);
    }

    [Fact]
    public async Task PublishAsync_TokenWithoutWriteScope_ReturnsPermissionMissing()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = WithScopes(harness, "r_liteprofile", "r_member_social");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("ACCESS_DENIED", outcome.PlatformErrorCode);
        Assert.StartsWith("Not enough permissions", outcome.PlatformErrorMessage);
    }

    [Fact]
    public async Task PublishAsync_SameTextTwice_ReturnsDuplicateContentNamingTheFirstPost()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Same words"), CancellationToken.None);

        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Same words"), CancellationToken.None);

        Assert.Equal(ErrorCodes.DuplicateContent, second.ErrorCode);
        Assert.Equal("DUPLICATE_POST", second.PlatformErrorCode);
        Assert.Contains(first.PlatformPostId!, second.PlatformErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_InvalidVisibility_ReturnsContentRejected()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello", settings: new { visibility = "FRIENDS" }),
            CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("INVALID_ENUM_VALUE", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_UploadUrlRefusesImage_ReturnsMediaUploadFailed()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        const string refusal = """{"status":400,"code":"INVALID_MEDIA","message":"Unsupported image"}""";
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.Respond(400, refusal) { PathContains = "dms-uploads" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Photo", [Image(harness, "bad.jpg")]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_DailyLimitWithoutHeaders_ReturnsRateLimitedUntilMidnightUtc()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 15, 30, 0, TimeSpan.Zero));
        await using var harness = await AdapterHarness.StartAsync(LinkedIn, clock);
        var account = harness.Account();
        const string throttled = """{"status":429,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle limit for calls to this resource is reached."}""";
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.Respond(429, throttled) { PathContains = "rest/posts" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), outcome.RetryAfter);
    }

    [Fact]
    public async Task PublishAsync_ServerErrorOnCreate_LooksForThePostThenReturnsPlatformError()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.Respond(500, """{"status":500,"message":"Internal Server Error"}""") { PathContains = "rest/posts" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal(1, harness.Emulator.State.Calls(LinkedIn, "posts.findByAuthor"));
        Assert.Equal(0, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_InactiveApiVersion_ReturnsPlatformErrorNamingTheSetting()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn,
            settings: new Dictionary<string, string?> { ["Platforms:linkedin:Settings:LinkedInVersion"] = "209912" });
        var account = harness.Account();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal("NONEXISTENT_VERSION", outcome.PlatformErrorCode);
        Assert.Contains("LinkedInVersion", outcome.ErrorMessage);
    }

    // ---- resilience ----------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_TransientErrorOnImageUpload_IsRetriedAndPublishes()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.Respond(503) { PathContains = "dms-uploads" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Photo", [Image(harness, "p.jpg")]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(LinkedIn, "images.initializeUpload"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task WithdrawAsync_ThrottledWithoutHeaders_BacksOffOnTheClockThenDeletes()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await AdapterHarness.StartAsync(LinkedIn, clock, new Dictionary<string, string?>
        {
            ["Platforms:linkedin:RetryBaseDelay"] = "00:00:02",
            // Long enough that only the backoff's timer can come due while the test moves the clock.
            ["Platforms:linkedin:AttemptTimeout"] = "01:00:00",
        });
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "To delete"), CancellationToken.None);
        const string throttled = """{"status":429,"message":"Resource level throttle limit exceeded."}""";
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.Respond(429, throttled) { PathContains = "rest/posts/" });
        var started = clock.GetUtcNow();

        var withdraw = harness.Adapter.WithdrawAsync(new WithdrawRequest("p", LinkedIn, account, published.PlatformPostId!), CancellationToken.None);
        await AdvanceUntilDoneAsync(clock, withdraw, TimeSpan.FromMilliseconds(500));

        Assert.True((await withdraw).Succeeded);
        Assert.True(clock.GetUtcNow() > started, "the retry waited on the injected clock");
        Assert.Equal(1, harness.Emulator.State.Calls(LinkedIn, "posts.delete"));
    }

    // ---- ambiguous failures --------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_LostResponseOnCreate_FindsThePostInsteadOfPostingTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.LoseResponse { PathContains = "rest/posts" });
        var handles = new InMemoryPublishHandles();

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello once", handles: handles), CancellationToken.None);
        var again = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello once", handles: handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.Equal(TargetStatus.Published, again.Status);
        Assert.Equal(first.PlatformPostId, again.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(LinkedIn, "posts.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_LostResponseWithoutReadPermission_AdoptsThePostTheDuplicateCheckNames()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = WithScopes(harness, "w_member_social");
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.LoseResponse { PathContains = "rest/posts" });
        var handles = new InMemoryPublishHandles();

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello once", handles: handles), CancellationToken.None);
        var again = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello once", handles: handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.StartsWith("urn:li:share:", again.PlatformPostId);
        Assert.Equal(again.PlatformPostId, await handles.GetAsync("post_urn", CancellationToken.None));
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_LostResponseAndAuthorPostsUnparseable_NeedsReconciliationInsteadOfSendingAgain()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn, settings: new Dictionary<string, string?> { ["Platforms:linkedin:MaxRetries"] = "0" });
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.LoseResponse { Method = "POST", PathContains = "rest/posts" });
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.Respond(200, "{}") { Method = "GET", PathContains = "rest/posts", AfterEarlierFaults = true }, times: 2);

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Once only", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Once only", handles: handles), CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Equal(TargetStatus.NeedsReconciliation, second.Status);
        Assert.Contains("LinkedIn", second.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(LinkedIn, "posts.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    [Fact]
    public async Task PublishAsync_RetryDuplicatingAnOlderPost_ReturnsDuplicateContentInsteadOfAdoptingIt()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await AdapterHarness.StartAsync(LinkedIn, clock);
        var account = harness.Account();
        var older = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Same words"), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        var handles = new InMemoryPublishHandles();
        // An earlier attempt of this post sent its create and failed without an answer.
        await handles.SetAsync("create_started_at", clock.GetUtcNow().ToString("O"), CancellationToken.None);

        var retry = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Same words", handles: handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.DuplicateContent, retry.ErrorCode);
        Assert.Contains(older.PlatformPostId!, retry.PlatformErrorMessage);
        Assert.Null(await handles.GetAsync("post_urn", CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_RetryAfterCreateFailed_ReusesTheUploadedVideo()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        var media = new[] { new MediaItem(MediaUrl(harness, "clip.mp4", 100_000), MediaTypes.Video, "video/mp4") };
        harness.Emulator.Faults.Enqueue(LinkedIn, new Fault.Respond(500) { PathContains = "rest/posts" });
        var handles = new InMemoryPublishHandles();

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Clip", media, handles: handles), CancellationToken.None);
        var again = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Clip", media, handles: handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(LinkedIn, "videos.initializeUpload"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(LinkedIn));
    }

    // ---- withdraw ------------------------------------------------------------------------------------------

    [Fact]
    public async Task WithdrawAsync_PublishedPost_DeletesItAndRepeatsIdempotently()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Short-lived"), CancellationToken.None);
        var request = new WithdrawRequest("p", LinkedIn, account, published.PlatformPostId!);

        var first = await harness.Adapter.WithdrawAsync(request, CancellationToken.None);
        var second = await harness.Adapter.WithdrawAsync(request, CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        using var client = RawClient(harness, account);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("rest/posts/" + Uri.EscapeDataString(published.PlatformPostId!))).StatusCode);
    }

    // ---- the emulator's own rules --------------------------------------------------------------------------

    [Fact]
    public async Task Emulator_UnescapedReservedCharacter_SilentlyTruncatesCommentary()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        using var client = RawClient(harness, account);

        using var created = await client.PostAsJsonAsync("rest/posts", RawPost(account, "Launch (today) at noon"));
        var urn = created.Headers.GetValues("x-restli-id").Single();
        var post = await client.GetFromJsonAsync<JsonElement>("rest/posts/" + Uri.EscapeDataString(urn));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Launch ", post.GetProperty("commentary").GetString());
    }

    [Fact]
    public async Task Emulator_DailyPostCap_Answers429WithoutRateLimitHeaders()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        using var client = RawClient(harness, account);
        for (var i = 0; i < SocialMcp.Emulator.Platforms.LinkedInEmulator.DailyPostsPerMember; i++)
            (await client.PostAsJsonAsync("rest/posts", RawPost(account, $"Post number {i}"))).EnsureSuccessStatusCode();

        using var refused = await client.PostAsJsonAsync("rest/posts", RawPost(account, "One too many"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Null(refused.Headers.RetryAfter);
        Assert.False(refused.Headers.Contains("x-rate-limit-reset"));
    }

    [Fact]
    public async Task Emulator_DeletedPost_StillCountsAsDuplicateForADay()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await AdapterHarness.StartAsync(LinkedIn, clock);
        var account = harness.Account();
        using var client = RawClient(harness, account);
        using var created = await client.PostAsJsonAsync("rest/posts", RawPost(account, "Ghost"));
        var urn = created.Headers.GetValues("x-restli-id").Single();
        (await client.DeleteAsync("rest/posts/" + Uri.EscapeDataString(urn))).EnsureSuccessStatusCode();

        using var soon = await client.PostAsJsonAsync("rest/posts", RawPost(account, "Ghost"));
        clock.Advance(TimeSpan.FromHours(25));
        using var later = await client.PostAsJsonAsync("rest/posts", RawPost(account, "Ghost"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, soon.StatusCode);
        Assert.Contains(urn, await soon.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
    }

    [Fact]
    public async Task Emulator_MissingVersionHeader_Answers400VersionMissing()
    {
        await using var harness = await AdapterHarness.StartAsync(LinkedIn);
        var account = harness.Account();
        using var client = RawClient(harness, account);
        client.DefaultRequestHeaders.Remove("LinkedIn-Version");

        using var response = await client.PostAsJsonAsync("rest/posts", RawPost(account, "No version"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VERSION_MISSING", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static string MediaUrl(AdapterHarness harness, string name, int bytes) =>
        new Uri(harness.Emulator.BaseUrlOf(LinkedIn), $"test-media/{name}?bytes={bytes}").AbsoluteUri;

    private static MediaItem Image(AdapterHarness harness, string name, string? altText = null) =>
        new(MediaUrl(harness, name, 2048), MediaTypes.Image, AltText: altText);

    private static string TokenOf(Account account) => account.TokenReference!["sandbox:".Length..];

    private static Account WithScopes(AdapterHarness harness, params string[] scopes)
    {
        var account = harness.Account();
        var token = harness.Emulator.State.IssueToken(LinkedIn, account.PlatformAccountId, account.Handle, scopes: scopes);
        return account with { TokenReference = "sandbox:" + token.Token };
    }

    private static HttpClient RawClient(AdapterHarness harness, Account account)
    {
        var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(LinkedIn) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(account));
        client.DefaultRequestHeaders.Add("LinkedIn-Version", "202511");
        client.DefaultRequestHeaders.Add("X-Restli-Protocol-Version", "2.0.0");
        return client;
    }

    private static object RawPost(Account account, string commentary) => new
    {
        author = "urn:li:person:" + account.PlatformAccountId,
        commentary,
        visibility = "PUBLIC",
        distribution = new { feedDistribution = "MAIN_FEED", targetEntities = Array.Empty<object>(), thirdPartyDistributionChannels = Array.Empty<object>() },
        lifecycleState = "PUBLISHED",
        isReshareDisabledByAuthor = false,
    };

    private static async Task<JsonElement> GetPostAsync(AdapterHarness harness, Account account, string urn)
    {
        using var client = RawClient(harness, account);
        return await client.GetFromJsonAsync<JsonElement>("rest/posts/" + Uri.EscapeDataString(urn));
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
