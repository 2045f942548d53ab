using SocialMcp.Core.Publishing;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// The decision the publishing engine's <see cref="LimitWaiter"/> makes on its own: a wait happens only when the platform
/// said when to come back, that time fits before the post's deadline, and Scheduling:MaxLimitWaits is not used up.
/// </summary>
public sealed class LimitWaiterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Deadline = TestServices.Start.AddMinutes(15);
    private TestServices _services = null!;

    private LimitWaiter Waiter => _services.Get<LimitWaiter>();

    public async Task InitializeAsync() =>
        _services = await TestServices.CreateInitializedAsync(new Dictionary<string, string?> { ["Scheduling:MaxLimitWaits"] = "2" });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public void ShouldWait_ResetBeforeDeadlineWithWaitsLeft_Waits() =>
        Assert.True(Waiter.ShouldWait(Deadline.AddMinutes(-1), Deadline, waits: 1));

    [Fact]
    public void ShouldWait_ResetExactlyAtDeadline_Waits() =>
        Assert.True(Waiter.ShouldWait(Deadline, Deadline, waits: 0));

    [Fact]
    public void ShouldWait_ResetAfterDeadline_DoesNotWait() =>
        Assert.False(Waiter.ShouldWait(Deadline.AddTicks(1), Deadline, waits: 0));

    [Fact]
    public void ShouldWait_NoResetTime_DoesNotWait() =>
        Assert.False(Waiter.ShouldWait(null, Deadline, waits: 0));

    [Fact]
    public void ShouldWait_MaxLimitWaitsUsedUp_DoesNotWait() =>
        Assert.False(Waiter.ShouldWait(Deadline.AddMinutes(-1), Deadline, waits: 2));
}
