using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Adapters.TikTok;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.TikTok;

public sealed class TikTokAdapterTests
{
    private static readonly object Public = new { privacyLevel = "PUBLIC_TO_EVERYONE" };

    private static Task<AdapterHarness> StartAsync(TimeProvider? time = null, IDictionary<string, string?>? settings = null) =>
        AdapterHarness.StartAsync(Platform.TikTok, time, settings);

    private static TikTokWorld World(AdapterHarness harness) => TikTokEmulator.WorldOf(harness.Emulator.State);

    private static MediaItem Video(string name = "clip") => new($"https://cdn.example.com/{name}.mp4", MediaTypes.Video, "video/mp4", DurationSeconds: 12);

    private static MediaItem Photo(string name) => new($"https://cdn.example.com/{name}.jpg", MediaTypes.Image, "image/jpeg");

    private static string Envelope(string code, string message) =>
        JsonSerializer.Serialize(new { data = new { }, error = new { code, message, log_id = "20261122090000ABCDEF" } });

    [Fact]
    public async Task PublishAsync_Video_PublishedWithPostIdAndPermalink()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("maker");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Sunrise timelapse", [Video()], Public), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.Matches("^[0-9]{19}$", outcome.PlatformPostId);
        Assert.Equal($"https://www.tiktok.com/@maker/video/{outcome.PlatformPostId}", outcome.PublicUrl);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.TikTok));
        var publish = Assert.Single(World(harness).Publishes);
        Assert.Equal((TikTokMediaKind.Video, "Sunrise timelapse", "PUBLIC_TO_EVERYONE"), (publish.Kind, publish.Title, publish.PrivacyLevel));
        Assert.Equal(["https://cdn.example.com/clip.mp4"], publish.Urls);
    }

    [Fact]
    public async Task PublishAsync_Photos_PostedThroughContentInitWithTextAsDescription()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("maker");

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Three views of the bay", [Photo("a"), Photo("b"), Photo("c")], new { privacyLevel = "SELF_ONLY" }),
            CancellationToken.None);

        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.Equal($"https://www.tiktok.com/@maker/photo/{outcome.PlatformPostId}", outcome.PublicUrl);
        var publish = Assert.Single(World(harness).Publishes);
        Assert.Equal((TikTokMediaKind.Photo, "Three views of the bay", 3), (publish.Kind, publish.Description, publish.Urls.Count));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "content_init"));
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_TextOnly_ContentRejectedWithoutCallingTikTok()
    {
        await using var harness = await StartAsync();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Just words", settings: Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.TikTok, "creator_info"));
    }

    [Fact]
    public async Task PublishAsync_PrivacyLevelNotOfferedByCreator_ContentRejectedBeforeInit()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("private-maker");
        World(harness).Creator(account.PlatformAccountId).PrivacyLevelOptions = ["MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"];

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Contains("SELF_ONLY", outcome.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "creator_info"));
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
    }

    [Fact]
    public async Task PublishAsync_NoPrivacyLevel_ContentRejectedListingTheOptions()
    {
        await using var harness = await StartAsync();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello", [Video()]), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Contains("PUBLIC_TO_EVERYONE", outcome.ErrorMessage);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
    }

    [Fact]
    public async Task PublishAsync_ExpiredToken_AuthExpired()
    {
        await using var harness = await StartAsync();
        var account = harness.Account(tokenLifetime: TimeSpan.FromMinutes(-1));

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("access_token_invalid", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_RevokedToken_AuthExpired()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        harness.Emulator.State.Revoke(account.TokenReference!["sandbox:".Length..]);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
    }

    [Fact]
    public async Task PublishAsync_TokenWithoutPublishScope_PermissionMissing()
    {
        await using var harness = await StartAsync();
        var token = harness.Emulator.State.IssueToken(Platform.TikTok, "acct-reader", "reader", scopes: ["user.info.basic"]);
        var account = harness.Account("reader") with { TokenReference = "sandbox:" + token.Token };

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("scope_not_authorized", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_UnauditedClientPostingPublicly_PermissionMissing()
    {
        await using var harness = await StartAsync();
        World(harness).Unaudited = true;

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("unaudited_client_can_only_post_to_private_accounts", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_SpamRiskTextOnHttp200_ContentRejected()
    {
        await using var harness = await StartAsync();
        World(harness).SpamPhrases.Add("free followers");

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "Get FREE FOLLOWERS now", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("spam_risk_text", outcome.PlatformErrorCode);
        Assert.Contains("log_id", outcome.PlatformErrorMessage);
        Assert.Empty(World(harness).Publishes);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_DailyPostCapReached_RateLimitedForTheCapWindow()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        World(harness).DailyPostCap = 1;
        var account = harness.Account();
        await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "First", [Video("one")], Public), CancellationToken.None);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Second", [Video("two")], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal("spam_risk_too_many_posts", outcome.PlatformErrorCode);
        Assert.Equal(clock.GetUtcNow().AddHours(24), outcome.RetryAfter);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_InitPerMinuteLimitExceeded_RateLimitedUntilTheMinuteEnds()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        World(harness).PerMinuteLimits["video_init"] = 1;
        var account = harness.Account();
        var start = clock.GetUtcNow();
        await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "First", [Video("one")], Public), CancellationToken.None);

        var limited = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Second", [Video("two")], Public), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        var later = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Third", [Video("three")], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, limited.ErrorCode);
        Assert.Equal("rate_limit_exceeded", limited.PlatformErrorCode);
        Assert.Equal(start.AddMinutes(1), limited.RetryAfter);
        Assert.Equal(TargetStatus.Published, later.Status);
        Assert.Equal(2, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_MediaTikTokCannotPull_MediaUploadFailed()
    {
        await using var harness = await StartAsync();
        var video = Video("gone");
        World(harness).UnreachableUrls.Add(video.ResolvedUrl);

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello", [video], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("video_pull_failed", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_MediaOnUnverifiedDomain_MediaUploadFailed()
    {
        await using var harness = await StartAsync();
        World(harness).VerifiedUrlPrefixes.Add("https://media.verified.example/");

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("url_ownership_unverified", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_InitInternalError_PlatformErrorWithoutRetry()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.Enqueue(Platform.TikTok,
            new Fault.Respond(500, Envelope("internal_error", "Something went wrong.")) { PathContains = "video/init" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal("internal_error", outcome.PlatformErrorCode);
        Assert.Empty(World(harness).Publishes);
    }

    [Fact]
    public async Task PublishAsync_StatusFetchFailsOnceWith500_RetriedAndPublished()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.Enqueue(Platform.TikTok,
            new Fault.Respond(500, Envelope("internal_error", "Something went wrong.")) { PathContains = "status/fetch" });

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello", [Video()], Public), CancellationToken.None);

        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_ShortRetryAfterOnCreatorInfo_WaitsOnTheClockThenPublishes()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await StartAsync(clock);
        harness.Emulator.Faults.Enqueue(Platform.TikTok, new Fault.Respond(429, Envelope("rate_limit_exceeded", "Too many requests."),
            new Dictionary<string, string> { ["Retry-After"] = "7" })
        { PathContains = "creator_info" });
        var start = clock.GetUtcNow();

        var publishing = harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Hello", [Video()], Public), CancellationToken.None);
        await clock.WaitForDelayAsync(TimeSpan.FromSeconds(7));
        Assert.False(publishing.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(7));
        var outcome = await publishing;

        Assert.Equal(TargetStatus.Published, outcome.Status);
        Assert.Equal(start.AddSeconds(7), clock.GetUtcNow());
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "creator_info"));
    }

    [Fact]
    public async Task PublishAsync_InitAnswerLost_FindsThePostAndNeverPostsTwice()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.Enqueue(Platform.TikTok, new Fault.LoseResponse { PathContains = "video/init" });
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(harness.Account("maker"), "Lost and found", [Video()], Public, handles: handles);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.Published, first.Status);
        Assert.Equal(TargetStatus.Published, second.Status);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal($"https://www.tiktok.com/@maker/video/{first.PlatformPostId}", second.PublicUrl);
        Assert.True(harness.Emulator.State.Calls(Platform.TikTok, "video_list") > 0, "the lost init was looked for in the video list");
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_LostInitNotFoundYet_RefusesToInitAgainUntilTheWindowPasses()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock, new Dictionary<string, string?> { ["Platforms:tiktok:MaxPolls"] = "3" });
        World(harness).ModerationSteps = 1_000_000; // the post never shows in the video list
        harness.Emulator.Faults.Enqueue(Platform.TikTok, new Fault.LoseResponse { PathContains = "video/init" });
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(harness.Account(), "Where did it go", [Video()], Public, handles: handles);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        var third = await harness.Adapter.PublishAsync(request with { Attempt = 3 }, CancellationToken.None);

        Assert.Equal((ErrorCodes.PlatformError, "init_unconfirmed"), (first.ErrorCode, first.PlatformErrorCode));
        Assert.Equal(first.RetryAfter, second.RetryAfter);
        Assert.Equal(ErrorCodes.PlatformError, second.ErrorCode);
        Assert.Equal(TargetStatus.InReview, third.Status);
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
    }

    [Fact]
    public async Task PublishAsync_PostIdStillInModeration_InReviewThenResumedByTheNextAttempt()
    {
        await using var harness = await StartAsync(settings: new Dictionary<string, string?> { ["Platforms:tiktok:MaxPolls"] = "2" });
        World(harness).ModerationSteps = 2;
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(harness.Account(), "Slow review", [Video()], Public, handles: handles);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.InReview, first.Status);
        Assert.Equal(await handles.GetAsync(TikTokAdapter.PublishIdHandle, CancellationToken.None), first.PlatformPostId);
        Assert.Equal(TargetStatus.Published, second.Status);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task PublishAsync_EarlierPublishIdButStatusUnreadable_NeedsReconciliationWithoutANewInit()
    {
        await using var harness = await StartAsync(settings: new Dictionary<string, string?>
        {
            ["Platforms:tiktok:MaxPolls"] = "2",
            ["Platforms:tiktok:MaxRetries"] = "0",
        });
        World(harness).ModerationSteps = 1_000_000;
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(harness.Account("maker"), "Slow review", [Video()], Public, handles: handles);
        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        harness.Emulator.Faults.Enqueue(Platform.TikTok, new Fault.Respond(503) { PathContains = "status/fetch" });

        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.InReview, first.Status);
        Assert.Equal(TargetStatus.NeedsReconciliation, second.Status);
        Assert.Contains(first.PlatformPostId!, second.ErrorMessage);
        Assert.Contains("@maker", second.ErrorMessage);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
    }

    [Fact]
    public async Task PublishAsync_InitAnswerLostWithVideoListTurnedOff_NeedsReconciliationAndNeverInitsAgain()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock, new Dictionary<string, string?> { ["Platforms:tiktok:Settings:ReconcileWithVideoList"] = "false" });
        harness.Emulator.Faults.Enqueue(Platform.TikTok, new Fault.LoseResponse { PathContains = "video/init" });
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(harness.Account("maker"), "No way to look", [Video()], Public, handles: handles);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(2));
        var later = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Equal(TargetStatus.NeedsReconciliation, later.Status);
        Assert.Contains("ReconcileWithVideoList", later.ErrorMessage);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.TikTok, "video_list"));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
    }

    [Fact]
    public async Task PublishAsync_PreviousPublishFailed_StartsAgain()
    {
        await using var harness = await StartAsync();
        var video = Video("flaky");
        World(harness).UnreachableUrls.Add(video.ResolvedUrl);
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(harness.Account(), "Second time lucky", [video], Public, handles: handles);
        var failed = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        World(harness).UnreachableUrls.Clear();

        var retried = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, failed.ErrorCode);
        Assert.Equal(TargetStatus.Published, retried.Status);
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.TikTok, "video_init"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.TikTok));
    }

    [Fact]
    public async Task WithdrawAsync_AnyPost_NotSupportedAndNothingCalled()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Platform.TikTok, account, "7400000000000000001"), CancellationToken.None);

        Assert.False(harness.Adapter.CapabilitiesFor(Platform.TikTok).CanWithdraw);
        Assert.Equal(ErrorCodes.WithdrawNotSupported, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.TikTok, "creator_info"));
    }

    [Fact]
    public async Task Emulator_StatusFetch_MovesFromDownloadThroughModerationToPostId()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        using var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(Platform.TikTok) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.TokenReference!["sandbox:".Length..]);
        var init = await PostAsync(client, "v2/post/publish/video/init/",
            """{"post_info":{"title":"Raw","privacy_level":"SELF_ONLY"},"source_info":{"source":"PULL_FROM_URL","video_url":"https://cdn.example.com/raw.mp4"}}""");
        var publishId = init.Body.GetProperty("data").GetProperty("publish_id").GetString();
        var fetch = $$"""{"publish_id":"{{publishId}}"}""";

        var first = await PostAsync(client, "v2/post/publish/status/fetch/", fetch);
        var liveAfterFirst = harness.Emulator.State.LivePosts(Platform.TikTok);
        var second = await PostAsync(client, "v2/post/publish/status/fetch/", fetch);
        var liveAfterSecond = harness.Emulator.State.LivePosts(Platform.TikTok);
        var third = await PostAsync(client, "v2/post/publish/status/fetch/", fetch);

        Assert.Equal("ok", init.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("PROCESSING_DOWNLOAD", first.Body.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("PUBLISH_COMPLETE", second.Body.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(0, second.Body.GetProperty("data").GetProperty("publicaly_available_post_id").GetArrayLength());
        Assert.Equal(1, third.Body.GetProperty("data").GetProperty("publicaly_available_post_id").GetArrayLength());
        Assert.Equal((0, 1, 1), (liveAfterFirst, liveAfterSecond, harness.Emulator.State.LivePosts(Platform.TikTok)));
    }

    [Fact]
    public async Task Emulator_VideoInitWithoutPostInfo_InvalidParamsEnvelope()
    {
        await using var harness = await StartAsync();
        using var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(Platform.TikTok) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", harness.Account().TokenReference!["sandbox:".Length..]);

        var answer = await PostAsync(client, "v2/post/publish/video/init/", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid_params", answer.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.True(answer.Body.GetProperty("error").GetProperty("log_id").GetString()!.Length > 0);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
