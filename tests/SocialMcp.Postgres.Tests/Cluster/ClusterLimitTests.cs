using Microsoft.Extensions.Options;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Access;
using SocialMcp.Storage.Postgres;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Cluster;

/// <summary>Limits that several instances share: the tool rate limits (counted in the database) and the monthly quotas.</summary>
public sealed class ClusterLimitTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task TryAcquire_ThreeInstances_GrantTheLimitOnceInTotal_AndAgainInTheNextWindow()
    {
        await using var cluster = await ClusterInstances.StartAsync(3, listen: false);
        var options = Options.Create(new RateLimitOptions { CreatePerWindow = 5, Window = TimeSpan.FromMinutes(1) });
        var limiters = cluster.All.Select(i => new ToolRateLimiter(options, i.Clock, i.Get<PostgresRateWindows>())).ToList();

        var decisions = await Task.WhenAll(limiters.SelectMany(limiter => Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => limiter.TryAcquire("key:one", ToolOperation.Create)))));

        Assert.Equal(5, decisions.Count(d => d.Admitted));
        var refused = decisions.Where(d => !d.Admitted).ToList();
        Assert.Equal(7, refused.Count);
        Assert.All(refused, d =>
        {
            Assert.Equal(0, d.Remaining);
            Assert.InRange(d.ResetAfter, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1));
        });
        // Another caller has its own count.
        Assert.True(limiters[1].TryAcquire("key:two", ToolOperation.Create).Admitted);

        foreach (var instance in cluster.All)
            instance.Clock.Advance(TimeSpan.FromMinutes(1));
        var next = limiters[2].TryAcquire("key:one", ToolOperation.Create);
        Assert.True(next.Admitted);
        Assert.Equal(4, next.Remaining);
    }

    [Fact]
    public async Task CreatePost_QuotaAtLimitMinusOne_TwoInstancesAtOnce_ExactlyOneSucceeds()
    {
        await using var cluster = await ClusterInstances.StartAsync(2, new Dictionary<string, string?> { ["Quotas:PostsPerMonth"] = "3" }, listen: false);
        await cluster[0].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create("one"), Ct);
        await cluster[1].Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create("two"), Ct);

        var attempts = cluster.All.Select(instance => Task.Run(() => instance.Get<PostService>().CreateAsync(LocalWorkspace.Id, Drafts.Create("three"), Ct))).ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async attempt =>
        {
            try
            {
                await attempt;
                return null;
            }
            catch (LimitReachedException e)
            {
                return e.Problem.Code;
            }
        }));

        Assert.Single(outcomes, code => code is null);
        Assert.Single(outcomes, code => code == ErrorCodes.QuotaExceeded);
        await using var connection = await cluster[0].OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM posts;";
        Assert.Equal(3L, Convert.ToInt64(await command.ExecuteScalarAsync()));
    }
}
