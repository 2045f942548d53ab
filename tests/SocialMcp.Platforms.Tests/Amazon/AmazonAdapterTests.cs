using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Emulator.Platforms;
using SocialMcp.Platforms.Adapters.Amazon;
using SocialMcp.Platforms.Tests.Support;
using SocialMcp.Platforms.Tests.TikTok;

namespace SocialMcp.Platforms.Tests.Amazon;

public sealed class AmazonAdapterTests
{
    private const string ClientId = "amzn1.application-oa2-client.emulator";
    private const string ThrottledBody = """{"code":"THROTTLED","details":"Request was throttled."}""";
    private static readonly object TwoProducts = new { products = new[] { "B0CHX1W1XY", "B08N5WRWNW" } };

    private static Task<AdapterHarness> StartAsync(TimeProvider? time = null, bool configured = true) =>
        AdapterHarness.StartAsync(Platform.Amazon, time,
            configured ? new Dictionary<string, string?> { ["Platforms:amazon:Settings:ClientId"] = ClientId } : null);

    private static AmazonWorld World(AdapterHarness harness) => AmazonEmulator.WorldOf(harness.Emulator.State);

    private static MediaItem Image(AdapterHarness harness, string name = "lamp.jpg", string mimeType = "image/jpeg") =>
        new(new Uri(harness.Emulator.BaseUrlOf(Platform.Amazon), AmazonEmulator.TestMediaPath + name).AbsoluteUri, MediaTypes.Image, mimeType);

    private static PublishRequest Request(AdapterHarness harness, Account account, string text = "Our new desk lamp", object? settings = null,
        IPublishHandles? handles = null, MediaItem? image = null) =>
        AdapterHarness.Request(account, text, [image ?? Image(harness)], settings ?? TwoProducts, handles: handles);

    [Fact]
    public async Task PublishAsync_ImageWithProducts_SubmittedAndInReview()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("brand");

        var outcome = await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(TargetStatus.InReview, outcome.Status);
        Assert.Null(outcome.PublicUrl);
        var post = Assert.Single(World(harness).Posts);
        Assert.Equal(post.Id, outcome.PlatformPostId);
        Assert.Equal(("REVIEW", 2, "Our new desk lamp"), (post.Status, post.Version, post.Caption));
        Assert.Equal(["B0CHX1W1XY", "B08N5WRWNW"], post.Products);
        Assert.StartsWith("amzn1.assetlibrary.asset1.", post.MediaId);
        Assert.Equal(World(harness).PostProfiles("acct-brand")[0].PostProfileId, post.ProfileId);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Amazon));
    }

    [Fact]
    public async Task PublishAsync_AgainAfterModeration_PublishedWithoutCreatingAnotherPost()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var handles = new InMemoryPublishHandles();
        var request = Request(harness, harness.Account(), handles: handles);
        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        clock.Advance(World(harness).ReviewDuration);

        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.InReview, first.Status);
        Assert.Equal(TargetStatus.Published, second.Status);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal(("LIVE", 3), (World(harness).Posts[0].Status, World(harness).Posts[0].Version));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Amazon, "create_post"));
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Amazon));
    }

    [Fact]
    public async Task PublishAsync_TextOnly_ContentRejectedWithoutCalls()
    {
        await using var harness = await StartAsync();

        var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(harness.Account(), "Words only"), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.Amazon, "profiles"));
    }

    [Fact]
    public async Task PublishAsync_SixProducts_ContentRejectedWithoutCalls()
    {
        await using var harness = await StartAsync();
        var six = new { products = new[] { "B000000001", "B000000002", "B000000003", "B000000004", "B000000005", "B000000006" } };

        var outcome = await harness.Adapter.PublishAsync(Request(harness, harness.Account(), settings: six), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.Amazon, "profiles"));
    }

    [Fact]
    public async Task PublishAsync_InvalidAsin_ContentRejectedByAmazon()
    {
        await using var harness = await StartAsync();

        var outcome = await harness.Adapter.PublishAsync(Request(harness, harness.Account(), settings: new { products = new[] { "lamp" } }), CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("INVALID_ARGUMENT", outcome.PlatformErrorCode);
        Assert.Contains("ASIN", outcome.PlatformErrorMessage);
        Assert.Empty(World(harness).Posts);
    }

    [Fact]
    public async Task PublishAsync_ModerationRejectsThePost_ContentRejected()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        World(harness).RejectedPhrases.Add("miracle");
        var request = Request(harness, harness.Account(), "A miracle lamp", handles: new InMemoryPublishHandles());
        await harness.Adapter.PublishAsync(request, CancellationToken.None);
        clock.Advance(World(harness).ReviewDuration);

        var outcome = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(ErrorCodes.ContentRejected, outcome.ErrorCode);
        Assert.Equal("REJECTED", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_ExpiredToken_AuthExpired()
    {
        await using var harness = await StartAsync();
        var account = harness.Account(tokenLifetime: TimeSpan.FromMinutes(-5));

        var outcome = await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);

        Assert.Equal(ErrorCodes.AuthExpired, outcome.ErrorCode);
        Assert.Equal("UNAUTHORIZED", outcome.PlatformErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(Platform.Amazon));
    }

    [Fact]
    public async Task PublishAsync_AdvertiserProfileOfSomeoneElse_PermissionMissing()
    {
        await using var harness = await StartAsync();
        var account = harness.Account(extraMetadata: new { amazon = new { profileId = "advertiser-of-someone-else" } });

        var outcome = await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal("FORBIDDEN", outcome.PlatformErrorCode);
    }

    [Fact]
    public async Task PublishAsync_NoAuthorizedBrandProfile_PermissionMissing()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("brand");
        World(harness).PostProfiles("acct-brand")[0].IsAuthorized = false;

        var outcome = await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.Amazon, "create_post"));
    }

    [Fact]
    public async Task PublishAsync_ThrottledLongerThanTheHandlerWaits_RateLimitedWithRetryAfter()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        harness.Emulator.Faults.Enqueue(Platform.Amazon,
            new Fault.Respond(429, ThrottledBody, new Dictionary<string, string> { ["Retry-After"] = "120" }) { PathContains = "bp/v2/posts" });

        var outcome = await harness.Adapter.PublishAsync(Request(harness, harness.Account()), CancellationToken.None);

        Assert.Equal(ErrorCodes.RateLimited, outcome.ErrorCode);
        Assert.Equal("THROTTLED", outcome.PlatformErrorCode);
        Assert.Equal(clock.GetUtcNow().AddSeconds(120), outcome.RetryAfter);
        Assert.Empty(World(harness).Posts);
    }

    [Fact]
    public async Task PublishAsync_ShortRetryAfterOnProfiles_WaitsOnTheClockThenSubmits()
    {
        var clock = new WatchedFakeTimeProvider();
        await using var harness = await StartAsync(clock);
        harness.Emulator.Faults.Enqueue(Platform.Amazon,
            new Fault.Respond(429, ThrottledBody, new Dictionary<string, string> { ["Retry-After"] = "5" }) { PathContains = "bp/v2/profiles" });
        var start = clock.GetUtcNow();

        var publishing = harness.Adapter.PublishAsync(Request(harness, harness.Account()), CancellationToken.None);
        await clock.WaitForDelayAsync(TimeSpan.FromSeconds(5));
        Assert.False(publishing.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        var outcome = await publishing;

        Assert.Equal(TargetStatus.InReview, outcome.Status);
        Assert.Equal(start.AddSeconds(5), clock.GetUtcNow());
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Amazon, "profiles"));
    }

    [Fact]
    public async Task PublishAsync_ProfilesFailOnceWith503_RetriedAndSubmitted()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.Enqueue(Platform.Amazon,
            new Fault.Respond(503, """{"code":"SERVICE_UNAVAILABLE","details":"Try again."}""") { PathContains = "bp/v2/profiles" });

        var outcome = await harness.Adapter.PublishAsync(Request(harness, harness.Account()), CancellationToken.None);

        Assert.Equal(TargetStatus.InReview, outcome.Status);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Amazon, "profiles"));
    }

    [Fact]
    public async Task PublishAsync_CreateFailsWith500_PlatformErrorAndTheRetryReusesTheAsset()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.Enqueue(Platform.Amazon,
            new Fault.Respond(500, """{"code":"INTERNAL_ERROR","details":"Oops."}""") { PathContains = "bp/v2/posts" });
        var handles = new InMemoryPublishHandles();
        var request = Request(harness, harness.Account(), handles: handles);

        var failed = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var retried = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, failed.ErrorCode);
        Assert.Equal("INTERNAL_ERROR", failed.PlatformErrorCode);
        Assert.Equal(TargetStatus.InReview, retried.Status);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Amazon, "assets_register"));
        Assert.Single(World(harness).Posts);
    }

    [Fact]
    public async Task PublishAsync_SubmitAnswerLost_ReconciledWithoutADuplicate()
    {
        await using var harness = await StartAsync();
        World(harness).ReviewDuration = TimeSpan.Zero;
        harness.Emulator.Faults.Enqueue(Platform.Amazon, new Fault.LoseResponse { PathContains = "submitForReview" });
        var handles = new InMemoryPublishHandles();
        var request = Request(harness, harness.Account(), handles: handles);

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var second = await harness.Adapter.PublishAsync(request with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(TargetStatus.Published, first.Status);
        Assert.Equal(TargetStatus.Published, second.Status);
        Assert.Equal(first.PlatformPostId, second.PlatformPostId);
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Amazon, "create_post"));
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.Amazon, "submit_for_review")); // the lost one, then the handler's 409
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Amazon));
    }

    [Fact]
    public async Task PublishAsync_ImageCannotBeDownloaded_MediaFetchFailed()
    {
        await using var harness = await StartAsync();

        var outcome = await harness.Adapter.PublishAsync(Request(harness, harness.Account(), image: Image(harness, "missing.jpg")), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaFetchFailed, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.Amazon, "assets_upload"));
    }

    [Fact]
    public async Task PublishAsync_AssetLibraryRefusesTheFile_MediaUploadFailed()
    {
        await using var harness = await StartAsync();

        var outcome = await harness.Adapter.PublishAsync(
            Request(harness, harness.Account(), image: Image(harness, "lamp.jpg", mimeType: "text/plain")), CancellationToken.None);

        Assert.Equal(ErrorCodes.MediaUploadFailed, outcome.ErrorCode);
        Assert.Equal("INVALID_ARGUMENT", outcome.PlatformErrorCode);
        Assert.Empty(World(harness).Posts);
    }

    [Fact]
    public async Task PublishAsync_ServiceDiscontinued_PlatformError()
    {
        await using var harness = await StartAsync();
        World(harness).Discontinued = true;

        var outcome = await harness.Adapter.PublishAsync(Request(harness, harness.Account()), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Equal("GONE", outcome.PlatformErrorCode);
        Assert.Contains("discontinued", outcome.ErrorMessage);
    }

    [Fact]
    public async Task PublishAsync_ClientIdNotConfigured_PlatformErrorWithoutCalls()
    {
        await using var harness = await StartAsync(configured: false);

        var outcome = await harness.Adapter.PublishAsync(Request(harness, harness.Account()), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
        Assert.Contains("ClientId", outcome.ErrorMessage);
        Assert.Equal(0, harness.Emulator.State.Calls(Platform.Amazon, "profiles"));
    }

    [Fact]
    public async Task WithdrawAsync_LivePost_UnpublishedAtItsCurrentVersion()
    {
        await using var harness = await StartAsync();
        World(harness).ReviewDuration = TimeSpan.Zero;
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Platform.Amazon, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(harness.Adapter.CapabilitiesFor(Platform.Amazon).CanWithdraw);
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(("WITHDRAWN", 4), (World(harness).Posts[0].Status, World(harness).Posts[0].Version));
        Assert.Equal(1, harness.Emulator.State.Calls(Platform.Amazon, "unpublish"));
    }

    [Fact]
    public async Task WithdrawAsync_UnpublishAnswerLost_ReadsThePostAndSucceeds()
    {
        await using var harness = await StartAsync();
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);
        harness.Emulator.Faults.Enqueue(Platform.Amazon, new Fault.LoseResponse { PathContains = "unpublish" });

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Platform.Amazon, account, published.PlatformPostId!), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal("WITHDRAWN", World(harness).Posts[0].Status);
    }

    [Fact]
    public async Task WithdrawAsync_UnknownPost_PlatformError()
    {
        await using var harness = await StartAsync();

        var outcome = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p1", Platform.Amazon, harness.Account(), "no-such-post"), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, outcome.ErrorCode);
    }

    [Fact]
    public async Task Emulator_PostStateMachine_VersionsGuardEveryTransition()
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(clock);
        var account = harness.Account("brand");
        var published = await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);
        using var client = EmulatorClient(harness, account);
        var path = $"bp/v2/posts/{published.PlatformPostId}";

        var staleSubmit = await SendAsync(client, HttpMethod.Put, path + "/submitForReview", """{"version":1}""");
        var inReview = await SendAsync(client, HttpMethod.Get, path);
        clock.Advance(World(harness).ReviewDuration);
        var live = await SendAsync(client, HttpMethod.Get, path);
        var staleUnpublish = await SendAsync(client, HttpMethod.Put, path + "/unpublish", """{"version":2}""");
        var withdrawn = await SendAsync(client, HttpMethod.Put, path + "/unpublish", """{"version":3}""");

        Assert.Equal((HttpStatusCode.Conflict, "CONFLICT"), (staleSubmit.Status, staleSubmit.Body.GetProperty("code").GetString()));
        Assert.Equal(("REVIEW", 2), PostState(inReview.Body));
        Assert.Equal(("LIVE", 3), PostState(live.Body));
        Assert.Equal(HttpStatusCode.Conflict, staleUnpublish.Status);
        Assert.Equal(("WITHDRAWN", 4), PostState(withdrawn.Body));
        Assert.Equal(AmazonEmulator.PostMediaType, withdrawn.ContentType);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Amazon));
    }

    [Fact]
    public async Task Emulator_CreatePost_EnforcesProductsAndTheVendorContentType()
    {
        await using var harness = await StartAsync();
        var account = harness.Account("brand");
        await harness.Adapter.PublishAsync(Request(harness, account), CancellationToken.None);
        var existing = World(harness).Posts[0];
        using var client = EmulatorClient(harness, account);
        string Body(int products) => JsonSerializer.Serialize(new
        {
            profileId = existing.ProfileId,
            caption = "Six products",
            medias = new[] { new { mediaId = existing.MediaId, mediaUrl = existing.MediaUrl } },
            products = Enumerable.Range(1, products).Select(i => $"B00000000{i}").ToArray(),
        });

        var six = await SendAsync(client, HttpMethod.Post, "bp/v2/posts", Body(6));
        var plainJson = await SendAsync(client, HttpMethod.Post, "bp/v2/posts", Body(1), "application/json");
        var five = await SendAsync(client, HttpMethod.Post, "bp/v2/posts", Body(5));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT"), (six.Status, six.Body.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plainJson.Status);
        Assert.Equal(("DRAFT", 1), PostState(five.Body));
    }

    [Fact]
    public async Task Emulator_RequestsBeyondTheThrottle_429WithRetryAfter()
    {
        await using var harness = await StartAsync(new FakeTimeProvider(TestTime.Start));
        World(harness).RequestsPerMinute = 2;
        using var client = EmulatorClient(harness, harness.Account());

        await SendAsync(client, HttpMethod.Get, "bp/v2/profiles");
        await SendAsync(client, HttpMethod.Get, "bp/v2/profiles");
        var throttled = await SendAsync(client, HttpMethod.Get, "bp/v2/profiles");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal("THROTTLED", throttled.Body.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(60), throttled.RetryAfter);
    }

    private static HttpClient EmulatorClient(AdapterHarness harness, Account account)
    {
        var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(Platform.Amazon) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.TokenReference!["sandbox:".Length..]);
        client.DefaultRequestHeaders.Add("Amazon-Advertising-API-ClientId", ClientId);
        client.DefaultRequestHeaders.Add("Amazon-Advertising-API-Scope", account.PlatformAccountId);
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType, TimeSpan? RetryAfter)> SendAsync(HttpClient client,
        HttpMethod method, string path, string? json = null, string contentType = AmazonEmulator.PostMediaType)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.Delta);
    }

    private static (string?, int) PostState(JsonElement body) =>
        (body.GetProperty("post").GetProperty("status").GetString(), body.GetProperty("post").GetProperty("version").GetInt32());
}
