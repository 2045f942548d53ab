using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocialMcp.Platforms.Tests.Media;

/// <summary>
/// A tiny raw TCP server on 127.0.0.1 and an ephemeral port: it reads one request head and answers with whatever
/// <c>respond</c> returns for the request path (raw bytes, so a test can send garbage or lie), or holds the connection
/// open and silent when it returns null. Counts connections.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, byte[]?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];
    private readonly Task _loop;
    private int _connections;

    private readonly bool _holdAfterAnswer;

    /// <param name="holdAfterAnswer">Keep the connection open after writing the answer (a body that never finishes).</param>
    public LoopbackHttpServer(Func<string, byte[]?> respond, bool holdAfterAnswer = false)
    {
        _respond = respond;
        _holdAfterAnswer = holdAfterAnswer;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public static byte[] Response(int status, string body = "", string? contentType = "image/png", IEnumerable<string>? headers = null, bool contentLength = true)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} X\r\nConnection: close\r\n");
        if (contentType is not null) head.Append($"Content-Type: {contentType}\r\n");
        if (contentLength) head.Append($"Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\n");
        foreach (var h in headers ?? []) head.Append(h).Append("\r\n");
        head.Append("\r\n").Append(body);
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    public static byte[] Redirect(string location) => Response(302, "", null, [$"Location: {location}"]);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch { return; }
            Interlocked.Increment(ref _connections);
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer, _stop.Token) == 1)
                head.Append((char)buffer[0]);
            var path = head.ToString().Split(' ') is { Length: > 1 } parts ? parts[1] : "/";
            var answer = _respond(path);
            if (answer is null)
            {
                lock (_held) _held.Add(client);
                return;
            }
            await stream.WriteAsync(answer, _stop.Token);
            await stream.FlushAsync(_stop.Token);
            if (_holdAfterAnswer)
            {
                lock (_held) _held.Add(client);
                return;
            }
            client.Client.Shutdown(SocketShutdown.Send);
            client.Dispose();
        }
        catch
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        lock (_held) _held.ForEach(c => c.Dispose());
        _stop.Dispose();
    }
}
