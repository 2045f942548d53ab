using System.Net;

namespace SocialMcp.Platforms.Media;

/// <summary>Resolves a host name to its addresses: the one DNS look-up of a fetch (tests map names without DNS).</summary>
public interface IHostResolver
{
    /// <summary>The host's addresses; empty when the name does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver.</summary>
public sealed class DnsHostResolver : IHostResolver
{
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
        catch (ArgumentException)
        {
            return [];
        }
    }
}
