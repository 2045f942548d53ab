using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Accounts;

/// <summary>validate_post and schedule_post warn about scheduled posts whose account cannot be renewed before their time.</summary>
public sealed class TokenRiskTests
{
    private const string Ws = OAuthHarness.Ws;
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Schedule_RefreshableTokenExpiringBeforeTheTime_IsNoRisk()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X); // lives two hours, renewed by the refresher
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = account.PlatformSetId }, Ct);

        var scheduled = await posts.ScheduleAsync(Ws, draft.Post.Id, harness.Clock.GetUtcNow().AddDays(3), null, Ct);

        Assert.Empty(scheduled.Risks ?? []);
    }

    [Fact]
    public async Task Validate_ScheduledPostOfAnAccountWhoseGrantDied_ReportsTheRisk()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = account.PlatformSetId }, Ct);
        await posts.ScheduleAsync(Ws, draft.Post.Id, harness.Clock.GetUtcNow().AddDays(1), null, Ct);
        harness.Platform.RevokeAll();
        await harness.Refresher.RefreshAsync(account.Id, force: true, Ct);

        var validation = await posts.ValidateAsync(Ws, new ValidatePostCommand(null, draft.Post.Id), Ct);

        var risk = Assert.Single(validation.Risks ?? []);
        Assert.Equal(ScheduleRisks.TokenExpiresBeforeSchedule, risk.Code);
        Assert.Equal(Platform.X, risk.Platform);
        Assert.Contains("reconnected", risk.Message);
        Assert.Contains("invalid_grant", risk.Message);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(1, false)]
    public async Task Validate_ReconnectOnlyTokenExpiringBeforeTheTime_ReportsTheRiskOnlyThen(int daysAhead, bool expected)
    {
        await using var harness = await OAuthHarness.CreateAsync();
        harness.Platform.AccessLifetime = TimeSpan.FromDays(2);
        var account = await harness.ConnectedAccountAsync(Platform.LinkedIn);
        var posts = harness.Services.Get<PostService>();
        var command = Drafts.Create("Hello", Platform.LinkedIn) with
        {
            PlatformSetId = account.PlatformSetId,
            ScheduledFor = harness.Clock.GetUtcNow().AddDays(daysAhead),
        };

        var validation = await posts.ValidateAsync(Ws, new ValidatePostCommand(command, null), Ct);

        Assert.Equal(expected, (validation.Risks ?? []).Any(r => r.Code == ScheduleRisks.TokenExpiresBeforeSchedule && r.Platform == Platform.LinkedIn));
    }

    [Fact]
    public async Task Validate_RefreshTokenDyingBeforeTheTime_ReportsTheRisk()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        harness.Platform.AccessLifetime = TimeSpan.FromHours(1);
        harness.Platform.RefreshLifetime = TimeSpan.FromDays(2);
        var account = await harness.ConnectedAccountAsync(Platform.YouTube);
        var posts = harness.Services.Get<PostService>();
        var command = Drafts.Create("Hello", Platform.YouTube) with
        {
            PlatformSetId = account.PlatformSetId,
            ScheduledFor = harness.Clock.GetUtcNow().AddDays(3),
        };

        var validation = await posts.ValidateAsync(Ws, new ValidatePostCommand(command, null), Ct);

        var risk = Assert.Single(validation.Risks ?? [], r => r.Code == ScheduleRisks.TokenExpiresBeforeSchedule);
        Assert.Contains("refresh token", risk.Message);
        Assert.Equal(TokenHealth.Expiring, TokenHealth.Of(account, harness.Clock.GetUtcNow()));
    }
}
