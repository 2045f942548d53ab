using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Access;

public sealed class QuotaTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private PostService Posts => _services.Get<PostService>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync(new Dictionary<string, string?>
    {
        ["Quotas:PostsPerMonth"] = "2",
        ["Quotas:ScheduledPostsPerMonth"] = "1",
    });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Create_OverMonthlyPostQuota_FailsWithQuotaExceeded_AndNextMonthWorks()
    {
        await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        var ex = await Assert.ThrowsAsync<LimitReachedException>(() => Posts.CreateAsync(Ws, Drafts.Create(), Ct));

        Assert.Equal(ErrorCodes.QuotaExceeded, ex.Problem.Code);
        Assert.Contains("2026-12-01T00:00:00", ex.Problem.Message);
        _services.Clock.Advance(TimeSpan.FromDays(9)); // into December
        await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
    }

    [Fact]
    public async Task Schedule_OverMonthlyScheduledQuota_FailsWithQuotaExceeded_ButReschedulingIsFree()
    {
        var first = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        var second = await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        await Posts.ScheduleAsync(Ws, first.Post.Id, TestServices.Start.AddHours(1), null, Ct);
        await Posts.ScheduleAsync(Ws, first.Post.Id, TestServices.Start.AddHours(2), null, Ct);

        var ex = await Assert.ThrowsAsync<LimitReachedException>(() => Posts.ScheduleAsync(Ws, second.Post.Id, TestServices.Start.AddHours(1), null, Ct));

        Assert.Equal(ErrorCodes.QuotaExceeded, ex.Problem.Code);
        Assert.Equal(Core.Domain.PostStatus.Draft, (await Posts.GetAsync(Ws, second.Post.Id, Ct)).Post.Status);
    }
}
