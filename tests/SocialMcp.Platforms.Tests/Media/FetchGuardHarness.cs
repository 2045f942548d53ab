using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Media;
using SocialMcp.Platforms.Media;

namespace SocialMcp.Platforms.Tests.Media;

/// <summary>Maps names to addresses without DNS, and counts look-ups.</summary>
internal sealed class FakeResolver(IDictionary<string, string[]> names) : IHostResolver
{
    private int _lookups;
    public int Lookups => Volatile.Read(ref _lookups);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        return Task.FromResult(names.TryGetValue(host, out var found) ? found.Select(IPAddress.Parse).ToArray() : []);
    }
}

/// <summary>The fetcher as registered in production, with a fake resolver, settings and clock.</summary>
internal sealed class FetchGuardHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public FetchGuardHarness(IDictionary<string, string[]>? names = null, string[]? allowedHosts = null, TimeProvider? time = null,
        IDictionary<string, string?>? settings = null)
    {
        Resolver = new FakeResolver(names ?? new Dictionary<string, string[]>());
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < (allowedHosts ?? []).Length; i++)
            values[$"Media:AllowedHosts:{i}"] = allowedHosts![i];
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddSingleton<IHostResolver>(Resolver)
            .AddSingleton(time ?? TimeProvider.System)
            .AddGuardedMediaFetcher()
            .BuildServiceProvider();
    }

    public FakeResolver Resolver { get; }
    public IMediaFetcher Fetcher => _services.GetRequiredService<IMediaFetcher>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
