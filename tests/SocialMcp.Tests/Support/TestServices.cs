using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using SocialMcp.Core;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Storage;
using SocialMcp.Storage.Sqlite;

namespace SocialMcp.Tests.Support;

/// <summary>
/// The real domain, SQLite store and sandbox publisher over a fresh database file in a temp directory,
/// with a manual clock. Dispose deletes the directory.
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    /// <param name="configure">Extra registrations after the defaults (e.g. an <c>ISandboxApi</c> so sandbox accounts publish through the emulator).</param>
    public TestServices(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "socialmcp-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "test.db");
        Clock = new WatchedFakeTimeProvider(Start);

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Path"] = DatabasePath })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddProvider(NullLoggerProvider.Instance));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSocialCore();
        services.AddSocialStorage();
        services.AddPlatformPublishers();
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider();
    }

    public string Directory { get; }
    public string DatabasePath { get; }
    public WatchedFakeTimeProvider Clock { get; }
    public IServiceProvider Services => _provider;
    public IStore Store => Get<IStore>();
    public SandboxPublisher Sandbox => Get<SandboxPublisher>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public static async Task<TestServices> CreateInitializedAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var services = new TestServices(settings, configure);
        await services.Get<MigrationRunner>().ApplyAsync(CancellationToken.None);
        await services.Get<LocalWorkspace>().EnsureCreatedAsync(CancellationToken.None);
        return services;
    }

    public Task<Account> AccountAsync(Platform platform) => Store.ReadAsync(async s =>
        (await s.Accounts.ListAsync(LocalWorkspace.Id, platform, null, CancellationToken.None)).Single(), CancellationToken.None);

    /// <summary>Makes the sandbox account of a platform fail publishes (and/or withdraws) with the given code.</summary>
    public async Task MakeSandboxFailAsync(Platform platform, string? publishCode, string? withdrawCode = null)
    {
        var account = await AccountAsync(platform);
        var metadata = JsonSerializer.Serialize(new { sandbox = new { failPublish = publishCode, failWithdraw = withdrawCode } });
        await Store.WriteAsync(s => s.Accounts.UpdateMetadataAsync(LocalWorkspace.Id, account.Id, metadata, Clock.GetUtcNow(), CancellationToken.None),
            CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
