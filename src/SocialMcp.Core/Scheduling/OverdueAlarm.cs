using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Webhooks;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// The overdue alarm (issue 16): a post that was due <c>Scheduling:OverdueAfter</c> ago and is still scheduled or
/// publishing (no runner fired it, or its publish keeps going far past its time) raises <c>post.overdue</c> once —
/// posts.overdue_at, a post event <c>post_overdue</c> and the webhook event, in one transaction. The scheduler worker runs
/// <see cref="RaiseAsync"/> on each pass. A post that then goes out or becomes missed stops counting: health counts
/// overdue posts by a query (<see cref="SummarizeAsync"/>), not by the mark.
/// </summary>
public sealed class OverdueAlarm(IStore store, WebhookOutbox outbox, TimeProvider time, IOptions<SchedulingOptions> options, ILogger<OverdueAlarm> logger)
{
    public const string EventType = "post_overdue";

    /// <summary>Posts looked at per pass; the rest wait for the next pass.</summary>
    private const int BatchSize = 50;

    /// <summary>Raises the alarm for every overdue post it has not fired for yet; returns how many it raised.</summary>
    public async Task<int> RaiseAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - options.Value.OverdueAfter;
        var overdue = await store.ReadAsync(s => s.Alarms.ListOverdueAsync(cutoff, includeRaised: false, BatchSize, cancellationToken), cancellationToken);
        var raised = 0;
        foreach (var candidate in overdue)
        {
            var fired = await store.WriteAsync(async session =>
            {
                // The mark is the guard: of two runners that both see the post, only one sets it and writes the events.
                if (!await session.Alarms.MarkOverdueAsync(candidate.PostId, now, cancellationToken))
                    return false;
                var post = await session.Posts.GetAsync(candidate.WorkspaceId, candidate.PostId, cancellationToken);
                if (post is null)
                    return false;
                var late = now - candidate.DueAt;
                await session.Events.AppendAsync(new PostEvent
                {
                    Id = 0,
                    PostId = post.Id,
                    EventType = EventType,
                    FromStatus = post.Status.ToWireName(),
                    ToStatus = post.Status.ToWireName(),
                    PostVersion = post.Version,
                    Detail = $"dueAt={candidate.DueAt.UtcDateTime:O} lateBy={late:c}",
                    OccurredAt = now,
                }, cancellationToken);
                await outbox.RecordPostAsync(session, WebhookEventTypes.PostOverdue, post with { OverdueAt = now }, new Dictionary<string, string?>
                {
                    ["dueAt"] = candidate.DueAt.UtcDateTime.ToString("O"),
                    ["overdueAt"] = now.UtcDateTime.ToString("O"),
                }, cancellationToken);
                return true;
            }, cancellationToken);
            if (fired)
            {
                raised++;
                logger.LogWarning("Post {PostId} is overdue: due at {DueAt:O}, still {Status}", candidate.PostId, candidate.DueAt, candidate.Status.ToWireName());
            }
        }
        return raised;
    }

    /// <summary>How many posts are overdue now (alarm fired or not) and the due time of the oldest, in every workspace.</summary>
    public Task<DueSummary> SummarizeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.OverdueAfter;
        return store.ReadAsync(s => s.Alarms.SummarizeOverdueAsync(cutoff, cancellationToken), cancellationToken);
    }
}
