using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;
using SocialMcp.Core.Storage;

namespace SocialMcp.Core.Publishing;

/// <summary>Keeps a post's publishing lease alive: renews it every third of its duration while the post is being published.</summary>
public sealed class LeaseKeeper(IStore store, IOptions<SchedulingOptions> scheduling, TimeProvider time, ILogger<LeaseKeeper> logger)
{
    /// <summary>Starts renewing; disposing the result stops it (the lease itself is released by the finish transaction).</summary>
    public IAsyncDisposable StartHeartbeat(string postId, string owner)
    {
        var duration = scheduling.Value.LeaseDuration;
        return new LeaseHeartbeat(duration / 3, time, async stop =>
        {
            try
            {
                if (!await store.WriteAsync(session => session.Posts.RenewLeaseAsync(postId, owner, time.GetUtcNow() + duration, stop), stop))
                    logger.LogWarning("The lease on post {PostId} was taken over while {Owner} was publishing it", postId, owner);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Renewing the lease on post {PostId} failed; trying again", postId);
            }
        });
    }
}

/// <summary>
/// Runs <c>renew</c> every <c>interval</c> (on the injected clock) until disposed, so a slow publish (a video, a wait
/// for a rate limit) is not mistaken for a dead one.
/// </summary>
internal sealed class LeaseHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseHeartbeat(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> renew) =>
        _loop = RunAsync(interval, time, renew, _stop.Token);

    private static async Task RunAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> renew, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, stop);
                await renew(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
