using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Emulator;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Adapters;

namespace SocialMcp.Platforms.Tests.Support;

/// <summary>
/// An adapter wired as in production (HttpClient factory, resilience handler, token vault), pointed at a fresh
/// emulator on an ephemeral loopback port. Settings default to fast, deterministic values: zero poll interval and
/// zero backoff, so no test waits on a real clock; tests of waits pass a <see cref="FakeTimeProvider"/> (a <see cref="WatchedFakeTimeProvider"/> when they must see the wait start).
/// </summary>
public sealed class AdapterHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private AdapterHarness(ServiceProvider services, PlatformEmulator emulator, Platform platform)
    {
        _services = services;
        Emulator = emulator;
        Platform = platform;
    }

    public PlatformEmulator Emulator { get; }
    public Platform Platform { get; }
    public IPlatformPublisher Adapter => _services.GetServices<PlatformAdapter>().Single(a => a.Platform == Platform);

    /// <summary>The services the adapters were built from (e.g. to build a sandbox publisher over the same adapters).</summary>
    public IServiceProvider Services => _services;

    public static async Task<AdapterHarness> StartAsync(Platform platform, TimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        var clock = time ?? TimeProvider.System;
        var emulator = await PlatformEmulator.StartAsync(time: clock, platforms: [platform]);
        var name = platform.ToWireName();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"Platforms:{name}:PollInterval"] = "00:00:00",
                [$"Platforms:{name}:RetryBaseDelay"] = "00:00:00",
                [$"Platforms:{name}:AttemptTimeout"] = "00:00:10",
                ["Tokens:KeysDirectory"] = Path.Combine(Path.GetTempPath(), "socialmcp-keys-tests"),
                // The emulator serves test media on loopback, which the fetch guard refuses unless allow-listed.
                ["Media:AllowedHosts:0"] = "127.0.0.1",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(clock)
            .AddPlatformPublishers()
            .BuildServiceProvider();
        return new AdapterHarness(services, emulator, platform);
    }

    /// <summary>A connected account whose token the emulator issued and whose API root is the emulator.</summary>
    public Account Account(string handle = "tester", TimeSpan? tokenLifetime = null, object? extraMetadata = null)
    {
        var token = Emulator.State.IssueToken(Platform, "acct-" + handle, handle, tokenLifetime);
        var metadata = new Dictionary<string, object?> { ["apiBaseUrl"] = Emulator.BaseUrlOf(Platform).AbsoluteUri };
        if (extraMetadata is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extraMetadata).EnumerateObject())
                metadata[property.Name] = property.Value;
        }
        var now = DateTimeOffset.UtcNow;
        return new Account
        {
            Id = Guid.NewGuid().ToString(),
            WorkspaceId = "ws",
            PlatformSetId = "set",
            Platform = Platform,
            Handle = handle,
            PlatformAccountId = "acct-" + handle,
            TokenReference = "sandbox:" + token.Token,
            IsSandbox = false,
            Metadata = JsonSerializer.SerializeToElement(metadata),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public static PublishRequest Request(Account account, string text, IReadOnlyList<MediaItem>? media = null, object? settings = null,
        string? linkUrl = null, IPublishHandles? handles = null) =>
        new PublishRequest
        {
            PostId = Guid.NewGuid().ToString(),
            Platform = account.Platform,
            Account = account,
            Text = text,
            Media = media ?? [],
            LinkUrl = linkUrl,
            Settings = settings is null ? null : JsonSerializer.SerializeToElement(settings),
            Attempt = 1,
            Handles = handles ?? new InMemoryPublishHandles(),
        };

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
