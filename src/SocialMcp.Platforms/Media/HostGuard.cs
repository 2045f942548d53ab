using System.Net;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Media;

namespace SocialMcp.Platforms.Media;

/// <summary>
/// The address half of the fetch guard (docs/fetch-guard.md), shared by every outgoing request to a URL a caller named:
/// media downloads and webhook deliveries. It resolves a host once and checks each address against <see cref="AddressRules"/>
/// unless the host is in <c>Media:AllowedHosts</c>; the request then carries the checked addresses and the guarded client's
/// ConnectCallback connects only to one of them, so the name is never resolved again (no DNS rebinding).
/// </summary>
public sealed class HostGuard(IHostResolver resolver, IOptionsMonitor<MediaOptions> options)
{
    /// <summary>Where a request carries the addresses the guard checked, for the ConnectCallback.</summary>
    internal static readonly HttpRequestOptionsKey<IPAddress[]> CheckedAddresses = new("socialmcp.checked-addresses");

    /// <summary>Whether <paramref name="host"/> is in <c>Media:AllowedHosts</c> (then any address, and plain http, is let through).</summary>
    public bool IsAllowListed(string host) =>
        options.CurrentValue.AllowedHosts.Any(h => string.Equals(h.Trim().Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Resolves the URL's host once and checks every address (an IP literal is its own single address). Null when the guard
    /// refuses the host; empty when the name does not resolve; otherwise the addresses a request may connect to.
    /// </summary>
    public async Task<IPAddress[]?> CheckAsync(Uri uri, CancellationToken cancellationToken)
    {
        var host = uri.IdnHost;
        var allowed = IsAllowListed(host);
        if (!allowed && AddressRules.IsMetadataHostName(host))
            return null;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken);
        if (!allowed && addresses.Any(AddressRules.IsRefused))
            return null;
        return addresses;
    }

    /// <summary>Hands the checked addresses to the guarded client's ConnectCallback for this request.</summary>
    public static void Carry(HttpRequestMessage request, IPAddress[] addresses) => request.Options.Set(CheckedAddresses, addresses);

    /// <summary>
    /// The handler of a guarded HttpClient: no automatic redirects (each must be checked), no proxy (the connection must go to
    /// the checked address), no cookies, and a ConnectCallback that connects only to addresses the guard checked.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectCallback = ConnectToCheckedAddressAsync,
        // A pooled connection was made to a checked address; keep it short-lived all the same.
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    };

    /// <summary>The ConnectCallback of a guarded client: connects to an address the guard checked, never resolving the name.</summary>
    internal static async ValueTask<Stream> ConnectToCheckedAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(CheckedAddresses, out var addresses) || addresses.Length == 0)
            throw new HttpRequestException("The fetch guard checked no address for this request.");
        System.Net.Sockets.SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new HttpRequestException("No checked address answered.", last);
    }
}
