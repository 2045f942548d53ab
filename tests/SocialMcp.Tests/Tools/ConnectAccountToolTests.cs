using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.OAuth;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Tools;

/// <summary>
/// connect_account and what agents see of account health (list_accounts, health), through the real MCP server over
/// in-memory stdio with a fake connect flow: the plain answer, URL elicitation when the client declares it, the identity
/// choice, PLATFORM_NOT_CONFIGURED, and every result checked against the advertised output schema.
/// </summary>
public sealed class ConnectAccountToolTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ConnectAccount_PlainClientOverStdio_ReturnsTheUrlAndListensOnLoopbackForTheRedirect()
    {
        await using var server = await Harness.StartAsync();

        var started = await server.CallOkAsync("connect_account", """{"platform": "x"}""");

        Assert.Equal("pending", started.GetProperty("status").GetString());
        Assert.StartsWith("https://auth.example.test/x/authorize?", started.GetProperty("authorizationUrl").GetString());
        Assert.Equal(TestServices.Start + FakeConnectFlow.Lifetime, started.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.False(started.TryGetProperty("elicitation", out _));
        var request = Assert.Single(server.Flow.Started);
        Assert.Equal((ConnectChannel.Tool, "127.0.0.1", "/oauth/callback/x"), (request.Channel, request.RedirectUri.Host, request.RedirectUri.AbsolutePath));

        // The person's browser comes back to the stdio server's own loopback listener.
        var connectionId = started.GetProperty("connectionId").GetString()!;
        using var browser = new HttpClient();
        using var page = await browser.GetAsync($"{request.RedirectUri}?state={server.Flow.StateOf(connectionId)}&code=tool-code", Ct);
        var done = await server.CallOkAsync("connect_account", $$"""{"connectionId": "{{connectionId}}"}""");

        Assert.Equal("connected", done.GetProperty("status").GetString());
        Assert.Equal("brand", done.GetProperty("account").GetProperty("handle").GetString());
        Assert.False(done.GetProperty("renewed").GetBoolean());
        Assert.Contains("Connected @brand (x)", done.GetProperty("summary").GetString());
        Assert.DoesNotContain("tool-code", done.GetRawText());
    }

    [Fact]
    public async Task ConnectAccount_PublicBaseUrlSet_UsesTheServersCallback()
    {
        await using var server = await Harness.StartAsync(new() { ["OAuth:PublicBaseUrl"] = "https://social.example.test/base/" });

        await server.CallOkAsync("connect_account", """{"platform": "linkedin"}""");

        Assert.Equal(new Uri("https://social.example.test/base/oauth/callback/linkedin"), Assert.Single(server.Flow.Started).RedirectUri);
    }

    [Fact]
    public async Task ConnectAccount_ClientSupportsUrlElicitation_AsksItToOpenTheUrlThenReportsTheAccount()
    {
        ElicitRequestParams? asked = null;
        Harness? harness = null;
        await using var server = harness = await Harness.StartAsync(elicit: async (request, ct) =>
        {
            asked = request;
            // The person signs in while the client shows the page; the redirect lands before they press done.
            var connectionId = request!.ElicitationId!;
            await harness!.Flow.CompleteAsync(Platform.X, harness.Flow.StateOf(connectionId), "elicited-code", null, null, ct);
            return new ElicitResult { Action = "accept" };
        });

        var result = await server.CallOkAsync("connect_account", """{"platform": "x"}""");

        Assert.Equal("url", asked!.Mode);
        Assert.StartsWith("https://auth.example.test/x/authorize?", asked.Url);
        Assert.Equal("connected", result.GetProperty("status").GetString());
        Assert.Equal("accept", result.GetProperty("elicitation").GetString());
        Assert.Equal("brand", result.GetProperty("account").GetProperty("handle").GetString());
        Assert.False(result.TryGetProperty("authorizationUrl", out _));
    }

    [Fact]
    public async Task ConnectAccount_ElicitationDeclined_StillPendingWithTheUrl()
    {
        await using var server = await Harness.StartAsync(elicit: (_, _) => ValueTask.FromResult(new ElicitResult { Action = "decline" }));

        var result = await server.CallOkAsync("connect_account", """{"platform": "x"}""");

        Assert.Equal("pending", result.GetProperty("status").GetString());
        Assert.Equal("decline", result.GetProperty("elicitation").GetString());
        Assert.True(result.TryGetProperty("authorizationUrl", out _));
    }

    [Fact]
    public async Task ConnectAccount_SeveralIdentities_ChoiceRequiredThenIdentityIdConnectsIt()
    {
        await using var server = await Harness.StartAsync();
        var started = await server.CallOkAsync("connect_account", """{"platform": "facebook"}""");
        var connectionId = started.GetProperty("connectionId").GetString()!;
        await server.Flow.CompleteAsync(Platform.Facebook, server.Flow.StateOf(connectionId), "several-code", null, null, Ct);

        var choice = await server.CallOkAsync("connect_account", $$"""{"connectionId": "{{connectionId}}"}""");
        var chosen = await server.CallOkAsync("connect_account", $$"""{"connectionId": "{{connectionId}}", "identityId": "page-2"}""");

        Assert.Equal("choice_required", choice.GetProperty("status").GetString());
        Assert.Equal(["page-1", "page-2"], choice.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("identityId").GetString()));
        Assert.Contains("identityId", choice.GetProperty("summary").GetString());
        Assert.Equal("connected", chosen.GetProperty("status").GetString());
        Assert.Equal("cafe", chosen.GetProperty("account").GetProperty("handle").GetString());
    }

    [Fact]
    public async Task ConnectAccount_PlatformWithoutCredentials_PlatformNotConfiguredNamingTheSettings()
    {
        await using var server = await Harness.StartAsync();
        server.OAuth.NotConfigured.Add(Platform.TikTok);

        var error = await server.CallFailingAsync("connect_account", """{"platform": "tiktok"}""");

        Assert.Equal(ErrorCodes.PlatformNotConfigured, error.GetProperty("code").GetString());
        Assert.Contains("Platforms:tiktok:ClientId", error.GetProperty("message").GetString());
        Assert.Contains("Platforms:tiktok:ClientSecret", error.GetProperty("message").GetString());
        Assert.Empty(server.Flow.Started);
    }

    [Theory]
    [InlineData("""{}""", ErrorCodes.ValidationFailed)]
    [InlineData("""{"identityId": "page-1"}""", ErrorCodes.ValidationFailed)]
    [InlineData("""{"platform": "x", "connectionId": "conn-1"}""", ErrorCodes.ValidationFailed)]
    [InlineData("""{"connectionId": "conn-404"}""", ErrorCodes.ConnectExpired)]
    public async Task ConnectAccount_WrongForm_CodedError(string arguments, string code)
    {
        await using var server = await Harness.StartAsync();

        var error = await server.CallFailingAsync("connect_account", arguments);

        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ListAccountsAndHealth_AccountThatNeedsReconnecting_ShownWithReconnectUrl()
    {
        await using var server = await Harness.StartAsync(new() { ["OAuth:PublicBaseUrl"] = "https://social.example.test" });
        var account = await server.InsertRealAccountAsync(expiresAt: TestServices.Start.AddDays(-1));

        var list = await server.CallOkAsync("list_accounts", """{"platform": "x"}""");
        var health = await server.CallOkAsync("health", "{}");

        var real = list.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("id").GetString() == account.Id);
        Assert.Equal("reconnect_required", real.GetProperty("tokenHealth").GetString());
        Assert.StartsWith("https://social.example.test/oauth/connect/", real.GetProperty("reconnectUrl").GetString());
        Assert.Contains("1 needs reconnecting", list.GetProperty("summary").GetString());
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        var accounts = health.GetProperty("accounts");
        Assert.Equal(1, accounts.GetProperty("reconnectRequired").GetInt32());
        Assert.Equal(account.Id, accounts.GetProperty("attention").EnumerateArray().Single().GetProperty("id").GetString());
    }

    [Fact]
    public async Task ListAccounts_WithoutPublicBaseUrl_NoReconnectUrl()
    {
        await using var server = await Harness.StartAsync();
        var account = await server.InsertRealAccountAsync(expiresAt: null);

        var list = await server.CallOkAsync("list_accounts", "{}");

        var real = list.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("id").GetString() == account.Id);
        Assert.Equal("healthy", real.GetProperty("tokenHealth").GetString());
        Assert.False(real.TryGetProperty("reconnectUrl", out _));
    }

    /// <summary>The server as <c>socialmcp serve</c> builds it, with the fake connect flow and app credentials, over in-memory stdio.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly string _directory;
        private readonly Dictionary<string, JsonElement> _outputSchemas;

        private Harness(IHost host, McpClient client, string directory, Dictionary<string, JsonElement> outputSchemas)
        {
            _host = host;
            Client = client;
            _directory = directory;
            _outputSchemas = outputSchemas;
        }

        public McpClient Client { get; }
        public FakeConnectFlow Flow => (FakeConnectFlow)_host.Services.GetRequiredService<IAccountConnectFlow>();
        public FakePlatformOAuth OAuth => (FakePlatformOAuth)_host.Services.GetRequiredService<IPlatformOAuth>();

        public static async Task<Harness> StartAsync(Dictionary<string, string?>? settings = null,
            Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit = null)
        {
            var directory = Path.Combine(Path.GetTempPath(), "socialmcp-connect-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var clock = new FakeTimeProvider(TestServices.Start);
            var (clientToServer, serverToClient) = (new Pipe(), new Pipe());
            var overrides = new Dictionary<string, string?>
            {
                ["Storage:Path"] = Path.Combine(directory, "connect.db"),
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in settings ?? [])
                overrides[key] = value;

            var builder = SocialMcpHost.CreateBuilder(overrides);
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton<IAccountConnectFlow>(sp => new FakeConnectFlow(sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<IPlatformOAuth, FakePlatformOAuth>();
            // As serve does: health is only ok with the scheduler's worker running.
            builder.Services.AddSocialScheduler();
            builder.Services.AddSocialMcpServer().WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
            var host = builder.Build();
            await host.Services.InitializeStoreAsync(Ct);
            await host.StartAsync(Ct);

            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "connect-tests", Version = "1.0" },
                DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
            };
            if (elicit is not null)
            {
                options.Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Url = new UrlElicitationCapability() } };
                options.Handlers = new McpClientHandlers { ElicitationHandler = elicit };
            }
            var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()), options, cancellationToken: Ct);
            var schemas = (await client.ListToolsAsync(cancellationToken: Ct)).ToDictionary(t => t.Name, t => t.ProtocolTool.OutputSchema!.Value);
            return new Harness(host, client, directory, schemas);
        }

        /// <summary>Calls a tool; fails on a tool error or on a result that does not match the advertised output schema.</summary>
        public async Task<JsonElement> CallOkAsync(string tool, string argumentsJson)
        {
            var result = await CallAsync(tool, argumentsJson);
            Assert.False(result.IsError == true, $"{tool} failed: {result.StructuredContent}");
            return result.StructuredContent!.Value;
        }

        public async Task<JsonElement> CallFailingAsync(string tool, string argumentsJson)
        {
            var result = await CallAsync(tool, argumentsJson);
            Assert.True(result.IsError, $"{tool} succeeded: {result.StructuredContent}");
            return result.StructuredContent!.Value.GetProperty("error");
        }

        private async Task<CallToolResult> CallAsync(string tool, string argumentsJson)
        {
            var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var result = await Client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
            var structured = result.StructuredContent ?? throw new Xunit.Sdk.XunitException($"{tool} returned no structuredContent");
            Assert.Empty(Schema.JsonSchema.Compile(_outputSchemas[tool]).Validate(structured));
            return result;
        }

        public Task<Account> InsertRealAccountAsync(DateTimeOffset? expiresAt) =>
            _host.Services.GetRequiredService<IStore>().WriteAsync(async session =>
            {
                var set = (await session.PlatformSets.GetDefaultAsync(LocalWorkspace.Id, Ct))!;
                var brand = new PlatformSet(Guid.NewGuid().ToString(), LocalWorkspace.Id, "Brand", false, TestServices.Start);
                await session.PlatformSets.InsertAsync(brand, Ct);
                var account = new Account
                {
                    Id = Guid.NewGuid().ToString(),
                    WorkspaceId = LocalWorkspace.Id,
                    PlatformSetId = brand.Id,
                    Platform = Platform.X,
                    Handle = "brand",
                    PlatformAccountId = "pa-brand",
                    TokenExpiresAt = expiresAt,
                    IsSandbox = false,
                    Metadata = JsonSerializer.SerializeToElement(new { }),
                    CreatedAt = TestServices.Start,
                    UpdatedAt = TestServices.Start,
                };
                await session.Accounts.InsertAsync(account, Ct);
                return account;
            }, Ct);

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await _host.StopAsync();
            _host.Dispose();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }
}
