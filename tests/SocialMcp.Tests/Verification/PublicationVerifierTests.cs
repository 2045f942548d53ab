using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Server.Tools;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Verification;

/// <summary>
/// Verified publication (issue 16) against the emulator on a fake clock: Publishing:VerifyAfter after a target publishes, the
/// verifier reads it back through the X adapter. A post removed on the platform right after publishing is flagged
/// not_visible (post event, outbox row); a live one gets verifiedAt; one the platform cannot tell about is retried with
/// backoff, then left unverified.
/// </summary>
public sealed class PublicationVerifierTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan VerifyAfter = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task PostRemovedOnThePlatformRightAfterPublishing_IsFlaggedNotVisible_WithAPostEventAndAWebhookEvent()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        await OutboxRows.AddEndpointAsync(h.Services.OpenConnectionAsync, LocalWorkspace.Id, h.Clock.GetUtcNow());
        var target = await PublishXAsync(h, "Gone in a minute");
        // Removed on X's side at once, before any read-back: a check made only at publish time would have seen it live.
        h.Emulator.State.TakeDown(Platform.X, SandboxPostIds.EmulatorIdOf(target.PlatformPostId!));
        var verifier = h.Services.Get<PublicationVerifier>();

        h.Clock.Advance(VerifyAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await verifier.VerifyDueAsync(Ct)); // not yet due
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await verifier.VerifyDueAsync(Ct));
        Assert.Equal(0, await verifier.VerifyDueAsync(Ct)); // flagged once, never read again

        var details = await h.GetAsync(target.PostId);
        var x = details.Targets.Single();
        Assert.Equal(TargetStatus.Published, x.Status);
        Assert.Null(x.VerifiedAt);
        Assert.Equal(h.Clock.GetUtcNow(), x.NotVisibleAt);
        Assert.Contains("X has no post", x.NotVisibleReason);
        Assert.Equal(1, x.VerifyAttempts);
        var flagged = Assert.Single(await h.EventsOfAsync(target.PostId, PublicationVerifier.NotVisibleEvent));
        Assert.Equal(Platform.X, flagged.Platform);
        var outbox = Assert.Single(await OutboxRows.EventsAsync(h.Services.OpenConnectionAsync, WebhookEventTypes.TargetNotVisible));
        Assert.Equal(target.PostId, outbox.PostId);
        Assert.Equal(1, await OutboxRows.DeliveriesAsync(h.Services.OpenConnectionAsync, outbox.Id));
        using (var payload = JsonDocument.Parse(outbox.Payload))
        {
            var data = payload.RootElement.GetProperty("data");
            Assert.Equal("x", data.GetProperty("platform").GetString());
            Assert.Contains("X has no post", data.GetProperty("reason").GetString());
            Assert.Equal(target.PlatformPostId, data.GetProperty("platformPostId").GetString());
        }

        var result = details.ToResult().Targets.Single();
        Assert.Equal("not_visible", result.Verification);
        Assert.Equal(h.Clock.GetUtcNow(), result.NotVisible?.At);
    }

    [Fact]
    public async Task LivePost_GetsVerifiedAt_AndIsNotReadAgain()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        await OutboxRows.AddEndpointAsync(h.Services.OpenConnectionAsync, LocalWorkspace.Id, h.Clock.GetUtcNow());
        var target = await PublishXAsync(h, "Still here");
        var verifier = h.Services.Get<PublicationVerifier>();
        Assert.Equal("pending", (await h.GetAsync(target.PostId)).ToResult().Targets.Single().Verification);
        Assert.Equal(target.PublishedAt + VerifyAfter, await verifier.NextDueAtAsync(Ct));

        h.Clock.Advance(VerifyAfter);
        Assert.Equal(1, await verifier.VerifyDueAsync(Ct));
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await verifier.VerifyDueAsync(Ct));

        var x = (await h.GetAsync(target.PostId)).Targets.Single();
        Assert.Equal(target.PublishedAt + VerifyAfter, x.VerifiedAt);
        Assert.Null(x.NotVisibleAt);
        Assert.Equal(1, x.VerifyAttempts);
        Assert.Single(await h.EventsOfAsync(target.PostId, PublicationVerifier.VerifiedEvent));
        Assert.Empty(await OutboxRows.EventsAsync(h.Services.OpenConnectionAsync, WebhookEventTypes.TargetNotVisible));
        Assert.Null(await verifier.NextDueAtAsync(Ct));
        var result = (await h.GetAsync(target.PostId)).ToResult().Targets.Single();
        Assert.Equal("verified", result.Verification);
        Assert.Equal(x.VerifiedAt, result.VerifiedAt);
    }

    [Fact]
    public async Task ReadBackThatCannotTell_IsRetriedWithBackoff_ThenGivenUpLeavingItUnverified()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var target = await PublishXAsync(h, "Cannot tell");
        // X answers the look-up with neither data nor errors: the adapter cannot tell (Unknown).
        h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(200, "{}") { Method = "GET", PathContains = "2/tweets/" }, times: 20);
        var verifier = h.Services.Get<PublicationVerifier>();

        h.Clock.Advance(VerifyAfter);
        Assert.Equal(1, await verifier.VerifyDueAsync(Ct));
        Assert.Equal(1, (await h.GetAsync(target.PostId)).Targets.Single().VerifyAttempts);
        // Then 2, 4, 8 and 16 minutes after each read-back that could not tell; nothing a second earlier.
        var attempts = 1;
        foreach (var wait in new[] { 2, 4, 8, 16 }.Select(m => TimeSpan.FromMinutes(m)))
        {
            h.Clock.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await verifier.VerifyDueAsync(Ct));
            h.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await verifier.VerifyDueAsync(Ct));
            Assert.Equal(++attempts, (await h.GetAsync(target.PostId)).Targets.Single().VerifyAttempts);
        }
        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await verifier.VerifyDueAsync(Ct));

        var x = (await h.GetAsync(target.PostId)).Targets.Single();
        Assert.Null(x.VerifiedAt);
        Assert.Null(x.NotVisibleAt);
        Assert.Equal(5, x.VerifyAttempts);
        Assert.Single(await h.EventsOfAsync(target.PostId, PublicationVerifier.UnverifiedEvent));
        Assert.Empty(await h.EventsOfAsync(target.PostId, PublicationVerifier.NotVisibleEvent));
        Assert.Equal("unverified", (await h.GetAsync(target.PostId)).ToResult().Targets.Single().Verification);
    }

    [Fact]
    public async Task TwoVerifiers_NeverClaimTheSameTarget()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        await PublishXAsync(h, "Claimed once");
        h.Clock.Advance(VerifyAfter);
        var now = h.Clock.GetUtcNow();

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => h.Services.Store.WriteAsync(s => s.Alarms.ClaimVerificationAsync(
            $"verifier-{i}", now, now.AddMinutes(5), now - VerifyAfter, now.AddDays(-2), 5, PublicationVerifier.ReadablePlatforms, Ct), Ct)));

        Assert.Single(claims, c => c is not null);
        // The claim runs out: a verifier that stopped mid-read-back leaves the target to the next one.
        var later = now.AddMinutes(6);
        Assert.NotNull(await h.Services.Store.WriteAsync(s => s.Alarms.ClaimVerificationAsync(
            "verifier-9", later, later.AddMinutes(5), later - VerifyAfter, later.AddDays(-2), 5, PublicationVerifier.ReadablePlatforms, Ct), Ct));
    }

    [Fact]
    public void PlatformWithoutReadBack_ShowsVerificationUnavailable()
    {
        var now = TestServices.Start;
        var post = new Post
        {
            Id = "post_1", WorkspaceId = LocalWorkspace.Id, PlatformSetId = "set_1", Status = PostStatus.Published,
            Content = Drafts.Text("Hi"), Platforms = [Platform.TikTok], Version = 3, CreatedAt = now, UpdatedAt = now,
        };
        var target = new PostTarget
        {
            PostId = post.Id, Platform = Platform.TikTok, AccountId = "acc_1", Status = TargetStatus.Published, AttemptCount = 1,
            CreatedAt = now, UpdatedAt = now, PublishedAt = now, PlatformPostId = "123",
        };

        Assert.False(PublicationVerifier.CanVerify(Platform.TikTok));
        Assert.DoesNotContain(Platform.TikTok, PublicationVerifier.ReadablePlatforms);
        Assert.Equal("unavailable", new PostDetails(post, [target]).ToResult().Targets.Single().Verification);
        Assert.Null(new PostDetails(post, [target with { Status = TargetStatus.Failed }]).ToResult().Targets.Single().Verification);
    }

    private static async Task<PostTarget> PublishXAsync(EmulatedPublishing h, string text)
    {
        var created = await h.CreateAsync(text, Platform.X);
        var published = await h.Posts.PublishAsync(LocalWorkspace.Id, created.Post.Id, null, Ct).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(PostStatus.Published, published.Post.Status);
        return published.Targets.Single();
    }
}
