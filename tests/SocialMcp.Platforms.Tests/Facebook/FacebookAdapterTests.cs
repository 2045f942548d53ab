using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Facebook;

public sealed class FacebookAdapterTests
{
    private const string PageId = "acct-tester";

    private static readonly MediaItem Photo1 = new("https://cdn.example.com/one.jpg", MediaTypes.Image, "image/jpeg");
    private static readonly MediaItem Photo2 = new("https://cdn.example.com/two.jpg", MediaTypes.Image, "image/jpeg", AltText: "A second photo");
    private static readonly MediaItem Clip = new("https://cdn.example.com/clip.mp4", MediaTypes.Video, "video/mp4", DurationSeconds: 20, Width: 1080, Height: 1920);

    // ---- happy paths ---------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_TextOnly_PublishesFeedPostWithItsPermalink()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello from the Page"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.StartsWith(PageId + "_", outcome.PlatformPostId);
        Assert.Equal($"https://www.facebook.com/{PageId}/posts/{outcome.PlatformPostId![(PageId.Length + 1)..]}", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_TextWithLink_PublishesOneFeedPost()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "Read the launch notes", linkUrl: "https://example.com/notes"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "feed.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_OnePhoto_PublishesPhotoAndReturnsItsFeedPost()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "A photo", [Photo1]), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.StartsWith(PageId + "_", outcome.PlatformPostId);
        Assert.StartsWith($"https://www.facebook.com/{PageId}/posts/", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "photos.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_SeveralPhotos_AttachesUnpublishedPhotosToOneFeedPost()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var handles = new InMemoryPublishHandles();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Two photos", [Photo1, Photo2], handles: handles),
            CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.StartsWith(PageId + "_", outcome.PlatformPostId);
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.Facebook, "photos.create"));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "feed.create"));
        Assert.NotNull(await handles.GetAsync("photo:1", CancellationToken.None));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_OneVideo_PublishesThroughVideosWithAbsoluteUrl()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "A video", [Clip], settings: new { title = "Launch" }),
            CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal($"https://www.facebook.com/{PageId}/videos/{outcome.PlatformPostId}/", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_ReelPlacement_StartsUploadsFinishesAndReturnsReelUrl()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var handles = new InMemoryPublishHandles();

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "A reel", [Clip], settings: new { placement = "reel" }, handles: handles), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal($"https://www.facebook.com/reel/{outcome.PlatformPostId}", outcome.PublicUrl);
        Assert.Equal(outcome.PlatformPostId, await handles.GetAsync(Adapters.Facebook.FacebookAdapter.HandleKinds.ReelVideoId, CancellationToken.None));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.start"));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.finish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_StoryPlacement_ReturnsContentRejectedWithoutCalling()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "A story", [Photo1], settings: new { placement = "story" }), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.Facebook, "photos.create"));
    }

    // ---- error mapping -------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_ExpiredToken_ReturnsAuthExpired()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(tokenLifetime: TimeSpan.FromMinutes(-1)), "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("190", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_RevokedToken_ReturnsAuthExpired()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        harness.Emulator.State.Revoke(account.TokenReference!["sandbox:".Length..]);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
    }

    [Fact]
    public async Task PublishAsync_TokenWithoutPagesManagePosts_ReturnsPermissionMissing()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var token = harness.Emulator.State.IssueToken(Platform.Facebook, PageId, "tester", scopes: ["pages_read_engagement"]);
        var account = harness.Account() with { TokenReference = "sandbox:" + token.Token };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("200", outcome.PlatformErrorCode);
        Assert.Contains("pages_manage_posts", outcome.PlatformErrorMessage);
    }

    [Fact]
    public async Task PublishAsync_LinkThatCannotBeScraped_ReturnsContentRejected()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "Broken link", linkUrl: "https://site.invalid/page"), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("100/1609005", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_PhotoUrlThatCannotBeFetched_ReturnsMediaUploadFailed()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var unreachable = Photo1 with { Url = "https://cdn.invalid/one.jpg" };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "A photo", [unreachable]), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("324", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_SameMessageAsPreviousPost_ReturnsDuplicateContent()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Same words"), CancellationToken.None);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Same words"), CancellationToken.None);

        Assert.Equal(ErrorCodes.DuplicateContent, outcome.ErrorCode);
        Assert.Equal("506", outcome.PlatformErrorCode);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_PageThrottled_ReturnsRateLimitedWithRegainTime()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(400,
            """{"error":{"message":"(#80001) There have been too many calls to this Page account. Wait a bit and try again.","type":"OAuthException","code":80001,"is_transient":true,"fbtrace_id":"Atrace"}}""",
            new Dictionary<string, string>
            {
                ["X-Business-Use-Case-Usage"] = $$"""{"{{PageId}}":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":12}]}""",
            })
        { PathContains = "/feed" });
        var before = DateTimeOffset.UtcNow;

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal("80001", outcome.PlatformErrorCode);
        Assert.InRange(outcome.RetryAfter!.Value, before.AddMinutes(12), DateTimeOffset.UtcNow.AddMinutes(12));
    }

    [Fact]
    public async Task PublishAsync_ThirtyReelsInADay_ReturnsQuotaExhaustedForTheNext()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        for (var i = 0; i < FacebookEmulator.ReelsPerWindow; i++)
        {
            var published = await harness.Adapter.PublishAsync(
                AdapterHarness.Request(account, $"Reel {i}", [Clip], settings: new { placement = "reel" }), CancellationToken.None);
            Assert.True(published.Succeeded, published.ErrorMessage);
        }

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "One reel too many", [Clip], settings: new { placement = "reel" }), CancellationToken.None);

        Assert.Equal(ErrorCodes.QuotaExhausted, outcome.ErrorCode);
        Assert.Equal("9", outcome.PlatformErrorCode);
        Assert.NotNull(outcome.RetryAfter);
        Assert.Equal(FacebookEmulator.ReelsPerWindow, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_ServerError_ReturnsPlatformErrorWithoutPosting()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(500,
            """{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","code":2,"is_transient":true,"fbtrace_id":"Atrace"}}""")
        { PathContains = "/feed" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal("2", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    // ---- resilience ----------------------------------------------------------------------------------------

    [Fact]
    public async Task PublishAsync_UploadAnswersRetryAfter_WaitsOnTheClockThenPublishes()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook, clock,
            new Dictionary<string, string?> { ["Platforms:facebook:AttemptTimeout"] = "12:00:00" });
        var account = harness.Account();
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503, "", new Dictionary<string, string>
        {
            ["Retry-After"] = clock.GetUtcNow().AddSeconds(5).ToString("r", CultureInfo.InvariantCulture),
        })
        { PathContains = "video-upload" });

        var publishing = harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "A patient reel", [Clip], settings: new { placement = "reel" }), CancellationToken.None);
        await WaitForTimerAsync(clock, publishing);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(publishing.IsCompleted);
        await WaitForTimerAsync(clock, publishing);
        clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await publishing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_UploadFailsOnceWith503_RetriesTheUpload()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503) { PathContains = "video-upload" });

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "A reel", [Clip], settings: new { placement = "reel" }), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.start"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_FeedResponseLost_ReconcilesWithoutPostingTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.LoseResponse { PathContains = "/feed" });

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "feed.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_FeedResponseLostAndFeedUnreadable_NeedsReconciliationThenNextAttemptFindsThePost()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.LoseResponse { PathContains = "/feed" });
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503) { PathContains = "/feed" }, times: 4);

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Said once", handles: handles), CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Equal(TargetStatus.Published, second.Status);
        Assert.StartsWith($"https://www.facebook.com/{PageId}/posts/", second.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "feed.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_PhotoResponseLost_ReconcilesWithoutPostingTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.LoseResponse { PathContains = "/photos" });

        var first = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "A photo once", [Photo1], handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "A photo once", [Photo1], handles: handles), CancellationToken.None);

        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "photos.create"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_ReelFinishResponseLost_ReadsStatusAndNeverFinishesTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        // The start phase shares the path with finish: it takes a harmless zero latency, finish loses its answer.
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Latency(TimeSpan.Zero) { PathContains = "video_reels" });
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.LoseResponse { PathContains = "video_reels" });

        var first = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "A reel once", [Clip], settings: new { placement = "reel" }, handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "A reel once", [Clip], settings: new { placement = "reel" }, handles: handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.finish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_ReelFinishLostAndStatusUnreadable_NeedsReconciliationAndNeverFinishesTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook,
            settings: new Dictionary<string, string?> { ["Platforms:facebook:MaxRetries"] = "0" });
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(account, "A reel once", [Clip], settings: new { placement = "reel" }, handles: handles);
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Latency(TimeSpan.Zero) { PathContains = "video_reels" });
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.LoseResponse { PathContains = "video_reels" });
        // Every read after the lost finish fails: the reel's status cannot be known on either attempt.
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503) { Method = "GET", AfterEarlierFaults = true }, times: 2);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var third = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Equal(TargetStatus.NeedsReconciliation, second.Status);
        Assert.Contains("reel", second.ErrorMessage);
        Assert.True(third.Succeeded, third.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.start"));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.finish"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_ReelUploadedButNeverFinishedAndStatusUnreadable_PlainFailureThenResumes()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook,
            settings: new Dictionary<string, string?> { ["Platforms:facebook:MaxRetries"] = "0" });
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(account, "A reel", [Clip], settings: new { placement = "reel" }, handles: handles);
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503) { PathContains = "video-upload" });
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503) { Method = "GET", AfterEarlierFaults = true });

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var third = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        // Nothing could have been published before the finish, so not knowing the status is an ordinary, retryable failure.
        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.Equal((TargetStatus.Failed, ErrorCodes.PlatformError), (second.Status, second.ErrorCode));
        Assert.True(third.Succeeded, third.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.start"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task PublishAsync_RetryAfterFailedReelUpload_ResumesTheSameReel()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503) { PathContains = "video-upload" }, times: 4);

        var first = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "A reel", [Clip], settings: new { placement = "reel" }, handles: handles), CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "A reel", [Clip], settings: new { placement = "reel" }, handles: handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.True(second.Succeeded, second.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "video_reels.start"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    // ---- withdraw ------------------------------------------------------------------------------------------

    [Fact]
    public async Task WithdrawAsync_PublishedPost_DeletesItFromThePage()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Soon gone"), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("post", Platform.Facebook, account, published.PlatformPostId!), CancellationToken.None);
        var again = await harness.Adapter.WithdrawAsync(new WithdrawRequest("post", Platform.Facebook, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.True(again.Succeeded, again.ErrorMessage);
        using var client = DirectClient(harness, account);
        var read = await client.GetAsync($"{published.PlatformPostId}?fields=id");
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
    }

    [Fact]
    public async Task WithdrawAsync_DeleteFailsOnceWith503_IsRetried()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Soon gone"), CancellationToken.None);
        harness.Emulator.Faults.Enqueue(Platform.Facebook, new Fault.Respond(503) { PathContains = published.PlatformPostId });

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("post", Platform.Facebook, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Facebook, "delete"));
    }

    // ---- the emulator's own rules --------------------------------------------------------------------------

    [Fact]
    public async Task Emulator_ScheduledPost_MustBeUnpublishedAndAtLeastTenMinutesAhead()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        using var client = DirectClient(harness, account);
        var now = DateTimeOffset.UtcNow;

        var tooSoon = await client.PostAsync($"{PageId}/feed", Form(("message", "Later"), ("published", "false"),
            ("scheduled_publish_time", now.AddMinutes(5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));
        var published = await client.PostAsync($"{PageId}/feed", Form(("message", "Later"),
            ("scheduled_publish_time", now.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));
        var scheduled = await client.PostAsync($"{PageId}/feed", Form(("message", "Later"), ("published", "false"),
            ("scheduled_publish_time", now.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));

        Assert.Equal(HttpStatusCode.BadRequest, tooSoon.StatusCode);
        Assert.Equal(100, (await ErrorOf(tooSoon)).GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, published.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.Facebook));
    }

    [Fact]
    public async Task Emulator_ReelStatus_MovesFromProcessingToPublished()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Facebook);
        var account = harness.Account();
        using var client = DirectClient(harness, account);
        var start = await (await client.PostAsync($"{PageId}/video_reels", Form(("upload_phase", "start")))).Content.ReadFromJsonElementAsync();
        var videoId = start.GetProperty("video_id").GetString()!;
        using var upload = new HttpRequestMessage(HttpMethod.Post, start.GetProperty("upload_url").GetString());
        upload.Headers.TryAddWithoutValidation("file_url", Clip.Url);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(upload)).StatusCode);
        var finish = await client.PostAsync($"{PageId}/video_reels",
            Form(("upload_phase", "finish"), ("video_id", videoId), ("video_state", "PUBLISHED"), ("description", "Reel")));

        var first = await ReelStatusAsync(client, videoId);
        var second = await ReelStatusAsync(client, videoId);

        Assert.Equal(HttpStatusCode.OK, finish.StatusCode);
        Assert.Equal("processing", first.GetProperty("video_status").GetString());
        Assert.Equal("in_progress", first.GetProperty("publishing_phase").GetProperty("status").GetString());
        Assert.Equal("ready", second.GetProperty("video_status").GetString());
        Assert.Equal("complete", second.GetProperty("publishing_phase").GetProperty("status").GetString());
        Assert.Equal("published", second.GetProperty("publishing_phase").GetProperty("publish_status").GetString());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

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
        var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(Platform.Facebook) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.TokenReference!["sandbox:".Length..]);
        return client;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonElementAsync()).GetProperty("error");

    private static async Task<JsonElement> ReelStatusAsync(HttpClient client, string videoId) =>
        (await (await client.GetAsync($"{videoId}?fields=status")).Content.ReadFromJsonElementAsync()).GetProperty("status");
}

internal static class HttpContentJson
{
    public static async Task<JsonElement> ReadFromJsonElementAsync(this HttpContent content)
    {
        using var document = JsonDocument.Parse(await content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
