using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Scheduling;

/// <summary>
/// Bounds how many targets are published at once per account (<c>Scheduling:MaxConcurrentPerAccount</c>) and per
/// platform (<c>Scheduling:MaxConcurrentPerPlatform</c>), for every publish: the scheduler's and publish_post's.
/// </summary>
public sealed class PublishConcurrency(IOptions<SchedulingOptions> options)
{
    private readonly ConcurrentDictionary<Platform, SemaphoreSlim> _platforms = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _accounts = new(StringComparer.Ordinal);

    /// <summary>Waits for a slot of the account, then of its platform; dispose the result to give both back.</summary>
    public async Task<IDisposable> EnterAsync(Platform platform, string accountId, CancellationToken cancellationToken)
    {
        // Account first: a post waiting for its busy account must not hold a platform slot other accounts could use.
        var account = _accounts.GetOrAdd(accountId, _ => new SemaphoreSlim(options.Value.MaxConcurrentPerAccount));
        await account.WaitAsync(cancellationToken);
        var perPlatform = _platforms.GetOrAdd(platform, _ => new SemaphoreSlim(options.Value.MaxConcurrentPerPlatform));
        try
        {
            await perPlatform.WaitAsync(cancellationToken);
        }
        catch
        {
            account.Release();
            throw;
        }
        return new Slot(account, perPlatform);
    }

    private sealed class Slot(SemaphoreSlim account, SemaphoreSlim platform) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            platform.Release();
            account.Release();
        }
    }
}
