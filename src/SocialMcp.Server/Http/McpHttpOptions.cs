using System.ComponentModel.DataAnnotations;

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
    /// False (the default): every POST gets its own transport and MCP server, and there are no sessions. True: the
    /// <c>initialize</c> request opens a session named by the <c>Mcp-Session-Id</c> header, GET opens its SSE stream
    /// and DELETE ends it. Clients on the 2026-07-28 protocol revision (which has no sessions) are asked to fall
    /// back to the initialize handshake.
    /// </summary>
    public bool Stateful { get; set; }

    /// <summary>A stateful session with no request for this long is ended.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest POST body accepted; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

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
        if (SessionIdleTimeout <= TimeSpan.Zero)
            yield return new("Http:SessionIdleTimeout must be positive (e.g. 00:10:00).");
        if (MaxRequestBodyBytes <= 0)
            yield return new("Http:MaxRequestBodyBytes must be positive (e.g. 1048576).");
        foreach (var host in AllowedHosts.Where(h => string.IsNullOrWhiteSpace(h) || h.Contains('/', StringComparison.Ordinal)))
            yield return new($"Http:AllowedHosts entry '{host}' is not a host name (write 'mcp.example.com' or 'mcp.example.com:8443').");
        foreach (var origin in AllowedOrigins.Where(o => !Uri.TryCreate(o, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            yield return new($"Http:AllowedOrigins entry '{origin}' is not an origin (write 'https://app.example.com').");
    }
}
