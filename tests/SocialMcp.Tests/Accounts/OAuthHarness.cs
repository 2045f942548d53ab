using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Accounts;

/// <summary>
/// The real domain and SQLite store with <see cref="FakePlatformOAuth"/> as every platform's token endpoint. A second
/// harness made with <see cref="CreateSecondProcessAsync"/> shares the database file, the key ring and the platform — two
/// processes on one machine.
/// </summary>
public sealed class OAuthHarness : IAsyncDisposable
{
    public const string Ws = LocalWorkspace.Id;
    public static readonly Uri Callback = new("https://social.example/oauth/callback/x");
    private static readonly CancellationToken Ct = CancellationToken.None;

    private OAuthHarness(TestServices services, FakePlatformOAuth platform)
    {
        Services = services;
        Platform = platform;
    }

    public TestServices Services { get; }
    public FakePlatformOAuth Platform { get; }
    public WatchedFakeTimeProvider Clock => Services.Clock;
    public IAccountConnectFlow Flow => Services.Get<IAccountConnectFlow>();
    public AccountTokenRefresher Refresher => Services.Get<AccountTokenRefresher>();
    public ITokenCipher Cipher => Services.Get<ITokenCipher>();

    public static async Task<OAuthHarness> CreateAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, FakePlatformOAuth? platform = null)
    {
        var keys = Path.Combine(Path.GetTempPath(), "socialmcp-keys-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string?> { ["Tokens:KeysDirectory"] = keys, ["OAuth:BackgroundRefresh"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        FakePlatformOAuth? made = platform;
        var services = await TestServices.CreateInitializedAsync(all, s =>
        {
            s.AddSingleton<IPlatformOAuth>(sp => made ??= new FakePlatformOAuth(sp.GetRequiredService<TimeProvider>()));
            configure?.Invoke(s);
        });
        return new OAuthHarness(services, (FakePlatformOAuth)services.Get<IPlatformOAuth>());
    }

    /// <summary>Another process on the same database, key ring and platform, with its own clock (moved together by the test).</summary>
    public Task<OAuthHarness> CreateSecondProcessAsync() => CreateAsync(new Dictionary<string, string?>
    {
        ["Storage:Path"] = Services.DatabasePath,
        ["Storage:ConnectionString"] = Services.ConnectionString,
        ["Tokens:KeysDirectory"] = Services.Get<Microsoft.Extensions.Configuration.IConfiguration>()["Tokens:KeysDirectory"],
    }, platform: Platform);

    /// <summary>Connects through the whole flow (start, the platform's redirect) and returns the stored account.</summary>
    public async Task<ConnectResult> ConnectAsync(Platform platform, string? setName = "Real", string? setId = null)
    {
        var started = await Flow.StartAsync(new ConnectRequest
        {
            WorkspaceId = Ws,
            Platform = platform,
            PlatformSetName = setName,
            PlatformSetId = setId,
            RedirectUri = Callback,
            Channel = ConnectChannel.Link,
        }, Ct);
        var state = FakePlatformOAuth.StateOf(started.AuthorizationUrl);
        return await Flow.CompleteAsync(platform, state, Platform.CodeFor(state), null, null, Ct);
    }

    public async Task<Account> ConnectedAccountAsync(Platform platform, string? setName = "Real")
    {
        var result = await ConnectAsync(platform, setName);
        Assert.Equal(ConnectStatus.Connected, result.Status);
        return result.Account!;
    }

    public Task<Account> ReadAccountAsync(string accountId) =>
        Services.Store.ReadAsync(async s => (await s.Accounts.GetByIdAsync(accountId, Ct))!, Ct);

    /// <summary>Every text value in every table of the database, for looking for secrets stored in plain.</summary>
    public async Task<IReadOnlyList<string>> AllStoredTextAsync()
    {
        await using var connection = await Services.OpenConnectionAsync();
        var tables = (await connection.QueryAsync<string>(TestServices.OnPostgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE';"
            : "SELECT name FROM sqlite_master WHERE type = 'table';")).ToList();
        Assert.NotEmpty(tables);
        var values = new List<string>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\";";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is string text)
                        values.Add(text);
                }
            }
        }
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        var keys = Services.Get<Microsoft.Extensions.Configuration.IConfiguration>()["Tokens:KeysDirectory"];
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { if (keys is not null) Directory.Delete(keys, recursive: true); } catch (IOException) { }
    }
}
