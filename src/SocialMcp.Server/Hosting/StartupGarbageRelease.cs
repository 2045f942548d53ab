using System.Runtime;
using Microsoft.Extensions.Hosting;

namespace SocialMcp.Server.Hosting;

/// <summary>
/// Start-up allocates tens of megabytes that are garbage once the server is ready (schema compilation, migrations,
/// DI and SDK set-up), and an idle server may not collect for hours, so that garbage stays resident. One aggressive,
/// compacting collection just after start-up returns it to the OS: idle RSS is what the server uses, not what it used
/// to start (bench/results/before-after-issues-10-11.md). It runs on the thread pool, after the first request can be served.
/// </summary>
internal sealed class StartupGarbageRelease(IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }, null));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
