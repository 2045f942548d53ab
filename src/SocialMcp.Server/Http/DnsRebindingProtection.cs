using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Media;

namespace SocialMcp.Server.Http;

/// <summary>
/// Refuses (403) requests whose Host or Origin header is not allowed, so a web page on another site cannot reach a
/// server on this machine through a DNS name that resolves to 127.0.0.1. Loopback hosts and origins are always
/// allowed; others only when listed in <c>Http:AllowedHosts</c> / <c>Http:AllowedOrigins</c>. A request without an
/// Origin header does not come from a browser page and passes the origin check. The server's own public address
/// (<c>OAuth:PublicBaseUrl</c>) is allowed as host and origin too, and <c>Media:PublicBaseUrl</c>'s host as host: the connect pages' choice form posts back to it.
/// </summary>
internal sealed class DnsRebindingProtection(RequestDelegate next, IOptions<McpHttpOptions> options, IOptions<OAuthOptions> oauth,
    IOptions<MediaOptions> media, ILogger<DnsRebindingProtection> logger)
{
    // Platforms pulling a signed media URL come in under Media:PublicBaseUrl's host.
    private readonly IReadOnlyList<string> _allowedHosts =
        [.. options.Value.AllowedHosts, .. new[] { oauth.Value.PublicBaseUrl, MediaBase(media.Value) }.OfType<Uri>()
            .Select(root => root.IsDefaultPort ? root.Host : $"{root.Host}:{root.Port}")];

    private static Uri? MediaBase(MediaOptions media) =>
        Uri.TryCreate(media.PublicBaseUrl, UriKind.Absolute, out var root) ? root : null;

    private readonly IReadOnlyList<string> _allowedOrigins =
        [.. options.Value.AllowedOrigins, .. oauth.Value.PublicBaseUrl is { } root ? new[] { root.GetLeftPart(UriPartial.Authority) } : []];

    public Task InvokeAsync(HttpContext context)
    {
        if (!IsAllowedHost(context.Request.Host, _allowedHosts))
        {
            logger.LogWarning("Refused a request with a Host header that is not allowed");
            return RefuseAsync(context, "Forbidden: this Host is not allowed. Add it to Http:AllowedHosts to serve it.");
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsAllowedOrigin(origin, _allowedOrigins))
        {
            logger.LogWarning("Refused a request with an Origin header that is not allowed");
            return RefuseAsync(context, "Forbidden: this Origin is not allowed. Add it to Http:AllowedOrigins to serve it.");
        }

        return next(context);
    }

    private static Task RefuseAsync(HttpContext context, string message) =>
        JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status403Forbidden, JsonRpcHttpErrors.Refused, message);

    internal static bool IsAllowedHost(HostString host, IReadOnlyList<string> allowed)
    {
        if (!host.HasValue || host.Host.Length == 0)
            return false;
        if (IsLoopback(host.Host))
            return true;

        foreach (var entry in allowed)
        {
            var allowedHost = new HostString(entry.Trim());
            if (!string.Equals(allowedHost.Host, host.Host, StringComparison.OrdinalIgnoreCase))
                continue;
            if (allowedHost.Port is null || allowedHost.Port == host.Port)
                return true;
        }
        return false;
    }

    internal static bool IsAllowedOrigin(string origin, IReadOnlyList<string> allowed)
    {
        // "null" (sandboxed frames, file: pages) and anything that is not an http(s) origin are refused.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return false;
        if (IsLoopback(uri.Host))
            return true;

        return allowed.Any(entry => Uri.TryCreate(entry.Trim(), UriKind.Absolute, out var allowedUri)
            && string.Equals(allowedUri.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(allowedUri.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase)
            && allowedUri.Port == uri.Port);
    }

    private static bool IsLoopback(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
    }
}
