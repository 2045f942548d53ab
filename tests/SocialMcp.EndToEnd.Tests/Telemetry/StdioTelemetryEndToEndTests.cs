using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SocialMcp.EndToEnd.Tests.Telemetry;

/// <summary>
/// The real stdio server with OTLP export turned on: the spans and metrics of its tool calls reach a collector on loopback,
/// and stdout still carries JSON-RPC and nothing else — also when the collector cannot be reached and the exporter fails.
/// </summary>
public sealed class StdioTelemetryEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Exports quickly, so the test need not wait for the defaults (5 s for spans, 60 s for metrics).</summary>
    private static readonly Dictionary<string, string?> FastExport = new()
    {
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
    };

    public static TheoryData<string> Configurations => ["settings", "environment"];

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task ToolCallsThatPublish_ReachTheCollector_AndStdoutIsOnlyJsonRpc(string configuredBy)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var environment = new Dictionary<string, string?>(FastExport);
        if (configuredBy == "settings")
        {
            environment["SOCIALMCP_Telemetry__OtlpEndpoint"] = receiver.BaseAddress.AbsoluteUri;
            environment["SOCIALMCP_Telemetry__OtlpProtocol"] = "http/protobuf";
        }
        else
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.AbsoluteUri.TrimEnd('/');
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }

        var stdout = await RunServerAsync(environment, async client =>
        {
            await PublishAsync(client);
            await receiver.TracesArrived.WaitAsync(Patience);
            await receiver.MetricsArrived.WaitAsync(Patience);
        });

        AssertOnlyJsonRpc(stdout);
        var traces = receiver.Exports.Where(e => e.Signal == "traces").ToList();
        Assert.All(traces, e => Assert.Equal("application/x-protobuf", e.ContentType));
        Assert.All(traces, e => Assert.NotEmpty(e.Body));
        Assert.Contains(traces, e => e.Mentions("publish x"));
        Assert.Contains(traces, e => e.Mentions("socialmcp"));
        Assert.All(receiver.Exports.Where(e => e.Signal == "metrics"), e => Assert.Equal("application/x-protobuf", e.ContentType));
        Assert.Contains(receiver.Exports, e => e.Signal == "metrics" && e.Mentions("socialmcp.publish.outcomes"));
        // Neither a post's text nor a sandbox token went out.
        Assert.DoesNotContain(receiver.Exports, e => e.Mentions(PostText) || e.Mentions("sandbox-x-"));
    }

    [Fact]
    public async Task AnUnreachableCollector_NeverWritesToStdout()
    {
        // A port nothing listens on: every export fails, and the exporter's complaints must not reach stdout.
        var environment = new Dictionary<string, string?>(FastExport)
        {
            ["SOCIALMCP_Telemetry__OtlpEndpoint"] = "http://127.0.0.1:1",
            ["SOCIALMCP_Telemetry__OtlpProtocol"] = "http/protobuf",
        };

        var stdout = await RunServerAsync(environment, PublishAsync);

        AssertOnlyJsonRpc(stdout);
    }

    private const string PostText = "Exported but never quoted";

    private static async Task PublishAsync(McpClient client)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var created = await client.CallToolAsync("create_post", new Dictionary<string, object?>
        {
            ["content"] = new Dictionary<string, object?> { ["text"] = $"{PostText} {Guid.NewGuid():N}" },
            ["platforms"] = new[] { "x" },
        }, cancellationToken: timeout.Token);
        Assert.False(created.IsError == true, created.StructuredContent?.ToString());
        var id = created.StructuredContent!.Value.GetProperty("id").GetString();
        var published = await client.CallToolAsync("publish_post", new Dictionary<string, object?> { ["postId"] = id }, cancellationToken: timeout.Token);
        Assert.False(published.IsError == true, published.StructuredContent?.ToString());
        Assert.Equal("published", published.StructuredContent!.Value.GetProperty("status").GetString());
    }

    private static void AssertOnlyJsonRpc(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            using var message = JsonDocument.Parse(line);
            Assert.Equal("2.0", message.RootElement.GetProperty("jsonrpc").GetString());
        });
    }

    /// <summary>
    /// Runs the server over stdio on a fresh database, lets <paramref name="use"/> talk to it, closes its stdin and waits for
    /// it to exit (flushing its exporters); returns every byte it wrote to stdout.
    /// </summary>
    private static async Task<string> RunServerAsync(IDictionary<string, string?> environment, Func<McpClient, Task> use)
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-e2e-otel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--db", Path.Combine(directory, "e2e.db")])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        var stdout = new TeeStream(process.StandardOutput.BaseStream);
        try
        {
            var client = await ServerProcess.ConnectAsync(new StreamClientTransport(process.StandardInput.BaseStream, stdout));
            await using (client)
                await use(client);
            // Disposing the client closed stdin already, as a rule; closing again is harmless.
            try { process.StandardInput.Close(); } catch (ObjectDisposedException) { } catch (IOException) { }
            using var exit = new CancellationTokenSource(Patience);
            await process.WaitForExitAsync(exit.Token);
            // Whatever the server wrote after the client stopped reading (while shutting down) counts too.
            await stdout.DrainAsync();
            return stdout.Text;
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The server's stdout as the client reads it, with a copy of every byte kept for the test.</summary>
    private sealed class TeeStream(Stream inner) : Stream
    {
        private readonly MemoryStream _copy = new();

        public string Text
        {
            get { lock (_copy) return Encoding.UTF8.GetString(_copy.ToArray()); }
        }

        public async Task DrainAsync()
        {
            var buffer = new byte[4096];
            try
            {
                while (await ReadAsync(buffer) > 0)
                {
                }
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Keep(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Keep(buffer.Span[..read]);
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            await ReadAsync(buffer.AsMemory(offset, count), cancellationToken);

        private int Keep(ReadOnlySpan<byte> bytes)
        {
            lock (_copy)
                _copy.Write(bytes);
            return bytes.Length;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
