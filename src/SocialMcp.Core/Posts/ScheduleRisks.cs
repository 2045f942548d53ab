using Microsoft.Extensions.Options;
using SocialMcp.Core.Access;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Posts;

/// <summary>
/// What is likely to go wrong when a post fires at its scheduled time: reported by schedule_post and validate_post, never
/// refused, because each can still change before then (a reconnect, a cancelled post, a new month).
/// </summary>
public sealed class ScheduleRisks(IOptions<SchedulingOptions> scheduling, IOptions<QuotaOptions> quotas, TimeProvider time)
{
    public const string TokenExpiresBeforeSchedule = "TOKEN_EXPIRES_BEFORE_SCHEDULE";
    public const string PlatformCapAtRisk = "PLATFORM_CAP_AT_RISK";
    public const string QuotaAtRisk = "QUOTA_AT_RISK";

    /// <summary>
    /// The risks of publishing <paramref name="platforms"/> at <paramref name="scheduledFor"/>. <paramref name="postId"/> (when the
    /// post is stored) is left out of the counts, so rescheduling a post does not count it twice.
    /// </summary>
    public async Task<IReadOnlyList<ScheduleRisk>> AssessAsync(
        IStoreSession session, string workspaceId, string? postId, IReadOnlyList<Platform> platforms,
        IReadOnlyDictionary<Platform, Account> accounts, DateTimeOffset scheduledFor, CancellationToken cancellationToken)
    {
        var when = scheduledFor.ToUniversalTime();
        var risks = new List<ScheduleRisk>();
        var day = new DateTimeOffset(when.UtcDateTime.Date, TimeSpan.Zero);
        var seen = new HashSet<Platform>();
        for (var index = 0; index < platforms.Count; index++)
        {
            var platform = platforms[index];
            if (!seen.Add(platform) || !accounts.TryGetValue(platform, out var account))
                continue;
            var name = platform.ToWireName();
            // Only what no refresh can mend before then: a token that is renewed ahead of expiry is no risk.
            if (TokenRenewal.WhyItCannotPublishAt(account, when, time.GetUtcNow()) is { } why)
            {
                risks.Add(new ScheduleRisk(TokenExpiresBeforeSchedule,
                    $"The {name} account '{account.Handle}' {why}; the post is due at {when:O}.",
                    platform, $"$.platforms[{index}]"));
            }
            if (scheduling.Value.DailyCaps.TryGetValue(name, out var cap))
            {
                var planned = await session.Posts.CountAccountPostsOnDayAsync(account.Id, day, day.AddDays(1), postId, cancellationToken);
                if (planned + 1 > cap)
                {
                    risks.Add(new ScheduleRisk(PlatformCapAtRisk,
                        $"The {name} account '{account.Handle}' already has {planned} posts scheduled or published on {day:yyyy-MM-dd} (UTC); "
                        + $"with this one it exceeds {name}'s cap of {cap} a day.",
                        platform, $"$.platforms[{index}]"));
                }
            }
        }

        var month = new DateTimeOffset(when.UtcDateTime.Year, when.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var quota = quotas.Value.ScheduledPostsPerMonth;
        var scheduled = await session.Posts.CountScheduledBetweenAsync(workspaceId, month, month.AddMonths(1), postId, cancellationToken);
        if (scheduled + 1 > quota)
        {
            risks.Add(new ScheduleRisk(QuotaAtRisk,
                $"This workspace already has {scheduled} posts scheduled in {month:yyyy-MM} (UTC); with this one it exceeds its monthly quota of {quota}.",
                Path: "$.scheduledFor"));
        }
        return risks;
    }
}
