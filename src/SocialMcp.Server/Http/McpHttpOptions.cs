using System.ComponentModel.DataAnnotations;
using ModelContextProtocol.AspNetCore;

namespace SocialMcp.Server.Http;

/// <summary>Configuration section <c>Http</c>: the streamable HTTP MCP endpoint.</summary>
public sealed class McpHttpOptions : IValidatableObject
{
    public const string SectionName = "Http";

    /// <summary>
    /// Where Kestrel listens, semicolon-separated (<c>--urls</c>). Empty means <c>http://127.0.0.1:5080</c>: loopback only.
    /// Read when the host is built (see SocialMcpHost.CreateWebBuilder); listed here to document it with the rest.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>
    /// How the endpoint keeps state (the SDK's <see cref="HttpServerSessionMode"/>):
    /// <c>StatefulForInitializeClients</c> (the default) opens a session (<c>Mcp-Session-Id</c>, GET stream, DELETE) for
    /// clients that send <c>initialize</c> (revisions up to 2025-11-25) and serves 2026-07-28 clients, which have no
    /// sessions, statelessly on the same endpoint; <c>Stateless</c> gives every POST its own server and has no sessions;
    /// <c>Stateful</c> requires a session of every client and asks 2026-07-28 clients to fall back to initialize.
    /// </summary>
    public HttpServerSessionMode? SessionMode { get; set; }

    /// <summary>
    /// The older switch, still honoured when <see cref="SessionMode"/> is not set: true means <c>Stateful</c>, false
    /// <c>Stateless</c>.
    /// </summary>
    public bool? Stateful { get; set; }

    /// <summary>The session mode in force: <see cref="SessionMode"/>, else <see cref="Stateful"/>, else the hybrid default.</summary>
    public HttpServerSessionMode EffectiveSessionMode => SessionMode
        ?? Stateful switch
        {
            true => HttpServerSessionMode.Stateful,
            false => HttpServerSessionMode.Stateless,
            null => HttpServerSessionMode.StatefulForInitializeClients,
        };

    /// <summary>A session with no request for this long is ended (the SDK's idle sweep, every 5 s).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Open sessions one API key may hold; the <c>initialize</c> that would open one more is refused with HTTP 429 and
    /// JSON-RPC error -32000 until one ends (DELETE, idle timeout).
    /// </summary>
    public int MaxSessionsPerKey { get; set; } = 100;

    /// <summary>Largest POST body accepted; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Memory the SSE event store (for resuming a broken session stream with <c>Last-Event-ID</c>) may use, in bytes of
    /// stored messages; when full, the oldest events are dropped first and cannot be replayed.
    /// </summary>
    public long EventStoreMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long a sent event can be replayed after it was written.</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Host header values accepted (DNS-rebinding protection), e.g. <c>mcp.example.com</c> or <c>mcp.example.com:8443</c>;
    /// a value without a port accepts any port. Loopback names (localhost, 127.0.0.1, [::1]) are always accepted.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Origin header values accepted, e.g. <c>https://app.example.com</c>. Requests without an Origin (not from a
    /// browser) and loopback origins are always accepted.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SessionMode is { } mode && !Enum.IsDefined(mode))
            yield return new("Http:SessionMode must be Stateless, Stateful or StatefulForInitializeClients.");
        if (SessionIdleTimeout <= TimeSpan.Zero)
            yield return new("Http:SessionIdleTimeout must be positive (e.g. 00:10:00).");
        if (MaxSessionsPerKey < 1)
            yield return new("Http:MaxSessionsPerKey must be at least 1 (e.g. 100).");
        if (MaxRequestBodyBytes <= 0)
            yield return new("Http:MaxRequestBodyBytes must be positive (e.g. 1048576).");
        if (EventStoreMaxBytes <= 0)
            yield return new("Http:EventStoreMaxBytes must be positive (e.g. 16777216).");
        if (EventRetention <= TimeSpan.Zero)
            yield return new("Http:EventRetention must be positive (e.g. 00:05:00).");
        foreach (var host in AllowedHosts.Where(h => string.IsNullOrWhiteSpace(h) || h.Contains('/', StringComparison.Ordinal)))
            yield return new($"Http:AllowedHosts entry '{host}' is not a host name (write 'mcp.example.com' or 'mcp.example.com:8443').");
        foreach (var origin in AllowedOrigins.Where(o => !Uri.TryCreate(o, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            yield return new($"Http:AllowedOrigins entry '{origin}' is not an origin (write 'https://app.example.com').");
    }
}
