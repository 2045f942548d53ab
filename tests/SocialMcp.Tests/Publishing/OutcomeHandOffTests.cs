using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>Issue 18: exactly one target of a publish hands its outcome to the finish transaction — the last to decide.</summary>
public sealed class OutcomeHandOffTests
{
    [Fact]
    public void TryTake_EveryTargetDecides_OnlyTheLastTakesTheHandOff()
    {
        var handOff = new OutcomeHandOff(3);
        var tickets = Enumerable.Range(0, 3).Select(_ => handOff.TicketForTarget()).ToList();

        Assert.False(tickets[0].TryTake(Settled(Platform.X)));
        Assert.False(tickets[2].TryTake(Settled(Platform.Facebook)));
        var last = Settled(Platform.LinkedIn);
        Assert.True(tickets[1].TryTake(last));

        Assert.Same(last, handOff.Pending);
    }

    [Fact]
    public void Dispose_LastTargetEndsWithoutAFinalOutcome_NobodyHandsOff()
    {
        var handOff = new OutcomeHandOff(2);
        var comment = handOff.TicketForTarget();
        var other = handOff.TicketForTarget();

        Assert.False(other.TryTake(Settled(Platform.X)));
        comment.Dispose();

        Assert.Null(handOff.Pending);
    }

    [Fact]
    public void Dispose_AnotherTargetEndedFirstWithoutAnOutcome_TheLastStillTakesIt()
    {
        var handOff = new OutcomeHandOff(2);
        var failed = handOff.TicketForTarget();
        var last = handOff.TicketForTarget();

        failed.Dispose();
        var settled = Settled(Platform.X);

        Assert.True(last.TryTake(settled));
        last.Dispose(); // after deciding, disposing changes nothing
        Assert.Same(settled, handOff.Pending);
    }

    [Fact]
    public void TryTake_SecondDecisionOfOneTicket_IsRefused()
    {
        var handOff = new OutcomeHandOff(1);
        var ticket = handOff.TicketForTarget();
        var first = Settled(Platform.X);

        Assert.True(ticket.TryTake(first));
        Assert.False(ticket.TryTake(Settled(Platform.X)));
        Assert.Same(first, handOff.Pending);
    }

    private static SettledOutcome Settled(Platform platform)
    {
        var at = TestServices.Start;
        var target = new PostTarget
        {
            PostId = "post", Platform = platform, AccountId = "account", Status = TargetStatus.Publishing, AttemptCount = 1, CreatedAt = at, UpdatedAt = at,
        };
        var post = new Post
        {
            Id = "post", WorkspaceId = "ws", PlatformSetId = "set", Status = PostStatus.Publishing,
            Content = new PostContent("hello", [], null, new Dictionary<Platform, PlatformOverride>()),
            Platforms = [platform], Version = 2, CreatedAt = at, UpdatedAt = at,
        };
        var outcome = PublishOutcome.Published("id-" + platform.ToWireName(), null);
        return new SettledOutcome(post, target, null!, outcome, false, target with { Status = TargetStatus.Published }, at);
    }
}
