using Dapper;
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
    public async Task Create_CounterAtTheQuotaWithoutAnyPost_FailsWithQuotaExceeded()
    {
        // The quota is read from the month's counter row, not counted from the posts: a counter at the quota is enough.
        await using (var connection = await _services.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO workspace_post_months (workspace_id, month, posts_created) VALUES (@Ws, '2026-11', 2);", new { Ws });
        }

        var ex = await Assert.ThrowsAsync<LimitReachedException>(() => Posts.CreateAsync(Ws, Drafts.Create(), Ct));

        Assert.Equal(ErrorCodes.QuotaExceeded, ex.Problem.Code);
        Assert.Equal("$.content", ex.Problem.Path);
        Assert.Equal(
            "This workspace has created 2 posts this month; its quota is 2. The quota resets at 2026-12-01T00:00:00.0000000+00:00.",
            ex.Problem.Message);
    }

    [Fact]
    public async Task Create_EachPost_CountsInItsOwnUtcMonth()
    {
        await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        _services.Clock.Advance(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero) - _services.Clock.GetUtcNow());
        await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        await Posts.CreateAsync(Ws, Drafts.Create(), Ct);

        Assert.Equal(1, await CreatedInMonthAsync(TestServices.Start));
        Assert.Equal(2, await CreatedInMonthAsync(_services.Clock.GetUtcNow()));
        await Assert.ThrowsAsync<LimitReachedException>(() => Posts.CreateAsync(Ws, Drafts.Create(), Ct));
    }

    [Fact]
    public async Task Create_FailingAfterThePostQuotaCheck_DoesNotCountThePost()
    {
        await Posts.CreateAsync(Ws, Drafts.Create() with { ScheduledFor = TestServices.Start.AddHours(1) }, Ct);

        // Within the post quota (1 of 2), over the scheduling quota (1 of 1): refused after the post quota was checked.
        var ex = await Assert.ThrowsAsync<LimitReachedException>(() =>
            Posts.CreateAsync(Ws, Drafts.Create() with { ScheduledFor = TestServices.Start.AddHours(2) }, Ct));

        Assert.Equal("$.scheduledFor", ex.Problem.Path);
        Assert.Equal(1, await CreatedInMonthAsync(TestServices.Start));
        await Posts.CreateAsync(Ws, Drafts.Create(), Ct);
        Assert.Equal(2, await CreatedInMonthAsync(TestServices.Start));
    }

    private Task<int> CreatedInMonthAsync(DateTimeOffset instant) =>
        _services.Store.ReadAsync(s => s.Posts.CountCreatedInMonthAsync(Ws, instant, Ct), Ct);

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
