using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Adapters;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Conversations;

/// <summary>Reading a post back (issue 15: a reply's parent; issue 16: verifying a publication): Found, NotFound or Unknown.</summary>
public sealed class LookupTests
{
    public static TheoryData<Platform> ReadablePlatforms() =>
        [Platform.X, Platform.Threads, Platform.Facebook, Platform.Instagram, Platform.LinkedIn, Platform.YouTube];

    /// <summary>The GET each platform's read-back sends (a fault aimed at it fails the read only).</summary>
    private static string ReadPath(Platform platform, string id) => platform switch
    {
        Platform.X => $"/2/tweets/{id}",
        Platform.LinkedIn => "/rest/posts/",
        Platform.YouTube => "/youtube/v3/videos",
        _ => "/" + id,
    };

    [Theory]
    [MemberData(nameof(ReadablePlatforms))]
    public async Task LookUp_APublishedPost_IsFoundWithItsUrl(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var published = await PublishAsync(harness, account);

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(platform, account, published.PlatformPostId!), CancellationToken.None);

        Assert.Equal(PostLookupResult.Found, found.Result);
        Assert.Equal(published.PublicUrl, found.PublicUrl);
    }

    [Theory]
    [MemberData(nameof(ReadablePlatforms))]
    public async Task LookUp_ADeletedPost_IsNotFound(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var published = await PublishAsync(harness, account);
        var withdrawn = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p", platform, account, published.PlatformPostId!), CancellationToken.None);
        Assert.True(withdrawn.Succeeded, withdrawn.ErrorMessage);

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(platform, account, published.PlatformPostId!), CancellationToken.None);

        Assert.Equal(PostLookupResult.NotFound, found.Result);
        Assert.Contains(published.PlatformPostId!, found.Detail);
    }

    [Theory]
    [MemberData(nameof(ReadablePlatforms))]
    public async Task LookUp_WhenTheReadFails_IsUnknownNeverNotFound(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var published = await PublishAsync(harness, account);
        // More failures than the read's retries.
        harness.Emulator.Faults.Enqueue(platform, new Fault.Respond(503, "{}") { PathContains = ReadPath(platform, published.PlatformPostId!), Method = "GET" }, times: 10);

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(platform, account, published.PlatformPostId!), CancellationToken.None);

        Assert.Equal(PostLookupResult.Unknown, found.Result);
    }

    [Theory]
    [MemberData(nameof(ReadablePlatforms))]
    public async Task LookUp_WhenRateLimited_IsUnknown(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var published = await PublishAsync(harness, account);
        harness.Emulator.Faults.Enqueue(platform, new Fault.Respond(429, "{}") { PathContains = ReadPath(platform, published.PlatformPostId!), Method = "GET" }, times: 10);

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(platform, account, published.PlatformPostId!), CancellationToken.None);

        Assert.Equal(PostLookupResult.Unknown, found.Result);
    }

    [Fact]
    public async Task LookUp_XPostThatNeverExisted_IsNotFound()
    {
        await using var harness = await StartAsync(Platform.X);
        var account = harness.Account();

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(Platform.X, account, "1880000000000012345"), CancellationToken.None);

        Assert.Equal(PostLookupResult.NotFound, found.Result);
    }

    [Fact]
    public async Task LookUp_APrivateYouTubeVideo_IsNotFoundAsPrivate()
    {
        await using var harness = await StartAsync(Platform.YouTube);
        var account = harness.Account();
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Private", [YouTubeClip(harness)],
            new { title = "Only me", privacyStatus = "private" }), CancellationToken.None);
        Assert.True(published.Succeeded, published.ErrorMessage);

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(Platform.YouTube, account, published.PlatformPostId!), CancellationToken.None);

        Assert.Equal(PostLookupResult.NotFound, found.Result);
        Assert.Contains("private", found.Detail);
    }

    [Fact]
    public async Task LookUp_ALinkedInPostOfAnotherMember_IsUnknownForLackOfPermission()
    {
        await using var harness = await StartAsync(Platform.LinkedIn);
        var other = harness.Account("other");
        var published = await harness.Adapter.PublishAsync(AdapterHarness.Request(other, "Mine, not yours"), CancellationToken.None);

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(Platform.LinkedIn, harness.Account(), published.PlatformPostId!), CancellationToken.None);

        Assert.Equal(PostLookupResult.Unknown, found.Result);
    }

    [Fact]
    public async Task LookUp_APlatformThatCannotReadPosts_IsUnknown()
    {
        await using var harness = await StartAsync(Platform.TikTok);

        var found = await harness.Adapter.LookUpAsync(new PostLookupRequest(Platform.TikTok, harness.Account(), "7300000000000000000"), CancellationToken.None);

        Assert.Equal(PostLookupResult.Unknown, found.Result);
    }

    // ---- the sandbox ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Sandbox_XThreadAndReadBack_GoThroughTheEmulatorWithSandboxIds()
    {
        await using var harness = await StartAsync(Platform.X);
        var sandbox = Sandbox(harness);
        var account = SandboxAccount(Platform.X);

        var head = await sandbox.PublishAsync(AdapterHarness.Request(account, "1/2 head"), CancellationToken.None);
        var reply = await sandbox.PublishAsync(AdapterHarness.Request(account, "2/2 reply") with { ReplyToPlatformPostId = head.PlatformPostId }, CancellationToken.None);
        var found = await sandbox.LookUpAsync(new PostLookupRequest(Platform.X, account, reply.PlatformPostId!), CancellationToken.None);
        var withdrawn = await sandbox.WithdrawAsync(new WithdrawRequest("p", Platform.X, account, reply.PlatformPostId!, head.PlatformPostId), CancellationToken.None);
        var gone = await sandbox.LookUpAsync(new PostLookupRequest(Platform.X, account, reply.PlatformPostId!), CancellationToken.None);

        Assert.True(reply.Succeeded, reply.ErrorMessage);
        Assert.StartsWith("sbx-", reply.PlatformPostId);
        Assert.Equal(SandboxPostIds.EmulatorIdOf(head.PlatformPostId!), harness.Emulator.State.ParentOf(Platform.X, SandboxPostIds.EmulatorIdOf(reply.PlatformPostId!)));
        Assert.Equal(PostLookupResult.Found, found.Result);
        Assert.Equal(reply.PublicUrl, found.PublicUrl);
        Assert.True(withdrawn.Succeeded, withdrawn.ErrorMessage);
        Assert.Equal(PostLookupResult.NotFound, gone.Result);
    }

    [Fact]
    public async Task Sandbox_FacebookFirstComment_IsACommentOnTheSandboxPostAndIsWithdrawnThroughIt()
    {
        await using var harness = await StartAsync(Platform.Facebook);
        var sandbox = Sandbox(harness);
        var account = SandboxAccount(Platform.Facebook);

        var post = await sandbox.PublishAsync(AdapterHarness.Request(account, "The post"), CancellationToken.None);
        var comment = await sandbox.PublishAsync(AdapterHarness.Request(account, "The first comment") with { ReplyToPlatformPostId = post.PlatformPostId },
            CancellationToken.None);
        var parent = SandboxPostIds.EmulatorIdOf(post.PlatformPostId!);
        var created = harness.Emulator.State.CommentsCreatedOn(Platform.Facebook, parent);
        var withdrawn = await sandbox.WithdrawAsync(new WithdrawRequest("p", Platform.Facebook, account, comment.PlatformPostId!, post.PlatformPostId),
            CancellationToken.None);

        Assert.True(comment.Succeeded, comment.ErrorMessage);
        Assert.Equal([SandboxPostIds.EmulatorIdOf(comment.PlatformPostId!)], created);
        Assert.True(withdrawn.Succeeded, withdrawn.ErrorMessage);
        Assert.Empty(harness.Emulator.State.LiveCommentsOn(Platform.Facebook, parent));
    }

    [Fact]
    public async Task Sandbox_WithoutAnEmulator_ReadsBackWhatItPublishedAndRefusesRepliesWhereThereAreNone()
    {
        var sandbox = new SandboxPublisher(TimeProvider.System, [], [], NullLogger<SandboxPublisher>.Instance);
        var x = SandboxAccount(Platform.X);

        var post = await sandbox.PublishAsync(AdapterHarness.Request(x, "Offline"), CancellationToken.None);
        var found = await sandbox.LookUpAsync(new PostLookupRequest(Platform.X, x, post.PlatformPostId!), CancellationToken.None);
        await sandbox.WithdrawAsync(new WithdrawRequest("p", Platform.X, x, post.PlatformPostId!), CancellationToken.None);
        var gone = await sandbox.LookUpAsync(new PostLookupRequest(Platform.X, x, post.PlatformPostId!), CancellationToken.None);
        var tiktokReply = await sandbox.PublishAsync(
            AdapterHarness.Request(SandboxAccount(Platform.TikTok), "An answer") with { ReplyToPlatformPostId = "sbx-1" }, CancellationToken.None);

        Assert.Equal(PostLookupResult.Found, found.Result);
        Assert.Equal(PostLookupResult.NotFound, gone.Result);
        Assert.Equal(Core.Errors.ErrorCodes.ReplyNotSupported, tiktokReply.ErrorCode);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static Task<AdapterHarness> StartAsync(Platform platform) => AdapterHarness.StartAsync(platform,
        settings: new Dictionary<string, string?>
        {
            ["Platforms:instagram:Settings:DeleteEnabled"] = "true",
            // Faults aimed at a read must not be spent on the publishing-limit check.
            ["Platforms:threads:Settings:CheckPublishingLimit"] = "false",
            ["Platforms:instagram:Settings:CheckPublishingLimit"] = "false",
        });

    private static async Task<PublishOutcome> PublishAsync(AdapterHarness harness, Account account)
    {
        var request = harness.Platform switch
        {
            Platform.Instagram => AdapterHarness.Request(account, "A photo", [new MediaItem("https://cdn.example.com/photo.jpg", MediaTypes.Image, "image/jpeg")]),
            Platform.YouTube => AdapterHarness.Request(account, "A video", [YouTubeClip(harness)], new { title = "A video" }),
            _ => AdapterHarness.Request(account, "Read me back"),
        };
        var outcome = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        return outcome;
    }

    private static MediaItem YouTubeClip(AdapterHarness harness) =>
        new(new Uri(harness.Emulator.BaseUrlOf(Platform.YouTube), "test-media/clip.mp4?bytes=4096").AbsoluteUri, MediaTypes.Video, "video/mp4");

    /// <summary>The sandbox publisher over the harness's adapters, its emulator standing in for the server's in-process one.</summary>
    private static SandboxPublisher Sandbox(AdapterHarness harness)
    {
        harness.Emulator.State.AcceptSandboxTokens = true;
        return new SandboxPublisher(TimeProvider.System, harness.Services.GetServices<PlatformAdapter>(), [new EmulatorApi(harness.Emulator)],
            NullLogger<SandboxPublisher>.Instance);
    }

    private static Account SandboxAccount(Platform platform) => new()
    {
        Id = Guid.NewGuid().ToString(),
        WorkspaceId = "ws",
        PlatformSetId = "set",
        Platform = platform,
        Handle = "sandbox",
        PlatformAccountId = "sandbox-page",
        TokenReference = null,
        IsSandbox = true,
        Metadata = default,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private sealed class EmulatorApi(PlatformEmulator emulator) : ISandboxApi
    {
        public ValueTask<Uri> BaseUrlAsync(Platform platform, CancellationToken cancellationToken) => ValueTask.FromResult(emulator.BaseUrlOf(platform));
    }
}
