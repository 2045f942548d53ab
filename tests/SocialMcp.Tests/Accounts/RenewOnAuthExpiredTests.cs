using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Publishing;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Accounts;

/// <summary>A platform that says "expired" mid-publish: the token is renewed once and the call tried once more, posting once.</summary>
public sealed class RenewOnAuthExpiredTests
{
    private const string Ws = OAuthHarness.Ws;
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Publish_PlatformCallsTheTokenExpired_RefreshesOnceAndRetriesOnce_PostingOnce()
    {
        await using var harness = await CreateAsync();
        var publisher = harness.Services.Get<TokenCheckingPublisher>();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        harness.Platform.ExpireAccessToken(harness.Platform.LatestAccessToken!); // stored expiry still says two hours
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = account.PlatformSetId }, Ct);

        var published = await posts.PublishAsync(Ws, draft.Post.Id, null, Ct);

        Assert.Equal(PostStatus.Published, published.Post.Status);
        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Published, target.Status);
        Assert.Equal(account.Id, target.AccountId);
        Assert.Equal(1, harness.Platform.RefreshCalls);
        Assert.Equal(2, publisher.Calls);
        Assert.Equal(1, publisher.Posts);
        var history = await posts.GetHistoryAsync(Ws, draft.Post.Id, Ct);
        Assert.Contains(history, e => e.EventType == "target_token_renewed");
        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.Equal(account.TokenVersion + 1, stored.TokenVersion);
        Assert.Equal(TokenHealth.Healthy, TokenHealth.Of(stored, harness.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Publish_TokenExpiredLongAgo_IsRenewedBeforeTheCall_WithoutAnAuthExpiredRoundTrip()
    {
        await using var harness = await CreateAsync();
        harness.Platform.AccessLifetime = TimeSpan.FromSeconds(5);
        var publisher = harness.Services.Get<TokenCheckingPublisher>();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = account.PlatformSetId }, Ct);
        harness.Clock.Advance(TimeSpan.FromSeconds(15)); // three lifetimes, nobody renewed it

        var published = await posts.PublishAsync(Ws, draft.Post.Id, null, Ct);

        Assert.Equal(TargetStatus.Published, Assert.Single(published.Targets).Status);
        Assert.Equal(1, harness.Platform.RefreshCalls);
        Assert.Equal(1, publisher.Calls);
        Assert.Equal(1, publisher.Posts);
    }

    [Fact]
    public async Task Publish_GrantRevoked_FailsAuthExpiredWithoutARetry_AndTheAccountNeedsAReconnect()
    {
        await using var harness = await CreateAsync();
        var publisher = harness.Services.Get<TokenCheckingPublisher>();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        harness.Platform.RevokeAll();
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = account.PlatformSetId }, Ct);

        var published = await posts.PublishAsync(Ws, draft.Post.Id, null, Ct);

        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Failed, target.Status);
        Assert.Equal(ErrorCodes.AuthExpired, target.ErrorCode);
        Assert.Equal(1, harness.Platform.RefreshCalls);
        Assert.Equal(1, publisher.Calls);
        Assert.Equal(0, publisher.Posts);
        var stored = await harness.ReadAccountAsync(account.Id);
        Assert.True(stored.ReconnectRequired);
        Assert.Equal(TokenHealth.ReconnectRequired, TokenHealth.Of(stored, harness.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Withdraw_PlatformCallsTheTokenExpired_RefreshesOnceAndWithdraws()
    {
        await using var harness = await CreateAsync();
        var publisher = harness.Services.Get<TokenCheckingPublisher>();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = account.PlatformSetId }, Ct);
        await posts.PublishAsync(Ws, draft.Post.Id, null, Ct);
        harness.Platform.ExpireAccessToken(harness.Platform.LatestAccessToken!);

        var withdrawn = await posts.WithdrawAsync(Ws, draft.Post.Id, null, null, Ct);

        Assert.True(Assert.Single(withdrawn.Outcomes).Succeeded);
        Assert.Equal(1, harness.Platform.RefreshCalls);
        Assert.Equal(1, publisher.Withdrawals);
    }

    private static Task<OAuthHarness> CreateAsync() => OAuthHarness.CreateAsync(configure: s =>
    {
        s.AddSingleton<TokenCheckingPublisher>();
        s.AddSingleton<IPublisherResolver>(sp => sp.GetRequiredService<TokenCheckingPublisher>());
    });

    /// <summary>A platform API that takes only live access tokens (asked through the vault, as the adapters do).</summary>
    private sealed class TokenCheckingPublisher(ITokenVault vault, Core.Accounts.OAuth.IPlatformOAuth oauth) : IPlatformPublisher, IPublisherResolver
    {
        private int _calls;
        private int _posts;
        private int _withdrawals;

        public int Calls => _calls;
        public int Posts => _posts;
        public int Withdrawals => _withdrawals;

        private FakePlatformOAuth Platform => (FakePlatformOAuth)oauth;

        public IPlatformPublisher For(Account account) => this;

        public PublisherCapabilities CapabilitiesFor(Platform platform) => new(CanWithdraw: true);

        public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var token = await vault.GetAccessTokenAsync(request.Account, cancellationToken);
            if (!Platform.IsLiveAccessToken(token))
                return PublishOutcome.Failed(ErrorCodes.AuthExpired, "The token expired or was revoked.");
            var n = Interlocked.Increment(ref _posts);
            return PublishOutcome.Published($"post-{n}", $"https://platform.test/post-{n}");
        }

        public async Task<WithdrawOutcome> WithdrawAsync(WithdrawRequest request, CancellationToken cancellationToken)
        {
            var token = await vault.GetAccessTokenAsync(request.Account, cancellationToken);
            if (!Platform.IsLiveAccessToken(token))
                return WithdrawOutcome.Failed(ErrorCodes.AuthExpired, "The token expired or was revoked.");
            Interlocked.Increment(ref _withdrawals);
            return WithdrawOutcome.Withdrawn;
        }
    }
}
