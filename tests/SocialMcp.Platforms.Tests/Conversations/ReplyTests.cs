using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Conversations;

/// <summary>Replies as posts of their own (issue 15): X's reply.in_reply_to_tweet_id and Threads' reply_to_id, against the emulator.</summary>
public sealed class ReplyTests
{
    private static readonly Dictionary<string, string?> ThreadsWithoutLimitCheck = new()
    {
        // "threads_publish" is also part of "threads_publishing_limit": a fault aimed at the publish skips the limit check.
        ["Platforms:threads:Settings:CheckPublishingLimit"] = "false",
    };

    [Theory]
    [InlineData(Platform.X)]
    [InlineData(Platform.Threads)]
    public async Task Publish_ThreeParts_EachRepliesToThePartBefore(Platform platform)
    {
        await using var harness = await AdapterHarness.StartAsync(platform);
        var account = harness.Account();

        string? previous = null;
        var ids = new List<string>();
        foreach (var text in new[] { "1/3 The head", "2/3 The middle", "3/3 The end" })
        {
            var outcome = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, text) with { ReplyToPlatformPostId = previous },
                CancellationToken.None);
            Assert.True(outcome.Succeeded, outcome.ErrorMessage);
            ids.Add(outcome.PlatformPostId!);
            previous = outcome.PlatformPostId;
        }

        Assert.Equal(ids, harness.Emulator.State.ReplyChain(platform, ids[^1]));
        Assert.Null(harness.Emulator.State.ParentOf(platform, ids[0]));
        Assert.Equal(3, harness.Emulator.State.LivePosts(platform));
    }

    [Theory]
    [InlineData(Platform.X)]
    [InlineData(Platform.Threads)]
    public async Task Publish_ReplyToADeletedPost_IsRefusedAsParentNotFound(Platform platform)
    {
        await using var harness = await AdapterHarness.StartAsync(platform);
        var account = harness.Account();
        var parent = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Soon gone"), CancellationToken.None);
        var withdrawn = await harness.Adapter.WithdrawAsync(new WithdrawRequest("p", platform, account, parent.PlatformPostId!), CancellationToken.None);
        Assert.True(withdrawn.Succeeded, withdrawn.ErrorMessage);

        var reply = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "An answer to nothing") with { ReplyToPlatformPostId = parent.PlatformPostId }, CancellationToken.None);

        Assert.Equal(ErrorCodes.ReplyParentNotFound, reply.ErrorCode);
        Assert.Contains("deleted", reply.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, harness.Emulator.State.LivePosts(platform));
    }

    [Theory]
    [InlineData(Platform.X, "1880000000000009999")]
    [InlineData(Platform.Threads, "17841400999999999")]
    public async Task Publish_ReplyToAnUnknownPost_IsRefusedAsParentNotFound(Platform platform, string unknownId)
    {
        await using var harness = await AdapterHarness.StartAsync(platform);

        var reply = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(harness.Account(), "Hello?") with { ReplyToPlatformPostId = unknownId }, CancellationToken.None);

        Assert.Equal(ErrorCodes.ReplyParentNotFound, reply.ErrorCode);
        Assert.Equal(0, harness.Emulator.State.LivePosts(platform));
    }

    [Fact]
    public async Task Threads_ParentDeletedBetweenContainerAndPublish_IsRefusedAsParentNotFoundOnTheRetry()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Threads, settings: ThreadsWithoutLimitCheck);
        var account = harness.Account();
        var parent = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "The head"), CancellationToken.None);
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(account, "Late reply", handles: handles) with { ReplyToPlatformPostId = parent.PlatformPostId };
        harness.Emulator.Faults.FailNextComment(Platform.Threads);
        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        await harness.Adapter.WithdrawAsync(new WithdrawRequest("p", Platform.Threads, account, parent.PlatformPostId!), CancellationToken.None);

        var retry = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        Assert.Equal(ErrorCodes.PlatformError, first.ErrorCode);
        Assert.Equal(ErrorCodes.ReplyParentNotFound, retry.ErrorCode);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Threads));
    }

    [Fact]
    public async Task Threads_ReplyToAnotherAccountsThreadWithoutTheReplyPermissions_IsRefused()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Threads, settings: ThreadsWithoutLimitCheck);
        var author = harness.Account("author");
        var parent = await harness.Adapter.PublishAsync(AdapterHarness.Request(author, "Their thread"), CancellationToken.None);
        var stranger = Instagram.GraphTestSupport.AccountWithScopes(harness, "stranger", "threads_basic", "threads_content_publish");

        var reply = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(stranger, "Uninvited") with { ReplyToPlatformPostId = parent.PlatformPostId }, CancellationToken.None);

        Assert.Equal(ErrorCodes.PermissionMissing, reply.ErrorCode);
        Assert.Equal(1, harness.Emulator.State.LivePosts(Platform.Threads));
    }

    [Fact]
    public async Task X_ReplyWhoseAnswerWasLost_IsFoundUnderItsParentAndNotPostedTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();
        var parent = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "The head"), CancellationToken.None);
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(account, "The reply", handles: handles) with { ReplyToPlatformPostId = parent.PlatformPostId };
        harness.Emulator.Faults.Enqueue(Platform.X, new Fault.LoseResponse { PathContains = "2/tweets", Method = "POST" });

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var retry = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.Equal(first.PlatformPostId, retry.PlatformPostId);
        Assert.Equal(parent.PlatformPostId, harness.Emulator.State.ParentOf(Platform.X, first.PlatformPostId!));
        Assert.Equal(2, harness.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(2, harness.Emulator.State.LivePosts(Platform.X));
    }

    [Fact]
    public async Task X_AfterALostAttempt_TheSameTextUnderAnotherParentIsNotTakenForOurReply()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.X);
        var account = harness.Account();
        var other = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Another head"), CancellationToken.None);
        var parent = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "Our head"), CancellationToken.None);
        var elsewhere = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Thanks!") with { ReplyToPlatformPostId = other.PlatformPostId }, CancellationToken.None);
        // An earlier attempt of our reply whose answer was lost, a minute ago.
        var handles = new InMemoryPublishHandles();
        await handles.SetAsync("attempt", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), CancellationToken.None);

        var outcome = await harness.Adapter.PublishAsync(
            AdapterHarness.Request(account, "Thanks!", handles: handles) with { ReplyToPlatformPostId = parent.PlatformPostId }, CancellationToken.None);

        // The "Thanks!" that answers another post is not adopted; X then refuses ours as a duplicate text, which is what it is.
        Assert.NotEqual(elsewhere.PlatformPostId, outcome.PlatformPostId);
        Assert.Equal(ErrorCodes.DuplicateContent, outcome.ErrorCode);
    }

    [Fact]
    public async Task Threads_ReplyWhosePublishAnswerWasLost_IsFoundAmongTheRepliesAndNotPostedTwice()
    {
        await using var harness = await AdapterHarness.StartAsync(Platform.Threads, settings: ThreadsWithoutLimitCheck);
        var account = harness.Account();
        var parent = await harness.Adapter.PublishAsync(AdapterHarness.Request(account, "The head"), CancellationToken.None);
        var handles = new InMemoryPublishHandles();
        var request = AdapterHarness.Request(account, "The reply", handles: handles) with { ReplyToPlatformPostId = parent.PlatformPostId };
        harness.Emulator.Faults.Enqueue(Platform.Threads, new Fault.LoseResponse { PathContains = "threads_publish" });

        var first = await harness.Adapter.PublishAsync(request, CancellationToken.None);
        var retry = await harness.Adapter.PublishAsync(request, CancellationToken.None);

        Assert.True(first.Succeeded, first.ErrorMessage);
        Assert.Equal(first.PlatformPostId, retry.PlatformPostId);
        Assert.Equal(parent.PlatformPostId, harness.Emulator.State.ParentOf(Platform.Threads, first.PlatformPostId!));
        Assert.Equal(2, harness.Emulator.State.LivePosts(Platform.Threads));
    }
}
