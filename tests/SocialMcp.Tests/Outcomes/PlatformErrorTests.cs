using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Outcomes;

/// <summary>A platform's refusal reaches the stored target as the platform gave it: its code, its message, its HTTP status.</summary>
public sealed class PlatformErrorTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Publish_ThreadsRefusesTheImageUrl_KeepsThreadsOwnCodeMessageAndStatus()
    {
        // Threads' answer to an image_url it will not fetch (the example), as the emulator gives it for a non-http URL;
        // queued as a fault, since such a URL no longer gets past validation.
        await using var emulated = await EmulatedPublishing.StartAsync([Platform.Threads]);
        emulated.Emulator.Faults.Enqueue(Platform.Threads, new Fault.Respond(400,
            """{"error": {"message": "(#100) Param image_url must be a public http or https URL.", "type": "OAuthException", "code": 100, "fbtrace_id": "AXyz"} }""")
        {
            PathContains = "/threads",
            Method = "POST",
        });
        // A text post: the refusal is queued, so no media URL needs to pass the guard.
        var post = await emulated.CreateAsync("A picture, later", Platform.Threads);

        var published = await emulated.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct);

        var threads = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Failed, threads.Status);
        Assert.Equal(ErrorCodes.ContentRejected, threads.ErrorCode);
        Assert.Equal("100", threads.PlatformErrorCode);
        Assert.Equal("(#100) Param image_url must be a public http or https URL.", threads.PlatformErrorMessage);
        Assert.Equal(400, threads.PlatformHttpStatus);
        // Kept, not only answered once.
        var stored = Assert.Single((await emulated.GetAsync(post.Post.Id)).Targets);
        Assert.Equal(threads.PlatformErrorMessage, stored.PlatformErrorMessage);
        Assert.Equal(400, stored.PlatformHttpStatus);
    }

    [Fact]
    public async Task Publish_PlatformAnswersWithATokenInItsMessage_KeepsTheMessageWithoutTheToken()
    {
        await using var emulated = await EmulatedPublishing.StartAsync([Platform.Threads]);
        const string token = "EAAGm0PX4ZCpsBAKZAZBZCnwZDZD8f3kq2ZA7bZBb9vZCZAq1ZBZB0t6x3ZA";
        emulated.Emulator.Faults.Enqueue(Platform.Threads, new Fault.Respond(400,
            "{\"error\": {\"message\": \"(#100) Invalid parameter access_token=" + token + "\", \"type\": \"OAuthException\", \"code\": 100}}")
        {
            PathContains = "/threads",
            Method = "POST",
        });
        var post = await emulated.CreateAsync("Hello", Platform.Threads);

        var published = await emulated.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct);

        var threads = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Failed, threads.Status);
        Assert.Equal("100", threads.PlatformErrorCode);
        Assert.StartsWith("(#100) Invalid parameter access_token=", threads.PlatformErrorMessage);
        Assert.DoesNotContain(token, threads.PlatformErrorMessage);
        var stored = Assert.Single((await emulated.GetAsync(post.Post.Id)).Targets);
        Assert.DoesNotContain(token, stored.PlatformErrorMessage);
    }

    [Fact]
    public async Task Retry_ClearsTheLastAttemptsPlatformError()
    {
        await using var emulated = await EmulatedPublishing.StartAsync([Platform.Threads]);
        emulated.Emulator.Faults.Enqueue(Platform.Threads, new Fault.Respond(400,
            """{"error": {"message": "An unexpected error has occurred. Please retry your request later.", "type": "OAuthException", "code": 2, "is_transient": true}}""")
        {
            PathContains = "/threads",
            Method = "POST",
        }, times: 10);
        var post = await emulated.CreateAsync("Hello", Platform.Threads);
        var failed = Assert.Single((await emulated.Posts.PublishAsync(LocalWorkspace.Id, post.Post.Id, null, Ct)).Targets);
        Assert.Equal(ErrorCodes.PlatformError, failed.ErrorCode);
        Assert.Equal(400, failed.PlatformHttpStatus);
        Assert.Equal("2", failed.PlatformErrorCode);
        emulated.Emulator.Faults.Clear(Platform.Threads);

        var retried = Assert.Single((await emulated.Posts.RetryAsync(LocalWorkspace.Id, post.Post.Id, null, null, Ct)).Targets);

        Assert.Equal(TargetStatus.Published, retried.Status);
        Assert.Null(retried.PlatformErrorCode);
        Assert.Null(retried.PlatformErrorMessage);
        Assert.Null(retried.PlatformHttpStatus);
    }
}
