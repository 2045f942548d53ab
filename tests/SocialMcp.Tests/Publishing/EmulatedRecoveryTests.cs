using SocialMcp.Platforms.Sandbox;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms.Adapters.X;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// Recovery against the emulator: the stopped publisher's X post went out (its id stored, or only the time its create
/// started), so the new attempt finds it and records it instead of posting again.
/// </summary>
public sealed class EmulatedRecoveryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(XAdapter.HandleKinds.TweetId)] // the crash came after the answer was stored as a handle
    [InlineData(XAdapter.HandleKinds.Attempt)] // the crash came while the create was in flight
    public async Task Recover_PostWentOutBeforeTheCrash_RecordsItWithoutPostingAgain(string handleKind)
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.LinkedIn]);
        var post = await h.CreateAsync("Went out before the crash", Platform.X, Platform.LinkedIn);
        var started = h.Clock.GetUtcNow();
        var tweetId = await TweetDirectlyAsync(h, "Went out before the crash");
        h.Clock.Advance(TimeSpan.FromMinutes(10)); // the crashed publisher's lease (5 minutes) ran out
        var now = h.Clock.GetUtcNow();
        await h.Services.Store.WriteAsync(async s =>
        {
            Assert.True(await s.Posts.UpdateAsync(post.Post with { Status = PostStatus.Publishing, Version = 2, UpdatedAt = started }, 1, Ct));
            foreach (var target in post.Targets)
                await s.Targets.UpdateAsync(target with { Status = TargetStatus.Publishing, AttemptCount = 1, AttemptId = "before-crash", UpdatedAt = started }, Ct);
            await s.Handles.SetAsync(post.Post.Id, Platform.X, XAdapter.HandleKinds.Attempt, started.ToString("O", CultureInfo.InvariantCulture), started, Ct);
            if (handleKind == XAdapter.HandleKinds.TweetId)
                await s.Handles.SetAsync(post.Post.Id, Platform.X, XAdapter.HandleKinds.TweetId, tweetId, started, Ct);
            Assert.True(await s.Posts.TakeLeaseAsync(post.Post.Id, "crashed-host/1/abc", started.AddMinutes(5), Ct));
            return 0;
        }, Ct);
        var claimed = await h.Services.Store.WriteAsync(async s => (await s.Posts.ClaimOrphanedPublishingAsync("recoverer", now, now.AddMinutes(5), [], 1, Ct)).FirstOrDefault(), Ct);
        Assert.Equal(post.Post.Id, claimed?.PostId);

        var recovered = await h.Posts.RecoverAsync(LocalWorkspace.Id, post.Post.Id, "recoverer", Ct).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotNull(recovered);
        Assert.Equal(PostStatus.Published, recovered.Post.Status);
        var x = recovered.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Published, x.Status);
        // The sandbox wraps the emulator's id in a unique sbx- id (SandboxPostIds).
        Assert.Equal(tweetId, SandboxPostIds.EmulatorIdOf(x.PlatformPostId!));
        Assert.Equal(1, h.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(1, h.Emulator.State.LivePosts(Platform.X));
        Assert.Equal(1, h.Emulator.State.LivePosts(Platform.LinkedIn));
    }

    /// <summary>What the stopped publisher's create did on X, made with the sandbox account's own token.</summary>
    private static async Task<string> TweetDirectlyAsync(EmulatedPublishing h, string text)
    {
        using var client = new HttpClient { BaseAddress = h.Emulator.BaseUrlOf(Platform.X) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await h.SandboxTokenAsync(Platform.X));
        using var response = await client.PostAsJsonAsync("2/tweets", new { text });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("data").GetProperty("id").GetString()!;
    }
}
