using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SocialMcp.Server.Hosting;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Tests.Support;

/// <summary>
/// The server as <c>socialmcp serve</c> builds it (same host, same MCP set-up), with its stdio swapped for two in-memory
/// pipes, a fresh SQLite file in a temp directory and a manual clock; <see cref="Client"/> is the SDK's client on the
/// other end. Every call goes through JSON-RPC, the call filter and the tool as a real client's would.
/// </summary>
public sealed class InProcessMcpServer : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessMcpServer(IHost host, McpClient client, string directory, FakeTimeProvider clock)
    {
        _host = host;
        Client = client;
        Directory = directory;
        Clock = clock;
    }

    public McpClient Client { get; }
    public string Directory { get; }
    public FakeTimeProvider Clock { get; }
    public IServiceProvider Services => _host.Services;

    /// <param name="settings">Configuration on top of the test defaults (e.g. Media:MaxInlineBytes).</param>
    /// <param name="configure">Extra registrations after the host's own (e.g. a fake IMediaFetcher).</param>
    public static async Task<InProcessMcpServer> StartAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-inproc-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var clock = new FakeTimeProvider(TestServices.Start);
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();

        var overrides = new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(directory, "inproc.db"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            overrides[key] = value;
        var builder = SocialMcpHost.CreateBuilder(overrides);
        builder.Services.AddSingleton<TimeProvider>(clock);
        configure?.Invoke(builder.Services);
        builder.Services.AddSocialMcpServer().WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
        var host = builder.Build();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.Services.InitializeStoreAsync(timeout.Token);
        await host.StartAsync(timeout.Token);
        var client = await McpClient.CreateAsync(
            new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
            new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "socialmcp-inproc-tests", Version = "1.0" },
                // A loaded machine can be slower than the SDK's discover probe; without this it would fall back silently.
                DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
            },
            cancellationToken: timeout.Token);
        return new InProcessMcpServer(host, client, directory, clock);
    }

    /// <summary>Calls a tool with arguments written as JSON; fails the test on a tool error; returns the whole result.</summary>
    public async Task<CallToolResult> CallOkAsync(string tool, string argumentsJson)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await Client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
        Assert.False(result.IsError == true, $"{tool} failed: {result.StructuredContent}");
        Assert.NotNull(result.StructuredContent);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
