using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Scheduling;
using SocialMcp.Server.Access;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Http;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Http.Tests.Support;

/// <summary>
/// The HTTP server wired as <c>socialmcp serve --http</c> wires it, in-process on an ephemeral loopback port, with a
/// fresh SQLite file in a temp directory, the test authentication scheme and <see cref="TestGate"/> (or real API keys)
/// and a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string Accept = "application/json, text/event-stream";

    private readonly WebApplication _app;

    private TestServer(WebApplication app, string directory, Uri baseAddress, FakeTimeProvider clock, TestGate gate, ConcurrentQueue<ClaimsPrincipal?> users)
    {
        _app = app;
        Directory = directory;
        BaseAddress = baseAddress;
        Clock = clock;
        Gate = gate;
        UsersSeenByListTools = users;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "http.db");
    public Uri BaseAddress { get; }
    public Uri McpEndpoint => new(BaseAddress, "/mcp");
    public FakeTimeProvider Clock { get; }
    public TestGate Gate { get; }
    public HttpClient Http { get; }
    internal McpHttpSessions Sessions => _app.Services.GetRequiredService<McpHttpSessions>();

    /// <summary>The principal each tools/list request carried into the MCP server (RequestContext.User).</summary>
    public ConcurrentQueue<ClaimsPrincipal?> UsersSeenByListTools { get; }

    /// <param name="apiKeys">Use the real API-key gate (as <c>serve --http</c> does) instead of the test gate.</param>
    /// <param name="configureServer">Adds to the MCP server, as <c>SocialMcpCommandLine.Build</c>'s hook does (e.g. a test tool).</param>
    /// <param name="configureServices">Adds or replaces services after the server's own, e.g. a domain part that fails.</param>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null, bool apiKeys = false,
        Action<IMcpServerBuilder>? configureServer = null, Action<IServiceCollection>? configureServices = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-http-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var overrides = new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(directory, "http.db"),
            ["Http:Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        // Most tests post lone requests without a session, as a stateless server takes them; a test of sessions (or of
        // the product's hybrid default) names the mode it wants.
        if (settings is null || !settings.Keys.Any(k => k is "Http:SessionMode" or "Http:Stateful"))
            overrides["Http:SessionMode"] = "Stateless";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            overrides[key] = value;

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var gate = new TestGate();
        var users = new ConcurrentQueue<ClaimsPrincipal?>();

        var builder = SocialMcpHost.CreateWebBuilder(overrides);
        builder.Services.AddSingleton<TimeProvider>(clock);
        if (apiKeys)
        {
            builder.Services.AddApiKeyAccess();
        }
        else
        {
            builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
            builder.Services.AddSingleton<IMcpRequestAdmission>(gate);
        }
        var mcpServer = builder.Services.AddSocialMcpServer().WithRequestFilters(filters => filters.AddListToolsFilter(next => (context, cancellationToken) =>
        {
            users.Enqueue(context.User);
            return next(context, cancellationToken);
        }));
        configureServer?.Invoke(mcpServer);
        builder.Services.AddSocialMcpHttp();
        // As serve --http: the scheduler's health check is only healthy with the worker running.
        builder.Services.AddSocialScheduler();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapSocialMcp();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.Services.InitializeStoreAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        var baseAddress = new Uri(app.Urls.Single());
        return new TestServer(app, directory, baseAddress, clock, gate, users);
    }

    /// <summary>The C# SDK client over streamable HTTP.</summary>
    public async Task<McpClient> ConnectAsync(string? protocolVersion = null, string? apiKey = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = apiKey is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + apiKey },
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "socialmcp-http-tests", Version = "1.0" },
            // A loaded machine can take longer than the SDK's 5 s discover probe to start a server; the probe timing out would
            // silently fall back to the initialize handshake and test the wrong revision. The overall timeout still applies.
            DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
            ProtocolVersion = protocolVersion,
        }, cancellationToken: timeout.Token);
    }

    /// <summary>A POST to /mcp as a streamable HTTP client sends it, with the body as given.</summary>
    public HttpRequestMessage Post(string body, string? key = null, string? sessionId = null, string? protocolVersion = "2025-06-18",
        string accept = Accept, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        AddCommonHeaders(request, key, sessionId, protocolVersion);
        return request;
    }

    public HttpRequestMessage Request(HttpMethod method, string? key = null, string? sessionId = null, string? protocolVersion = "2025-06-18")
    {
        var request = new HttpRequestMessage(method, "/mcp");
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        AddCommonHeaders(request, key, sessionId, protocolVersion);
        return request;
    }

    private static void AddCommonHeaders(HttpRequestMessage request, string? key, string? sessionId, string? protocolVersion)
    {
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (sessionId is not null)
            request.Headers.Add("Mcp-Session-Id", sessionId);
        if (protocolVersion is not null)
            request.Headers.Add("MCP-Protocol-Version", protocolVersion);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Http.SendAsync(request, timeout.Token);
    }

    /// <summary>Opens a stateful session with initialize + notifications/initialized; returns its id.</summary>
    public async Task<string> InitializeSessionAsync(string? key = null)
    {
        using var response = await SendAsync(Post(JsonRpc.Initialize(1), key, protocolVersion: null));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var sessionId = Assert.Single(response.Headers.GetValues("Mcp-Session-Id"));
        var message = await JsonRpc.ReadSseMessageAsync(response);
        Assert.Equal("2025-06-18", message.GetProperty("result").GetProperty("protocolVersion").GetString());

        using var initialized = await SendAsync(Post(JsonRpc.Notification("notifications/initialized"), key, sessionId));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, initialized.StatusCode);
        return sessionId;
    }

    /// <summary>The server's own services (workspaces, keys, store), as the CLI would use them.</summary>
    public IServiceProvider Services => _app.Services;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>JSON-RPC bodies and SSE responses, written out as a client would.</summary>
public static class JsonRpc
{
    public static string Initialize(int id) => Request(id, "initialize",
        """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw-http","version":"1"}}""");

    public static string Request(int id, string method, string paramsJson = "{}") =>
        $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{paramsJson}}}""";

    /// <summary>A request as a 2026-07-28 client sends it: the revision and the client's capabilities in <c>params._meta</c>.</summary>
    public static string PerRequest(int id, string method, string paramsMembers = "") => Request(id, method,
        "{" + paramsMembers + (paramsMembers.Length > 0 ? ", " : "")
        + """ "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}}""");

    public static string Notification(string method) => $$"""{"jsonrpc":"2.0","method":"{{method}}"}""";

    /// <summary>The first JSON-RPC message of an SSE response body.</summary>
    public static async Task<JsonElement> ReadSseMessageAsync(HttpResponseMessage response)
    {
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var data = body.Split('\n').First(line => line.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        return JsonDocument.Parse(data).RootElement.Clone();
    }

    /// <summary>The JSON-RPC error body of a refused request.</summary>
    public static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        return root.GetProperty("error");
    }
}
