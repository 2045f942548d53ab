using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using SocialMcp.Core.Media;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>
/// The stdio transport: newline-delimited JSON-RPC, like the SDK's, but every line goes through
/// <see cref="JsonRpcLine"/> first. The SDK's own transport drops a line it cannot read (a byte-order mark, a batch, an
/// invalid id) without answering, and a lone surrogate in a property name ended its read loop; here such a line is
/// answered, and a line longer than <see cref="MaxLineBytes"/> is skipped unread and answered with id null. The one
/// exception is a tools/call of upload_media (<see cref="InlineUploadMessage"/>), which is read up to the size its inline
/// data needs and, past that, answered MEDIA_TOO_LARGE with its id.
/// </summary>
public sealed class GuardedStdioTransport : TransportBase
{
    /// <summary>As large as four HTTP request bodies at their default limit; a longer line is refused, not buffered.</summary>
    public const int MaxLineBytes = 4 * 1024 * 1024;

    private static readonly JsonTypeInfo MessageType = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly Stream _input;
    private readonly Stream _output;
    private readonly ILogger _logger;
    private readonly long _maxInlineBytes;
    private readonly long _maxUploadLineBytes;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _readLoop;
    private int _disposed;

    /// <summary>
    /// How long the end of input waits for the answers to requests already read. A client may write its requests and
    /// close stdin at once (<c>printf … | socialmcp serve</c>); those requests are still answered before the session ends.
    /// </summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    // Ids of the requests read and not yet answered (or cancelled by the client), and a signal when none are left.
    private readonly Lock _pendingGate = new();
    private readonly HashSet<RequestId> _pending = [];
    private TaskCompletionSource? _drained;

    /// <param name="maxInlineBytes">Media:MaxInlineBytes: the largest file upload_media takes inline.</param>
    public GuardedStdioTransport(Stream input, Stream output, ILoggerFactory? loggerFactory = null, long maxInlineBytes = 20L * 1024 * 1024)
        : base("Server (stdio)", loggerFactory)
    {
        _maxInlineBytes = maxInlineBytes;
        _maxUploadLineBytes = Math.Max(MaxLineBytes, InlineUploadMessage.MaxMessageBytes(maxInlineBytes));
        _input = input;
        _output = output;
        _logger = loggerFactory?.CreateLogger<GuardedStdioTransport>() ?? NullLogger<GuardedStdioTransport>.Instance;
        SetConnected();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        if (!IsConnected)
            return;
        // The message and its newline in one buffer: one write, so one write(2) on stdout.
        var line = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(line))
            JsonSerializer.Serialize(json, message, MessageType);
        line.Write("\n"u8);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _output.WriteAsync(line.WrittenMemory, cancellationToken);
            await _output.FlushAsync(cancellationToken);
            if (message is JsonRpcMessageWithId { Id: var answered } and (JsonRpcResponse or JsonRpcError))
                Settle(answered);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new IOException("Failed to send a message on stdout.", ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var token = _shutdown.Token;
        var reader = PipeReader.Create(_input, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        Exception? error = null;
        var skipping = false;
        // The line being buffered: what its start said once it passed MaxLineBytes, and how much of it holds no newline.
        InlineUploadSniff? sniff = null;
        long scanned = 0;
        // An upload_media line past its bound: skipped like any other, but answered at its end with the id found on the way.
        (InlineUploadSniff Start, TopLevelIdFinder Finder)? tooLargeUpload = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var read = await reader.ReadAsync(token);
                var buffer = read.Buffer;
                // Only the bytes not searched before: a 27 MB upload arrives in 64 KiB reads.
                while (buffer.Slice(scanned).PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    var lineSniff = sniff;
                    sniff = null;
                    scanned = 0;
                    if (skipping)
                    {
                        skipping = false;
                        if (tooLargeUpload is { } upload)
                        {
                            tooLargeUpload = null;
                            upload.Finder.Feed(line);
                            await RefuseUploadAsync(upload.Start, upload.Finder, token);
                        }
                        continue;
                    }
                    await HandleLineAsync(line, lineSniff, token);
                }
                scanned = buffer.Length;

                if (read.IsCompleted)
                {
                    if (!skipping && !buffer.IsEmpty)
                        await HandleLineAsync(buffer, sniff, token);
                    if (skipping && tooLargeUpload is { } upload)
                    {
                        upload.Finder.Feed(buffer);
                        await RefuseUploadAsync(upload.Start, upload.Finder, token);
                    }
                    reader.AdvanceTo(buffer.End);
                    break;
                }

                if (buffer.Length > MaxLineBytes && !skipping)
                {
                    // Decided once per line, on its first MaxLineBytes: method and params.name come before the data.
                    sniff ??= InlineUploadMessage.Sniff(buffer);
                    if (buffer.Length > LimitOf(sniff.Value))
                    {
                        if (sniff.Value.IsUploadMedia)
                            tooLargeUpload = (sniff.Value, new TopLevelIdFinder());
                        else
                            await RefuseOversizedAsync(token);
                        skipping = true;
                    }
                }
                if (skipping)
                {
                    // Drop what is buffered and the rest of the line as it arrives; answered once (an upload at its end).
                    tooLargeUpload?.Finder.Feed(buffer);
                    sniff = null;
                    scanned = 0;
                    reader.AdvanceTo(buffer.End);
                    continue;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "The stdio read loop failed");
            error = ex;
        }
        finally
        {
            await reader.CompleteAsync();
            // The end of input: answer what was read before ending the session (not when the server itself is stopping).
            if (error is null && !token.IsCancellationRequested)
                await DrainAsync(token);
            SetDisconnected(error);
        }
    }

    private void Track(JsonRpcMessage message)
    {
        lock (_pendingGate)
        {
            if (message is JsonRpcRequest request)
                _pending.Add(request.Id);
            else if (message is JsonRpcNotification { Method: NotificationMethods.CancelledNotification, Params: { } parameters }
                     && parameters["requestId"] is { } cancelled)
            {
                // A cancelled request is not answered (the protocol says so): nothing to wait for.
                if (_pending.Remove(RequestIdOf(cancelled)) && _pending.Count == 0)
                    _drained?.TrySetResult();
            }
        }
    }

    private static RequestId RequestIdOf(System.Text.Json.Nodes.JsonNode id) =>
        id.GetValueKind() == JsonValueKind.Number ? new RequestId(id.GetValue<long>()) : new RequestId(id.GetValue<string>());

    private void Settle(RequestId answered)
    {
        lock (_pendingGate)
        {
            if (_pending.Remove(answered) && _pending.Count == 0)
                _drained?.TrySetResult();
        }
    }

    /// <summary>Waits until every request read has been answered, <see cref="DrainTimeout"/> at most.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_pendingGate)
        {
            if (_pending.Count == 0)
                return;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }
        try
        {
            await drained.WaitAsync(DrainTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            _logger.LogWarning("stdin closed with requests still unanswered; ending the session without them");
        }
    }

    private long LimitOf(InlineUploadSniff sniff) => sniff.IsUploadMedia ? _maxUploadLineBytes : MaxLineBytes;

    private async Task HandleLineAsync(ReadOnlySequence<byte> line, InlineUploadSniff? sniff, CancellationToken cancellationToken)
    {
        if (line.Length > MaxLineBytes)
        {
            var start = sniff ?? InlineUploadMessage.Sniff(line.Slice(0, MaxLineBytes));
            if (line.Length > LimitOf(start))
            {
                if (start.IsUploadMedia)
                {
                    var finder = new TopLevelIdFinder();
                    finder.Feed(line);
                    await RefuseUploadAsync(start, finder, cancellationToken);
                }
                else
                {
                    await RefuseOversizedAsync(cancellationToken);
                }
                return;
            }
        }
        JsonRpcLineVerdict verdict;
        try
        {
            verdict = JsonRpcLine.Read(line.IsSingleSegment ? line.FirstSpan : line.ToArray());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException or FormatException)
        {
            // Our check missed a case: the line is refused, the session goes on.
            _logger.LogError(ex, "Could not check a stdio line");
            await TrySendAsync(new JsonRpcError
            {
                Id = default,
                Error = new JsonRpcErrorDetail { Code = (int)McpErrorCode.InvalidRequest, Message = "Invalid Request: the message could not be read." },
            }, cancellationToken);
            return;
        }
        if (verdict.Message is { } message)
        {
            Track(message);
            await WriteMessageAsync(message, cancellationToken);
            return;
        }
        if (verdict.Reason is not null)
            _logger.LogInformation("Refused a stdio line: {Reason}", verdict.Reason);
        if (verdict.Reply is { } reply)
            await TrySendAsync(reply, cancellationToken);
    }

    /// <summary>The tool's own MEDIA_TOO_LARGE with the call's id; with no id to answer, the general refusal.</summary>
    private Task RefuseUploadAsync(InlineUploadSniff start, TopLevelIdFinder finder, CancellationToken cancellationToken)
    {
        var id = start.Id.Id is not null ? start.Id : finder.Id;
        if (id.Id is null)
            return RefuseOversizedAsync(cancellationToken);
        _logger.LogInformation("Refused an upload_media line longer than {Limit} bytes", _maxUploadLineBytes);
        return TrySendAsync(InlineUploadMessage.TooLarge(id, _maxInlineBytes), cancellationToken);
    }

    private Task RefuseOversizedAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Refused a stdio line longer than {Limit} bytes", MaxLineBytes);
        return TrySendAsync(new JsonRpcError
        {
            Id = default,
            Error = new JsonRpcErrorDetail
            {
                Code = (int)McpErrorCode.InvalidRequest,
                Message = $"Invalid Request: a message may be at most {MaxLineBytes} bytes; this line was skipped unread.",
            },
        }, cancellationToken);
    }

    private async Task TrySendAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await SendMessageAsync(message, cancellationToken);
        }
        catch (IOException ex)
        {
            // A refusal that cannot be written must not end the session; the next line may still be read.
            _logger.LogWarning(ex, "Could not answer a refused stdio line");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _shutdown.CancelAsync();
        await _input.DisposeAsync();
        try
        {
            // A read blocked in the kernel on a stdin that stays open sees neither the token nor the close: do not wait
            // for it, or a server that fails to start (invalid configuration) would never exit.
            await _readLoop.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException or TimeoutException)
        {
        }
        await _output.DisposeAsync();
        _shutdown.Dispose();
        SetDisconnected();
    }
}

public static class GuardedStdioTransportExtensions
{
    /// <summary>
    /// The SDK's stdio hosting (one session, ends with stdin) with <see cref="GuardedStdioTransport"/> as its transport.
    /// </summary>
    public static IMcpServerBuilder WithGuardedStdioTransport(this IMcpServerBuilder builder)
    {
        builder.WithStdioServerTransport();
        builder.Services.RemoveAll<ITransport>();
        builder.Services.AddSingleton<ITransport>(services => new GuardedStdioTransport(
            Console.OpenStandardInput(), new InlineWriteStream(Console.OpenStandardOutput()), services.GetService<ILoggerFactory>(),
            services.GetRequiredService<IOptions<MediaOptions>>().Value.MaxInlineBytes));
        return builder;
    }
}
