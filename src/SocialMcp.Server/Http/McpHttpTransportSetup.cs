using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Server;

namespace SocialMcp.Server.Http;

// The SDK marks its stateful-HTTP options (idle timeout, event store) obsolete in favour of the sessionless 2026-07-28
// revision; earlier clients still need sessions, so we keep using them. RunSessionHandler is experimental.
#pragma warning disable MCP9006, MCPEXP002

/// <summary>
/// The SDK's streamable HTTP transport options from <see cref="McpHttpOptions"/>: session mode, idle timeout on our
/// <see cref="TimeProvider"/>, the bounded in-memory event store, and a run handler that reports each session's start
/// and end to <see cref="McpHttpSessions"/>.
/// </summary>
internal sealed class McpHttpTransportSetup(IOptions<McpHttpOptions> httpOptions, TimeProvider time, McpEventStore eventStore)
    : IConfigureOptions<HttpServerTransportOptions>
{
    public void Configure(HttpServerTransportOptions options)
    {
        var http = httpOptions.Value;
        options.SessionMode = http.EffectiveSessionMode;
        options.IdleTimeout = http.SessionIdleTimeout;
        options.TimeProvider = time;
        options.EventStreamStore = eventStore.Store;
        options.RunSessionHandler = RunSessionAsync;
    }

    private static async Task RunSessionAsync(HttpContext context, McpServer server, CancellationToken sessionClosed)
    {
        // Stateless requests (and 2026-07-28 ones in the hybrid mode) have no session id: nothing to track.
        if (string.IsNullOrEmpty(server.SessionId))
        {
            await server.RunAsync(sessionClosed);
            return;
        }

        var sessionId = server.SessionId;
        var sessions = context.RequestServices.GetRequiredService<McpHttpSessions>();
        sessions.Started(sessionId, OwnerKey(context.User), McpRequestAdmission.ReservationOf(context));
        try
        {
            await server.RunAsync(sessionClosed);
        }
        finally
        {
            sessions.Ended(sessionId);
        }
    }

    internal static string? OwnerKey(ClaimsPrincipal? user) =>
        user?.FindFirst(CallerClaims.KeyId)?.Value ?? user?.FindFirst(ClaimTypes.NameIdentifier)?.Value;
}

/// <summary>
/// The SSE event store that lets a client resume a broken session stream with <c>Last-Event-ID</c>: the SDK's
/// distributed-cache store over a private in-memory cache, capped in bytes (<see cref="McpHttpOptions.EventStoreMaxBytes"/>)
/// and in age (<see cref="McpHttpOptions.EventRetention"/>), so it cannot grow without bound.
/// </summary>
internal sealed class McpEventStore
{
    public McpEventStore(IOptions<McpHttpOptions> httpOptions, ILoggerFactory loggerFactory)
    {
        var http = httpOptions.Value;
        // MemoryDistributedCache sizes each entry by its byte length, so SizeLimit caps the bytes held.
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions { SizeLimit = http.EventStoreMaxBytes }), loggerFactory);
        Store = new DistributedCacheEventStreamStore(Options.Create(new DistributedCacheEventStreamStoreOptions
        {
            Cache = cache,
            EventAbsoluteExpiration = http.EventRetention,
            EventSlidingExpiration = null,
            // A stream's metadata is rewritten with every event, so a long-lived stream keeps it while it is in use.
            MetadataSlidingExpiration = http.EventRetention,
            MetadataAbsoluteExpiration = null,
        }), loggerFactory.CreateLogger<DistributedCacheEventStreamStore>());
    }

    public ISseEventStreamStore Store { get; }
}
