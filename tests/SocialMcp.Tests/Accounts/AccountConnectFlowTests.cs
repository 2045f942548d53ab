using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Accounts;

public sealed class AccountConnectFlowTests
{
    private const string Ws = OAuthHarness.Ws;
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static ConnectRequest Request(Platform platform, string? setName = "Real") => new()
    {
        WorkspaceId = Ws,
        Platform = platform,
        PlatformSetName = setName,
        RedirectUri = OAuthHarness.Callback,
        Channel = ConnectChannel.Cli,
    };

    [Fact]
    public async Task Start_PlatformWithoutCredentials_ThrowsPlatformNotConfiguredNamingTheSettings()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        harness.Platform.Unconfigured.Add(Platform.TikTok);

        var ex = await Assert.ThrowsAsync<PlatformNotConfiguredException>(() => harness.Flow.StartAsync(Request(Platform.TikTok), Ct));

        Assert.Equal(ErrorCodes.PlatformNotConfigured, ex.Problem.Code);
        Assert.Contains("Platforms:tiktok:ClientId", ex.Problem.Message);
        Assert.Contains("Platforms:tiktok:ClientSecret", ex.Problem.Message);
    }

    [Fact]
    public async Task Complete_ValidRedirect_StoresTheAccountInTheNamedNewSet_WithTokensOnlyEncrypted()
    {
        await using var harness = await OAuthHarness.CreateAsync();

        var result = await harness.ConnectAsync(Platform.X, "Real");

        Assert.Equal(ConnectStatus.Connected, result.Status);
        Assert.False(result.Renewed);
        Assert.Equal("Real", result.PlatformSetName);
        var account = result.Account!;
        Assert.Equal("@alice", account.Handle);
        Assert.Equal("acct-1", account.PlatformAccountId);
        Assert.Equal(RefreshModel.RotatingRefreshToken, account.RefreshModel);
        Assert.Equal(TestServices.Start.AddHours(2), account.TokenExpiresAt);
        Assert.Equal(harness.Platform.LatestAccessToken, harness.Cipher.Reveal(account.TokenReference));
        Assert.Equal(harness.Platform.LatestRefreshToken, harness.Cipher.Reveal(account.RefreshTokenReference));
        var stored = await harness.AllStoredTextAsync();
        Assert.DoesNotContain(stored, text => text.Contains("SECRET", StringComparison.Ordinal));
        Assert.DoesNotContain(stored, text => harness.Platform.Secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Complete_StateUsedTwice_SecondIsConnectExpiredAndStoresNothing()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var started = await harness.Flow.StartAsync(Request(Platform.X), Ct);
        var state = FakePlatformOAuth.StateOf(started.AuthorizationUrl);
        var code = harness.Platform.CodeFor(state);
        var first = await harness.Flow.CompleteAsync(Platform.X, state, code, null, null, Ct);

        var second = await harness.Flow.CompleteAsync(Platform.X, state, code, null, null, Ct);

        Assert.Equal(ConnectStatus.Connected, first.Status);
        Assert.Equal(ConnectStatus.Expired, second.Status);
        Assert.Equal(ErrorCodes.ConnectExpired, second.Problem!.Code);
        Assert.NotNull(second.Problem.Hint);
        var accounts = await harness.Services.Store.ReadAsync(s => s.Accounts.ListAsync(Ws, Platform.X, null, Ct), Ct);
        Assert.Equal(2, accounts.Count); // the sandbox one and the connected one, not a third
    }

    [Fact]
    public async Task Complete_AfterTheStateLifetime_IsConnectExpired_AndJustBeforeItWorks()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var late = await harness.Flow.StartAsync(Request(Platform.X), Ct);
        harness.Clock.Advance(TimeSpan.FromMinutes(10));

        var lateState = FakePlatformOAuth.StateOf(late.AuthorizationUrl);
        var expired = await harness.Flow.CompleteAsync(Platform.X, lateState, harness.Platform.CodeFor(lateState), null, null, Ct);

        Assert.Equal(TestServices.Start.AddMinutes(10), late.ExpiresAt);
        Assert.Equal(ConnectStatus.Expired, expired.Status);
        Assert.Equal(ErrorCodes.ConnectExpired, expired.Problem!.Code);
        Assert.Null(expired.Account);

        var onTime = await harness.Flow.StartAsync(Request(Platform.X), Ct);
        harness.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var state = FakePlatformOAuth.StateOf(onTime.AuthorizationUrl);
        Assert.Equal(ConnectStatus.Connected, (await harness.Flow.CompleteAsync(Platform.X, state, harness.Platform.CodeFor(state), null, null, Ct)).Status);
    }

    [Fact]
    public async Task Complete_StateOfAnotherPlatform_FailsAndLeavesTheStateUsableForItsOwn()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var started = await harness.Flow.StartAsync(Request(Platform.X), Ct);
        var state = FakePlatformOAuth.StateOf(started.AuthorizationUrl);

        var wrong = await harness.Flow.CompleteAsync(Platform.TikTok, state, harness.Platform.CodeFor(state), null, null, Ct);
        var right = await harness.Flow.CompleteAsync(Platform.X, state, harness.Platform.CodeFor(state), null, null, Ct);

        Assert.Equal(ConnectStatus.Failed, wrong.Status);
        Assert.Equal(ErrorCodes.ConnectFailed, wrong.Problem!.Code);
        Assert.Equal(ConnectStatus.Connected, right.Status);
    }

    [Fact]
    public async Task Complete_UnknownOrMissingState_FailsWithAHint()
    {
        await using var harness = await OAuthHarness.CreateAsync();

        var unknown = await harness.Flow.CompleteAsync(Platform.X, "made-up", "code", null, null, Ct);
        var missing = await harness.Flow.CompleteAsync(Platform.X, null, "code", null, null, Ct);

        Assert.All(new[] { unknown, missing }, r =>
        {
            Assert.Equal(ConnectStatus.Failed, r.Status);
            Assert.Equal(ErrorCodes.ConnectFailed, r.Problem!.Code);
            Assert.NotNull(r.Problem.Hint);
        });
    }

    [Fact]
    public async Task Complete_PersonDeclined_FailsDeclined_AndTheStateCannotBeUsedAgain()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var started = await harness.Flow.StartAsync(Request(Platform.X), Ct);
        var state = FakePlatformOAuth.StateOf(started.AuthorizationUrl);

        var declined = await harness.Flow.CompleteAsync(Platform.X, state, null, "access_denied", "The user denied", Ct);
        var again = await harness.Flow.CompleteAsync(Platform.X, state, harness.Platform.CodeFor(state), null, null, Ct);

        Assert.Equal(ConnectStatus.Failed, declined.Status);
        Assert.Equal(ErrorCodes.ConnectFailed, declined.Problem!.Code);
        Assert.Contains("declined", declined.Problem.Message);
        Assert.Equal(ConnectStatus.Expired, again.Status);
        var status = await harness.Flow.GetAsync(Ws, started.ConnectionId, Ct);
        Assert.Equal(ConnectStatus.Failed, status!.Status);
    }

    [Fact]
    public async Task Complete_SameIdentityConnectedAgain_RenewsTokensInPlace_KeepingTheAccountIdAndItsTargets()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var first = await harness.ConnectedAccountAsync(Platform.X);
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = first.PlatformSetId }, Ct);
        await harness.Services.Store.WriteAsync(s => s.Accounts.MarkReconnectRequiredAsync(first.Id, "dead_grant: invalid_grant", harness.Clock.GetUtcNow(), Ct), Ct);
        harness.Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await harness.ConnectAsync(Platform.X, setName: null);

        Assert.Equal(ConnectStatus.Connected, again.Status);
        Assert.True(again.Renewed);
        Assert.Equal(first.Id, again.Account!.Id);
        Assert.Equal(first.PlatformSetId, again.Account.PlatformSetId);
        Assert.False(again.Account.ReconnectRequired);
        Assert.Null(again.Account.LastRefreshError);
        Assert.Equal(first.TokenVersion + 1, again.Account.TokenVersion);
        Assert.Equal(harness.Platform.LatestAccessToken, harness.Cipher.Reveal(again.Account.TokenReference));
        Assert.Equal(TokenHealth.Healthy, TokenHealth.Of(again.Account, harness.Clock.GetUtcNow()));
        var target = Assert.Single((await posts.GetAsync(Ws, draft.Post.Id, Ct)).Targets);
        Assert.Equal(first.Id, target.AccountId);
    }

    [Fact]
    public async Task Complete_SetHasADifferentAccountForThePlatform_FailsWithAHintAndStoresNothing()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        await harness.ConnectedAccountAsync(Platform.X, "Real");
        harness.Platform.Identities = [new() { PlatformAccountId = "acct-2", Handle = "@bob" }];

        var other = await harness.ConnectAsync(Platform.X, "Real");

        Assert.Equal(ConnectStatus.Failed, other.Status);
        Assert.Equal(ErrorCodes.ConnectFailed, other.Problem!.Code);
        Assert.Contains("--set", other.Problem.Hint);
        Assert.Null(other.Account);
        var accounts = await harness.Services.Store.ReadAsync(s => s.Accounts.ListAsync(Ws, Platform.X, null, Ct), Ct);
        Assert.DoesNotContain(accounts, a => a.PlatformAccountId == "acct-2");
    }

    [Fact]
    public async Task Complete_SeveralIdentities_AsksForAChoice_ThenChooseStoresThePickedOne()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        harness.Platform.Identities =
        [
            new() { PlatformAccountId = "page-1", Handle = "Bakery", Grant = new TokenGrant { AccessToken = "page-token-1-SECRET" } },
            new() { PlatformAccountId = "page-2", Handle = "Cafe", Grant = new TokenGrant { AccessToken = "page-token-2-SECRET" },
                Metadata = new Dictionary<string, string> { ["pageCategory"] = "cafe" } },
        ];

        var asked = await harness.ConnectAsync(Platform.Facebook, "Pages");

        Assert.Equal(ConnectStatus.ChoiceRequired, asked.Status);
        Assert.Equal(new[] { "page-1", "page-2" }, asked.Choices.Select(c => c.PlatformAccountId));
        Assert.Null(asked.Account);
        Assert.DoesNotContain(await harness.AllStoredTextAsync(), text => text.Contains("SECRET", StringComparison.Ordinal));

        var notOffered = await harness.Flow.ChooseAsync(Ws, asked.ConnectionId, "page-9", Ct);
        Assert.Equal(ConnectStatus.ChoiceRequired, notOffered.Status);
        Assert.Equal(ErrorCodes.ConnectFailed, notOffered.Problem!.Code);

        var chosen = await harness.Flow.ChooseAsync(Ws, asked.ConnectionId, "page-2", Ct);

        Assert.Equal(ConnectStatus.Connected, chosen.Status);
        Assert.Equal("Cafe", chosen.Account!.Handle);
        Assert.Equal("page-token-2-SECRET", harness.Cipher.Reveal(chosen.Account.TokenReference));
        Assert.Null(chosen.Account.TokenExpiresAt); // a Page token without expiry
        Assert.Equal("cafe", chosen.Account.Metadata.GetProperty("pageCategory").GetString());
        Assert.Equal(ConnectStatus.Connected, (await harness.Flow.ChooseAsync(Ws, asked.ConnectionId, "page-1", Ct)).Status);
        Assert.DoesNotContain(await harness.AllStoredTextAsync(), text => text.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Complete_NoIdentity_FailsAndStoresNothing()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        harness.Platform.Identities = [];

        var result = await harness.ConnectAsync(Platform.Instagram, "Real");

        Assert.Equal(ConnectStatus.Failed, result.Status);
        Assert.Equal(ErrorCodes.ConnectFailed, result.Problem!.Code);
        var accounts = await harness.Services.Store.ReadAsync(s => s.Accounts.ListAsync(Ws, Platform.Instagram, null, Ct), Ct);
        Assert.All(accounts, a => Assert.True(a.IsSandbox));
    }

    [Fact]
    public async Task Complete_WrongVerifier_FailsWithoutStoring()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var started = await harness.Flow.StartAsync(Request(Platform.X), Ct);
        var state = FakePlatformOAuth.StateOf(started.AuthorizationUrl);

        var result = await harness.Flow.CompleteAsync(Platform.X, state, "code-SECRET-someone-elses-state", null, null, Ct);

        Assert.Equal(ConnectStatus.Failed, result.Status);
        Assert.Equal(ErrorCodes.ConnectFailed, result.Problem!.Code);
        Assert.DoesNotContain("SECRET", result.Problem.Message);
    }
}
