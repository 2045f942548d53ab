using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;

namespace SocialMcp.Bench.Fanout;

/// <summary>
/// Experiment (<c>--worker streaming</c>), not the product: the scheduler loop without the batch barrier. It keeps up to
/// MaxConcurrentPosts posts in flight and claims the next due post as soon as one finishes, with the same claim statement
/// and the same <see cref="PostService.FireScheduledAsync"/> as <see cref="SchedulerWorker"/>. It measures what removing
/// the barrier would gain; the product's worker is left as it is.
/// </summary>
public sealed class StreamingSchedulerWorker(
    IStore store,
    PostService posts,
    SchedulerSignal signal,
    TimeProvider time,
    IOptions<SchedulingOptions> options,
    ILogger<StreamingSchedulerWorker> logger) : BackgroundService
{
    private readonly string _owner = $"bench-streaming/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.MaxConcurrentPosts);
        while (!stoppingToken.IsCancellationRequested)
        {
            var poked = signal.NextPoke;
            while (true)
            {
                await slots.WaitAsync(stoppingToken);
                var now = time.GetUtcNow();
                var claimed = await store.WriteAsync(
                    session => session.Posts.ClaimDueAsync(_owner, now, now + settings.LeaseDuration, stoppingToken), stoppingToken);
                if (claimed is null)
                {
                    slots.Release();
                    break;
                }
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await posts.FireScheduledAsync(claimed.WorkspaceId, claimed.PostId, _owner, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogError(ex, "Firing {PostId} failed", claimed.PostId);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None);
            }

            var at = time.GetUtcNow();
            var next = await store.ReadAsync(session => session.Posts.NextDueAtAsync(at, stoppingToken), stoppingToken);
            var delay = next is { } due
                ? TimeSpan.FromTicks(Math.Clamp((due - at).Ticks, TimeSpan.FromMilliseconds(10).Ticks, settings.RecheckInterval.Ticks))
                : settings.RecheckInterval;
            using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(Task.Delay(delay, time, sleeping.Token), poked);
            await sleeping.CancelAsync();
        }
    }
}

public static class ClaimIndexExperiment
{
    /// <summary>
    /// Experiment (<c>--claim-index</c>): an index that serves the claim's whole ORDER BY (scheduled_for, id), so a claim
    /// among thousands of posts due in the same second reads one row instead of sorting them all.
    /// </summary>
    public static async Task ApplyAsync(string databasePath, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath}");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE INDEX IF NOT EXISTS ix_bench_posts_due ON posts(status, scheduled_for, id);";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
