using Microsoft.Extensions.Options;
using SocialMcp.Core.Access;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Posts;

/// <summary>A workspace's limits on creating and scheduling posts, checked inside the transaction that would exceed them.</summary>
public sealed class PostQuotas(IOptions<QuotaOptions> quotas, IOptions<SchedulingOptions> scheduling, TimeProvider time)
{
    public async Task EnsurePostQuotaAsync(IStoreSession session, string workspaceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var quota = quotas.Value.PostsPerMonth;
        // A counter row per workspace and month (kept by the post insert), not a COUNT of the month's posts: this runs in
        // every create_post's write transaction, and the count grew with every post created.
        var used = await session.Posts.CountCreatedInMonthAsync(workspaceId, now, cancellationToken);
        if (used >= quota)
            throw QuotaExceeded($"This workspace has created {used} posts this month; its quota is {quota}.", "$.content", MonthStart(now).AddMonths(1));
    }

    /// <summary>Checks both the number of scheduled posts now and the monthly quota of scheduling.</summary>
    public async Task EnsureScheduleCapacityAsync(IStoreSession session, string workspaceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var monthly = quotas.Value.ScheduledPostsPerMonth;
        var scheduledThisMonth = await session.Events.CountScheduledSinceAsync(workspaceId, MonthStart(now), cancellationToken);
        if (scheduledThisMonth >= monthly)
            throw QuotaExceeded($"This workspace has scheduled {scheduledThisMonth} posts this month; its quota is {monthly}.", "$.scheduledFor", MonthStart(now).AddMonths(1));

        var limit = scheduling.Value.MaxScheduledPerWorkspace;
        var scheduled = await session.Posts.CountInStatusAsync(workspaceId, PostStatus.Scheduled, cancellationToken);
        if (scheduled >= limit)
        {
            throw new LimitReachedException(new Problem(ErrorCodes.ScheduleLimitReached,
                $"This workspace already has {scheduled} scheduled posts; the limit is {limit}.", "$.scheduledFor",
                Hint: "Wait for scheduled posts to go out, or cancel_post some, then try again; or save this post as a draft."));
        }
    }

    private static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static LimitReachedException QuotaExceeded(string message, string path, DateTimeOffset resetsAt) => new(new Problem(
        ErrorCodes.QuotaExceeded, $"{message} The quota resets at {resetsAt:O}.", path,
        Hint: "Wait for the quota to reset, or ask the person running the server to raise it."));
}
