using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SocialMcp.EndToEnd.Tests.Fuzz;

/// <summary>
/// Sends fuzz lines to a stdio server one at a time and matches what comes back: each call waits for the one reply it
/// must get (with its id, with id null, or none, which a following ping confirms). Anything else is a failure.
/// </summary>
public sealed class StdioFuzzer(FuzzServer server, FuzzReplies replies)
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The wait for the answer to <c>initialize</c>, which includes the server's start-up (JIT, migrations): on a CI
    /// machine under heavy load that took longer than <see cref="ReplyTimeout"/>, and a late answer is not a fuzz failure.
    /// </summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(2);

    private readonly Channel<(JsonElement Reply, int Bytes)> _incoming = Channel.CreateUnbounded<(JsonElement, int)>();
    private Task? _reader;
    private int _sync;

    public int Sent { get; private set; }
    public int Unanswered { get; private set; }

    public async Task InitializeAsync()
    {
        _reader = Task.Run(ReadAsync);
        var init = new FuzzCall("initialize", """{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}}""",
            FuzzExpectation.ReplyWithId, "\"init\"");
        await WriteAsync(init.Json);
        Sent++;
        await ExpectAsync(init, id => id == init.IdJson, StartupTimeout);
        await WriteAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    }

    public async Task RunAsync(FuzzCall call)
    {
        await WriteAsync(call.Json);
        Sent++;
        switch (call.Expectation)
        {
            case FuzzExpectation.ReplyWithId:
                await ExpectAsync(call, id => id == call.IdJson);
                break;
            case FuzzExpectation.ReplyWithNullId:
                await ExpectAsync(call, id => id == "null");
                break;
            case FuzzExpectation.ReplyWithIdOrNull:
                await ExpectAsync(call, id => id == "null" || id == call.IdJson);
                break;
            case FuzzExpectation.NoReply:
                var sync = $"\"sync-{++_sync}\"";
                await WriteAsync($$"""{"jsonrpc":"2.0","id":{{sync}},"method":"ping"}""");
                await ExpectAsync(call with { Kind = call.Kind + " (then ping)" }, id => id == sync);
                break;
        }
    }

    /// <summary>Writes every call before reading any reply, as a client with many calls in flight would.</summary>
    public async Task RunPipelinedAsync(IReadOnlyList<FuzzCall> calls)
    {
        foreach (var call in calls)
        {
            await WriteAsync(call.Json);
            Sent++;
        }
        var pending = calls.Where(c => c.IdJson is not null).ToDictionary(c => c.IdJson!);
        using var timeout = new CancellationTokenSource(ReplyTimeout * 4);
        try
        {
            while (pending.Count > 0)
            {
                var (reply, bytes) = await _incoming.Reader.ReadAsync(timeout.Token);
                var id = reply.TryGetProperty("id", out var value) ? value.GetRawText() : "null";
                if (pending.Remove(id, out var call))
                    replies.Check(reply, bytes, call);
                else
                    replies.Fail($"unexpected reply {Shorten(reply)} during a pipelined burst");
            }
        }
        catch (OperationCanceledException)
        {
            Unanswered += pending.Count;
            foreach (var call in pending.Values)
                replies.Fail($"unanswered (pipelined): {call}");
        }
    }

    private async Task ExpectAsync(FuzzCall call, Func<string, bool> isItsReply, TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? ReplyTimeout);
        try
        {
            while (true)
            {
                var (reply, bytes) = await _incoming.Reader.ReadAsync(timeout.Token);
                var id = reply.TryGetProperty("id", out var value) ? value.GetRawText() : "null";
                if (isItsReply(id))
                {
                    replies.Check(reply, bytes, call);
                    return;
                }
                replies.Fail($"unexpected reply {Shorten(reply)} while waiting for {call}");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            Unanswered++;
            replies.Fail($"unanswered{(ex is ChannelClosedException ? " (stdout closed)" : "")}: {call}; stderr: {server.StandardErrorTail}");
            if (ex is ChannelClosedException)
                throw new Xunit.Sdk.XunitException($"The server closed stdout after {call}; stderr: {server.StandardErrorTail}");
        }
    }

    private async Task WriteAsync(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        await server.Input.WriteAsync(bytes);
        await server.Input.FlushAsync();
    }

    private async Task ReadAsync()
    {
        while (await server.Output.ReadLineAsync() is { } line)
        {
            JsonElement message;
            try
            {
                message = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                replies.Fail($"stdout carried a line that is not JSON: {(line.Length > 200 ? line[..200] : line)}");
                continue;
            }
            // Server-initiated notifications and requests are not replies.
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("method", out _))
                continue;
            await _incoming.Writer.WriteAsync((message, Encoding.UTF8.GetByteCount(line)));
        }
        _incoming.Writer.TryComplete();
    }

    private static string Shorten(JsonElement reply)
    {
        var text = reply.GetRawText();
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
