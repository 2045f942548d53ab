using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Waits for a platform's rate-limit or quota reset, or an account's daily cap, on the injected clock — when the wait still
/// fits before the post's deadline and it has not waited Scheduling:MaxLimitWaits times already. Each wait is an event, a
/// change notification and a progress step, so an agent watching sees why nothing is happening.
/// </summary>
public sealed class LimitWaiter(
    TargetRecorder recorder, IPostChangeNotifier changeNotifier, IOptions<SchedulingOptions> scheduling, TimeProvider time, ILogger<LimitWaiter> logger)
{
    /// <summary>Whether to wait until <paramref name="resetAt"/> (null: the platform gave no time to come back) after <paramref name="waits"/> waits.</summary>
    public bool ShouldWait(DateTimeOffset? resetAt, DateTimeOffset deadline, int waits) =>
        resetAt is { } until && until <= deadline && waits < scheduling.Value.MaxLimitWaits;

    public async Task WaitAsync(Post post, PostTarget target, DateTimeOffset until, string reason,
        IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        await recorder.AppendEventAsync(post, target, "target_waiting", target.Status, $"until={until:O} reason={reason}", cancellationToken);
        changeNotifier.PostChanged(post.WorkspaceId, post.Id);
        var message = $"{target.Platform.ToWireName()}: waiting until {until:O} — {reason}.";
        logger.LogInformation("Post {PostId} on {Platform} waits until {Until}: {Reason}", post.Id, target.Platform.ToWireName(), until, reason);
        progress?.Report(new PublishProgress(null, null, target, message));
        var delay = until - time.GetUtcNow();
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, time, cancellationToken);
    }
}
