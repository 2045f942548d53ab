using Microsoft.Extensions.Time.Testing;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Adapters;
using SocialMcp.Platforms.Tests.Support;
using SocialMcp.Testing;

namespace SocialMcp.Platforms.Tests.Conversations;

/// <summary>
/// Comments (issue 15): where a reply or a first comment is a comment (Facebook, Instagram, LinkedIn, YouTube), the adapter
/// comments on <see cref="PublishRequest.ReplyToPlatformPostId"/>, never twice, against the emulator.
/// </summary>
public sealed class CommentTests
{
    public static TheoryData<Platform> CommentPlatforms() => [Platform.Facebook, Platform.Instagram, Platform.LinkedIn, Platform.YouTube];

    [Theory]
    [MemberData(nameof(CommentPlatforms))]
    public async Task Comment_OnALivePost_IsCreatedOnThatPost(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var parent = await PublishParentAsync(harness, account);

        var comment = await harness.Adapter.PublishAsync(Comment(account, parent, "#hashtags #go #here"), CancellationToken.None);

        Assert.True(comment.Succeeded, comment.ErrorMessage);
        Assert.Equal(TargetStatus.Published, comment.Status);
        Assert.Equal([comment.PlatformPostId!], harness.Emulator.State.CommentsCreatedOn(platform, parent));
        Assert.Equal("#hashtags #go #here", harness.Emulator.State.CommentText(platform, comment.PlatformPostId!));
        Assert.Equal(1, harness.Emulator.State.LivePosts(platform));
    }

    [Theory]
    [MemberData(nameof(CommentPlatforms))]
    public async Task Comment_ThatFailsOnce_IsRetriedAloneWithoutADuplicate(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var parent = await PublishParentAsync(harness, account);
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.FailNextComment(platform);

        var failed = await harness.Adapter.PublishAsync(Comment(account, parent, "First comment", handles), CancellationToken.None);
        var retried = await harness.Adapter.PublishAsync(Comment(account, parent, "First comment", handles), CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, failed.ErrorCode);
        Assert.Equal(503, failed.PlatformHttpStatus);
        Assert.True(retried.Succeeded, retried.ErrorMessage);
        Assert.Equal([retried.PlatformPostId!], harness.Emulator.State.CommentsCreatedOn(platform, parent));
        Assert.Equal(1, harness.Emulator.State.LivePosts(platform));
    }

    [Theory]
    [MemberData(nameof(CommentPlatforms))]
    public async Task Comment_WhoseAnswerWasLost_IsFoundAmongThePostsCommentsAndNotMadeTwice(Platform platform)
    {
        var clock = new FakeTimeProvider(TestTime.Start);
        await using var harness = await StartAsync(platform, clock);
        var account = harness.Account();
        var parent = await PublishParentAsync(harness, account);
        // The same words by the account on the post an hour before our attempt are not ours.
        var earlier = await harness.Adapter.PublishAsync(Comment(account, parent, "Link in bio"), CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(1));
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.LoseNextComment(platform);

        var first = await harness.Adapter.PublishAsync(Comment(account, parent, "Link in bio", handles), CancellationToken.None);
        var retry = await harness.Adapter.PublishAsync(Comment(account, parent, "Link in bio", handles), CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.NotEqual(earlier.PlatformPostId, first.PlatformPostId);
        Assert.Equal(first.PlatformPostId, retry.PlatformPostId);
        Assert.Equal([earlier.PlatformPostId!, first.PlatformPostId!], harness.Emulator.State.CommentsCreatedOn(platform, parent));
    }

    [Theory]
    [MemberData(nameof(CommentPlatforms))]
    public async Task Comment_LostAndCommentsUnreadable_NeedsReconciliationAndIsNotMadeAgain(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var parent = await PublishParentAsync(harness, account);
        var handles = new InMemoryPublishHandles();
        harness.Emulator.Faults.LoseNextComment(platform);
        // Every read of the comments fails (the read is retried: more than the retries).
        harness.Emulator.Faults.Enqueue(platform, new Fault.Respond(500, "{}") { PathContains = FaultPlan.CommentPath(platform), Method = "GET" }, times: 10);

        var first = await harness.Adapter.PublishAsync(Comment(account, parent, "Tell us below", handles), CancellationToken.None);
        var retry = await harness.Adapter.PublishAsync(Comment(account, parent, "Tell us below", handles), CancellationToken.None);

        Assert.Equal(TargetStatus.NeedsReconciliation, first.Status);
        Assert.Contains("comments on", first.ErrorMessage);
        Assert.Equal(TargetStatus.NeedsReconciliation, retry.Status);
        Assert.Single(harness.Emulator.State.CommentsCreatedOn(platform, parent));
    }

    [Theory]
    [MemberData(nameof(CommentPlatforms))]
    public async Task Comment_OnADeletedPost_IsRefusedAsParentNotFound(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var parent = await PublishParentAsync(harness, account);
        var withdrawn = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p", platform, account, parent), CancellationToken.None);
        Assert.True(withdrawn.Succeeded, withdrawn.ErrorMessage);

        var comment = await harness.Adapter.PublishAsync(Comment(account, parent, "Too late"), CancellationToken.None);

        Assert.Equal(ErrorCodes.ReplyParentNotFound, comment.ErrorCode);
        Assert.Contains(parent, comment.ErrorMessage);
        Assert.Empty(harness.Emulator.State.CommentsCreatedOn(platform, parent));
    }

    [Theory]
    [MemberData(nameof(CommentPlatforms))]
    public async Task Comment_IsWithdrawnThroughItsParent(Platform platform)
    {
        // Default settings: Instagram cannot delete media, yet it can delete its comments.
        await using var harness = await AdapterHarness.StartAsync(platform);
        var account = harness.Account();
        var parent = await PublishParentAsync(harness, account);
        var comment = await harness.Adapter.PublishAsync(Comment(account, parent, "Goes away"), CancellationToken.None);

        var withdrawn = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p", platform, account, comment.PlatformPostId!, parent), CancellationToken.None);
        var again = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p", platform, account, comment.PlatformPostId!, parent), CancellationToken.None);

        Assert.True(withdrawn.Succeeded, withdrawn.ErrorMessage);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.Empty(harness.Emulator.State.LiveCommentsOn(platform, parent));
        Assert.Equal(1, harness.Emulator.State.LivePosts(platform));
    }

    [Theory]
    [MemberData(nameof(CommentPlatforms))]
    public async Task Comment_WithMedia_IsRefusedWithoutACall(Platform platform)
    {
        await using var harness = await StartAsync(platform);
        var account = harness.Account();
        var image = new MediaItem("https://cdn.example.com/p.jpg", MediaTypes.Image, "image/jpeg");

        var comment = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "With a picture", [image]) with { ReplyToPlatformPostId = "123" }, CancellationToken.None);

        Assert.Equal(ErrorCodes.UnsupportedMediaConfig, comment.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.Calls(platform, "comments.create"));
    }

    [Theory]
    [InlineData(Platform.TikTok)]
    [InlineData(Platform.Amazon)]
    public async Task Reply_OnAPlatformWithoutReplies_IsRefusedNotPostedAsAPost(Platform platform)
    {
        await using var harness = await AdapterHarness.StartAsync(platform);

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "An answer") with { ReplyToPlatformPostId = "123" }, CancellationToken.None);

        Assert.Equal(ErrorCodes.ReplyNotSupported, outcome.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(platform));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /// <summary>Instagram's withdraw is opt-in (docs/platforms.md#instagram-withdraw); the tests that delete a parent need it.</summary>
    private static Task<AdapterHarness> StartAsync(Platform platform, TimeProvider? time = null) => AdapterHarness.StartAsync(platform, time,
        settings: new Dictionary<string, string?> { ["Platforms:instagram:Settings:DeleteEnabled"] = "true" });

    /// <summary>A live post of the account to comment on: text where the platform takes it, an image on Instagram, a video on YouTube.</summary>
    internal static async Task<string> PublishParentAsync(AdapterHarness harness, Account account)
    {
        var request = harness.Platform switch
        {
            Platform.Instagram => AdapterHarness.Request(account, "A photo", [new MediaItem("https://cdn.example.com/photo.jpg", MediaTypes.Image, "image/jpeg")]),
            Platform.YouTube => AdapterHarness.Request(account, "A video",
                [new MediaItem(new Uri(harness.Emulator.BaseUrlOf(Platform.YouTube), "test-media/clip.mp4?bytes=4096").AbsoluteUri, MediaTypes.Video, "video/mp4")],
                new { title = "A video" }),
            _ => AdapterHarness.Request(account, "The post " + Guid.NewGuid().ToString("N")[..6]),
        };
        var outcome = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        return outcome.PlatformPostId!;
    }

    private static PublishRequest Comment(Account account, string parentId, string text, IPublishHandles? handles = null) =>
        AdapterHarness.Request(account, text, handles: handles) with { ReplyToPlatformPostId = parentId };
}
