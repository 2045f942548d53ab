using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Scheduling;

namespace SocialMcp.Tests.Scheduling;

public sealed class PublishConcurrencyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Enter_SameAccountOverItsLimit_WaitsForTheFirstToLeave()
    {
        var concurrency = new PublishConcurrency(Options.Create(new SchedulingOptions { MaxConcurrentPerAccount = 1 }));
        var first = await concurrency.EnterAsync(Platform.X, "acct-1", Ct);

        var second = concurrency.EnterAsync(Platform.X, "acct-1", Ct);
        var otherAccount = concurrency.EnterAsync(Platform.X, "acct-2", Ct);

        Assert.False(second.IsCompleted);
        Assert.True(otherAccount.IsCompletedSuccessfully);
        first.Dispose();
        (await second).Dispose();
        (await otherAccount).Dispose();
    }

    [Fact]
    public async Task Enter_SamePlatformOverItsLimit_WaitsAcrossAccounts()
    {
        var concurrency = new PublishConcurrency(Options.Create(new SchedulingOptions { MaxConcurrentPerPlatform = 2, MaxConcurrentPerAccount = 1 }));
        var a = await concurrency.EnterAsync(Platform.Threads, "a", Ct);
        var b = await concurrency.EnterAsync(Platform.Threads, "b", Ct);

        var c = concurrency.EnterAsync(Platform.Threads, "c", Ct);
        var otherPlatform = concurrency.EnterAsync(Platform.X, "d", Ct);

        Assert.False(c.IsCompleted);
        Assert.True(otherPlatform.IsCompletedSuccessfully);
        b.Dispose();
        (await c).Dispose();
        a.Dispose();
        (await otherPlatform).Dispose();
    }

    [Theory]
    [InlineData("MaxConcurrentPerPlatform")]
    [InlineData("MaxConcurrentPerAccount")]
    [InlineData("MaxConcurrentPosts")]
    public void Validate_ZeroConcurrency_IsRejected(string field)
    {
        var options = new SchedulingOptions();
        typeof(SchedulingOptions).GetProperty(field)!.SetValue(options, 0);

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(results, r => r.MemberNames.Contains(field));
    }
}
