using SocialMcp.Core.Domain;
using SocialMcp.Core.Posts;

namespace SocialMcp.Tests.Posts;

public sealed class PostTransitionsTests
{
    // The whole table, written out: a change to the state machine must change this test too.
    private static readonly HashSet<(PostStatus, PostStatus)> Legal =
    [
        (PostStatus.Draft, PostStatus.Draft), (PostStatus.Draft, PostStatus.Scheduled), (PostStatus.Draft, PostStatus.Publishing), (PostStatus.Draft, PostStatus.Discarded),
        (PostStatus.Scheduled, PostStatus.Scheduled), (PostStatus.Scheduled, PostStatus.Publishing), (PostStatus.Scheduled, PostStatus.Failed), (PostStatus.Scheduled, PostStatus.Discarded),
        (PostStatus.Scheduled, PostStatus.Missed), (PostStatus.Scheduled, PostStatus.Draft),
        (PostStatus.Missed, PostStatus.Publishing), (PostStatus.Missed, PostStatus.Scheduled), (PostStatus.Missed, PostStatus.Draft), (PostStatus.Missed, PostStatus.Discarded),
        (PostStatus.Publishing, PostStatus.Published), (PostStatus.Publishing, PostStatus.Partial), (PostStatus.Publishing, PostStatus.Failed),
        (PostStatus.Published, PostStatus.Published), (PostStatus.Published, PostStatus.Withdrawn),
        (PostStatus.Partial, PostStatus.Partial), (PostStatus.Partial, PostStatus.Publishing), (PostStatus.Partial, PostStatus.Discarded), (PostStatus.Partial, PostStatus.Withdrawn),
        (PostStatus.Failed, PostStatus.Failed), (PostStatus.Failed, PostStatus.Publishing), (PostStatus.Failed, PostStatus.Discarded),
        // Issue 16: a publish, schedule or withdraw held for a person's approval, and back (approved or rejected).
        (PostStatus.Draft, PostStatus.AwaitingApproval), (PostStatus.Scheduled, PostStatus.AwaitingApproval), (PostStatus.Missed, PostStatus.AwaitingApproval),
        (PostStatus.Published, PostStatus.AwaitingApproval), (PostStatus.Partial, PostStatus.AwaitingApproval), (PostStatus.Failed, PostStatus.AwaitingApproval),
        (PostStatus.AwaitingApproval, PostStatus.Draft), (PostStatus.AwaitingApproval, PostStatus.Scheduled), (PostStatus.AwaitingApproval, PostStatus.Publishing),
        (PostStatus.AwaitingApproval, PostStatus.Published), (PostStatus.AwaitingApproval, PostStatus.Partial), (PostStatus.AwaitingApproval, PostStatus.Failed),
        (PostStatus.AwaitingApproval, PostStatus.Missed), (PostStatus.AwaitingApproval, PostStatus.Discarded),
    ];

    public static TheoryData<PostStatus, PostStatus> AllPairs()
    {
        var data = new TheoryData<PostStatus, PostStatus>();
        foreach (var from in Enum.GetValues<PostStatus>())
            foreach (var to in Enum.GetValues<PostStatus>())
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanMove_EveryPair_MatchesTheStateMachine(PostStatus from, PostStatus to) =>
        Assert.Equal(Legal.Contains((from, to)), PostTransitions.CanMove(from, to));

    [Theory]
    [InlineData(new[] { TargetStatus.Published, TargetStatus.InReview }, PostStatus.Published)]
    [InlineData(new[] { TargetStatus.Published, TargetStatus.Failed }, PostStatus.Partial)]
    [InlineData(new[] { TargetStatus.Failed, TargetStatus.Failed }, PostStatus.Failed)]
    public void Aggregate_TargetOutcomes_GiveThePostStatus(TargetStatus[] targets, PostStatus expected)
    {
        var now = DateTimeOffset.UnixEpoch;
        var list = targets.Select((s, i) => new PostTarget
        {
            PostId = "p",
            Platform = (Platform)i,
            AccountId = "a",
            Status = s,
            AttemptCount = 1,
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();

        Assert.Equal(expected, PostTransitions.Aggregate(list));
    }
}
