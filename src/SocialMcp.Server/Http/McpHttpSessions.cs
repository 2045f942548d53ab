using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using ModelContextProtocol.Server;

namespace SocialMcp.Server.Http;

/// <summary>
/// One stateful MCP session: its transport, its server (running for as long as the session lives) and the caller
/// that opened it. Idle means no request in flight and none for a while; an open GET stream counts as in flight.
/// </summary>
internal sealed class McpHttpSession(string id, string? ownerKey, StreamableHttpServerTransport transport, McpServer server, DateTimeOffset now)
    : IAsyncDisposable
{
    private readonly Lock _lock = new();
    // Never disposed (it has no timer): requests may still read its token while the session ends.
    private readonly CancellationTokenSource _closed = new();
    private int _inFlight;
    private int _getStreamOpened;
    private int _disposed;
    private bool _ended;
    private DateTimeOffset _lastActivity = now;

    public string Id => id;
    public StreamableHttpServerTransport Transport => transport;
    public Task RunTask { get; set; } = Task.CompletedTask;

    /// <summary>Cancelled when the session ends, so the server's run loop stops.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>A session belongs to the API key that opened it; any other caller is told it does not exist.</summary>
    public bool BelongsTo(string? callerKey) => string.Equals(ownerKey, callerKey, StringComparison.Ordinal);

    /// <summary>Marks a request as in flight; false if the session has already ended.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_ended)
                return false;
            _inFlight++;
            return true;
        }
    }

    public void Exit(DateTimeOffset now)
    {
        lock (_lock)
        {
            _inFlight--;
            _lastActivity = now;
        }
    }

    /// <summary>
    /// Marks the session ended so no new request enters it: always when <paramref name="idleCutoff"/> is null, else only
    /// if nothing is in flight and the last request finished at or before the cutoff. Checked and marked under one lock,
    /// so an eviction never ends a session a request has just entered.
    /// </summary>
    public bool TryMarkEnded(DateTimeOffset? idleCutoff)
    {
        lock (_lock)
        {
            if (_ended || (idleCutoff is { } cutoff && (_inFlight > 0 || _lastActivity > cutoff)))
                return false;
            _ended = true;
            return true;
        }
    }

    /// <summary>The spec allows one standalone GET stream per session; the SDK's transport serves it once.</summary>
    public bool TryOpenGetStream() => Interlocked.Exchange(ref _getStreamOpened, 1) == 0;

    public async ValueTask DisposeAsync()
    {
        TryMarkEnded(null);
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;

        try
        {
            // Disposing the transport first completes its message channel, so the run loop ends without an exception.
            await transport.DisposeAsync();
            await _closed.CancelAsync();
            await RunTask;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The live stateful sessions, by id.</summary>
internal sealed class McpHttpSessions(TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpHttpSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    /// <summary>Raised with the session id after a session has been ended (DELETE, idle eviction, shutdown).</summary>
    public event Action<string>? SessionEnded;

    public static string NewId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    public void Add(McpHttpSession session)
    {
        if (!_sessions.TryAdd(session.Id, session))
            throw new InvalidOperationException("Session id collision.");
    }

    /// <summary>The session, or null when there is none with this id or it belongs to another caller.</summary>
    public McpHttpSession? Find(string id, string? callerKey) =>
        _sessions.TryGetValue(id, out var session) && session.BelongsTo(callerKey) ? session : null;

    /// <summary>Ends the session (DELETE, shutdown), or with <paramref name="idleCutoff"/> only if it is idle since then.</summary>
    public async ValueTask<bool> EndAsync(McpHttpSession session, DateTimeOffset? idleCutoff = null)
    {
        if (!session.TryMarkEnded(idleCutoff))
            return false;
        _sessions.TryRemove(new KeyValuePair<string, McpHttpSession>(session.Id, session));
        await session.DisposeAsync();
        SessionEnded?.Invoke(session.Id);
        return true;
    }

    /// <summary>Ends every session idle for at least <paramref name="idleTimeout"/>; returns how many.</summary>
    public async Task<int> EvictIdleAsync(TimeSpan idleTimeout)
    {
        var cutoff = time.GetUtcNow() - idleTimeout;
        var ended = 0;
        foreach (var session in _sessions.Values.ToList())
        {
            if (await EndAsync(session, cutoff))
                ended++;
        }
        return ended;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values.ToList())
            await EndAsync(session);
    }
}
