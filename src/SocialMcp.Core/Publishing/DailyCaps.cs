using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Publishing;

/// <summary>An account's cap of posts per 24 hours on a platform (Scheduling:DailyCaps), counted from the targets that went live.</summary>
public sealed class DailyCaps(IStore store, IOptions<SchedulingOptions> scheduling, TimeProvider time)
{
    private static readonly TimeSpan CapWindow = TimeSpan.FromDays(1);

    /// <summary>The cap and the instant its oldest post of the window leaves it, when the cap is full right now.</summary>
    public sealed record Reached(int Cap, DateTimeOffset FreesAt);

    /// <summary>The account's daily cap when it is full right now; null when the platform has none or there is room.</summary>
    public async Task<Reached?> FullAsync(Account account, Platform platform, CancellationToken cancellationToken)
    {
        if (!scheduling.Value.DailyCaps.TryGetValue(platform.ToWireName(), out var cap))
            return null;
        var now = time.GetUtcNow();
        var live = await store.ReadAsync(session => WindowAsync(session, account.Id, now, cancellationToken), cancellationToken);
        return live.Count < cap ? null : new Reached(cap, live[live.Count - cap] + CapWindow);
    }

    /// <summary>all_or_nothing: refuses up front when a target's daily cap cannot free up in time, before anything goes out.</summary>
    public async Task EnsureEveryTargetCanGoOutAsync(IStoreSession session, IReadOnlyList<PostTarget> chosen,
        IReadOnlyDictionary<Platform, Account> accounts, DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        foreach (var target in chosen)
        {
            if (!scheduling.Value.DailyCaps.TryGetValue(target.Platform.ToWireName(), out var cap))
                continue;
            var account = accounts[target.Platform];
            var live = await WindowAsync(session, account.Id, now, cancellationToken);
            if (live.Count >= cap && live[live.Count - cap] + CapWindow > deadline)
            {
                var freesAt = live[live.Count - cap] + CapWindow;
                throw new LimitReachedException(new Problem(ErrorCodes.RateLimited,
                    $"This all_or_nothing post cannot go out: '{account.Handle}' has reached {target.Platform.ToWireName()}'s cap of {cap} posts "
                    + $"in 24 hours until {freesAt:O}, after this post's tolerance. Nothing was published.",
                    "$.postId", target.Platform,
                    $"Schedule the post for after {freesAt:O}, raise toleranceMinutes, or publish without {target.Platform.ToWireName()}."));
            }
        }
    }

    /// <summary>
    /// When the account's targets of the last 24 hours went live, oldest first. One that went live exactly 24 hours ago has
    /// left the window: its slot frees at that instant, which is when a wait for it ends (counting it would wait again, at once,
    /// until the waits run out).
    /// </summary>
    private static async Task<IReadOnlyList<DateTimeOffset>> WindowAsync(
        IStoreSession session, string accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await session.Targets.ListAccountLiveSinceAsync(accountId, now - CapWindow, cancellationToken)).Where(at => at + CapWindow > now).ToList();
}
