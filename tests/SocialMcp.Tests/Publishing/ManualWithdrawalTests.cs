using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// Instagram and TikTok cannot delete through their APIs: withdraw_post says what a person must do and where, and
/// resolve_target withdrawn_manually records that they did it.
/// </summary>
public sealed class ManualWithdrawalTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    // X fetches the post's image before publishing, as for a real account (issue 13): the URL answers a real file.
    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync(configure: s => s.AddSingleton<IMediaFetcher>(
        new FakeMediaFetcher().Serve("https://example.com/a.jpg", TestMedia.Bytes(TestMedia.Jpeg))));

    public async Task DisposeAsync() => await _services.DisposeAsync();

    /// <summary>A post live on x and instagram (one jpeg, which both take).</summary>
    private async Task<PostDetails> LiveOnXAndInstagramAsync()
    {
        var created = await Posts.CreateAsync(Ws, new CreatePostCommand
        {
            Content = Drafts.Text("Live twice") with { Media = [new MediaItem("https://example.com/a.jpg", MediaTypes.Image, "image/jpeg")] },
            Platforms = [Platform.X, Platform.Instagram],
        }, Ct);
        var published = await Posts.PublishAsync(Ws, created.Post.Id, null, Ct);
        Assert.Equal(PostStatus.Published, published.Post.Status);
        return published;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _services.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task Withdraw_Instagram_SaysWhereToDeleteItByHandThenResolveTargetAndNamesTheRest()
    {
        var live = await LiveOnXAndInstagramAsync();
        var instagram = live.Targets.Single(t => t.Platform == Platform.Instagram);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.WithdrawAsync(Ws, live.Post.Id, null, null, Ct));

        Assert.Equal(ErrorCodes.WithdrawNotSupported, ex.Problem.Code);
        Assert.Equal("$.platforms", ex.Problem.Path);
        Assert.Equal(Platform.Instagram, ex.Problem.Platform);
        // A sandbox account: nothing is live anywhere real, so the hint says so instead of naming a site to open.
        Assert.Contains("sandbox account", ex.Problem.Hint);
        Assert.Contains("resolve_target with platform instagram and outcome withdrawn_manually", ex.Problem.Hint);
        Assert.Contains("withdraw_post with platforms [x]", ex.Problem.Hint);
        Assert.Equal(TargetStatus.Published, (await Posts.GetAsync(Ws, live.Post.Id, Ct)).Targets.Single(t => t.Platform == Platform.Instagram).Status);
        Assert.NotNull(instagram.PublicUrl);
    }

    [Fact]
    public async Task Withdraw_InstagramOfARealAccount_NamesItsUrlAndHandle()
    {
        var live = await LiveOnXAndInstagramAsync();
        await ExecuteAsync("UPDATE accounts SET is_sandbox = FALSE WHERE platform = 'instagram';");
        await ExecuteAsync("UPDATE post_targets SET public_url = 'https://www.instagram.com/p/ABC123/' WHERE platform = 'instagram';");
        var handle = (await _services.AccountAsync(Platform.Instagram)).Handle;

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.WithdrawAsync(Ws, live.Post.Id, [Platform.Instagram], null, Ct));

        Assert.Equal("$.platforms[0]", ex.Problem.Path);
        Assert.Contains($"open https://www.instagram.com/p/ABC123/ signed in as {handle}", ex.Problem.Hint);
        Assert.Contains("delete the post there in the instagram app or website", ex.Problem.Hint);
        Assert.Contains("outcome withdrawn_manually", ex.Problem.Hint);
    }

    [Fact]
    public async Task Resolve_WithdrawnManually_WithdrawsTheTargetRecordsWhoAndWhenAndSumsUp()
    {
        var live = await LiveOnXAndInstagramAsync();
        await Posts.WithdrawAsync(Ws, live.Post.Id, [Platform.X], null, Ct);
        var before = await Posts.GetAsync(Ws, live.Post.Id, Ct);
        Assert.Equal(PostStatus.Published, before.Post.Status);

        var resolved = await Posts.ResolveTargetAsync(Ws, new ResolveTargetCommand(
            live.Post.Id, Platform.Instagram, TargetResolution.WithdrawnManually, null, null, before.Post.Version, "local operator"), Ct);

        Assert.Equal(PostStatus.Withdrawn, resolved.Post.Status);
        Assert.All(resolved.Targets, t => Assert.Equal(TargetStatus.Withdrawn, t.Status));
        var instagram = resolved.Targets.Single(t => t.Platform == Platform.Instagram);
        Assert.NotNull(instagram.PublishedAt);
        var events = await Posts.GetHistoryAsync(Ws, live.Post.Id, Ct);
        var manual = events.Single(e => e.EventType == "target_withdrawn_manually");
        Assert.Equal(Platform.Instagram, manual.Platform);
        Assert.Equal("published", manual.FromStatus);
        Assert.Equal("withdrawn", manual.ToStatus);
        Assert.Contains("recorded by local operator", manual.Detail);
        Assert.Contains(TestServices.Start.ToString("O"), manual.Detail);
        Assert.Contains(events, e => e.EventType == "withdraw_recorded" && e.FromStatus == "published" && e.ToStatus == "withdrawn");
    }

    [Fact]
    public async Task Resolve_WithdrawnManuallyWhileAnotherTargetIsLive_KeepsThePostPublished()
    {
        var live = await LiveOnXAndInstagramAsync();

        var resolved = await Posts.ResolveTargetAsync(Ws, new ResolveTargetCommand(
            live.Post.Id, Platform.Instagram, TargetResolution.WithdrawnManually, null, null, null), Ct);

        Assert.Equal(PostStatus.Published, resolved.Post.Status);
        Assert.Equal(TargetStatus.Withdrawn, resolved.Targets.Single(t => t.Platform == Platform.Instagram).Status);
        Assert.Equal(TargetStatus.Published, resolved.Targets.Single(t => t.Platform == Platform.X).Status);
    }

    [Fact]
    public async Task Resolve_WithdrawnManuallyOnATargetThatIsNotLive_IsInvalidStatusTransitionAndChangesNothing()
    {
        var live = await LiveOnXAndInstagramAsync();
        await Posts.ResolveTargetAsync(Ws, new ResolveTargetCommand(live.Post.Id, Platform.Instagram, TargetResolution.WithdrawnManually, null, null, null), Ct);
        var before = await Posts.GetAsync(Ws, live.Post.Id, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.ResolveTargetAsync(Ws,
            new ResolveTargetCommand(live.Post.Id, Platform.Instagram, TargetResolution.WithdrawnManually, null, null, null), Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
        Assert.Equal("$.platform", ex.Problem.Path);
        Assert.Equal(before.Post.Version, (await Posts.GetAsync(Ws, live.Post.Id, Ct)).Post.Version);
    }

    [Fact]
    public async Task Resolve_WithdrawnManuallyOnADraft_IsInvalidStatusTransitionAtPostId()
    {
        var draft = await Posts.CreateAsync(Ws, Drafts.Create("Draft", Platform.X), Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Posts.ResolveTargetAsync(Ws,
            new ResolveTargetCommand(draft.Post.Id, Platform.X, TargetResolution.WithdrawnManually, null, null, null), Ct));

        Assert.Equal(ErrorCodes.InvalidStatusTransition, ex.Problem.Code);
        Assert.Equal("$.postId", ex.Problem.Path);
    }
}
