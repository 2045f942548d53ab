using System.Net;
using System.Net.Sockets;

namespace SocialMcp.Platforms.Media;

/// <summary>
/// Which addresses the fetch guard refuses (docs/fetch-guard.md): everything that is not a public unicast
/// address, so a caller cannot make the server reach its own machine, its private network or a cloud metadata service.
/// </summary>
public static class AddressRules
{
    // Metadata services that answer on an address not already in a refused range (169.254.169.254 is link-local anyway).
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"),
        IPAddress.Parse("fd00:ec2::254"),
        IPAddress.Parse("100.100.100.200"),
    ];

    private static readonly string[] MetadataHostNames = ["metadata.google.internal", "metadata.goog", "metadata"];

    /// <summary>Whether a host name is a cloud metadata service's well-known name (refused whatever it resolves to).</summary>
    public static bool IsMetadataHostName(string host)
    {
        var name = host.TrimEnd('.');
        return MetadataHostNames.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether the guard refuses to connect to <paramref name="address"/> (unless its host is allow-listed).</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (MetadataAddresses.Contains(address))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return IsRefusedV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return true;
        return IsRefusedV6(address);
    }

    private static bool IsRefusedV4(byte[] b) =>
        b[0] == 0                                          // 0.0.0.0/8 "this network", incl. unspecified
        || b[0] == 10                                      // private
        || b[0] == 127                                     // loopback
        || (b[0] == 100 && (b[1] & 0xC0) == 64)            // 100.64/10 CGNAT
        || (b[0] == 169 && b[1] == 254)                    // link-local (and the metadata service)
        || (b[0] == 172 && (b[1] & 0xF0) == 16)            // 172.16/12 private
        || (b[0] == 192 && b[1] == 168)                    // private
        || (b[0] == 192 && b[1] == 0 && b[2] == 0)         // IETF protocol assignments
        || (b[0] == 198 && (b[1] & 0xFE) == 18)            // 198.18/15 benchmarking
        || b[0] >= 224;                                    // multicast, reserved, broadcast

    private static bool IsRefusedV6(IPAddress address)
    {
        if (IPAddress.IPv6Any.Equals(address) || IPAddress.IPv6Loopback.Equals(address))
            return true;
        var b = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6)
            return IsRefusedV4(b[12..]);
        // IPv4-compatible ::a.b.c.d (deprecated, but a stack may still route it to the v4 address).
        if (b[..12].All(x => x == 0))
            return true;
        if ((b[0] & 0xFE) == 0xFC)                          // fc00::/7 unique local
            return true;
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)          // fe80::/10 link-local
            return true;
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)          // fec0::/10 site-local (deprecated)
            return true;
        if (b[0] == 0xFF)                                   // multicast
            return true;
        if (b[0] == 0x20 && b[1] == 0x02)                   // 2002::/16 6to4 embeds a v4 address in bytes 2..5
            return IsRefusedV4(b[2..6]);
        if (IsNat64(b))                                     // 64:ff9b::/96 (and 64:ff9b:1::/48) embed a v4 address in the last 4 bytes
            return IsRefusedV4(b[12..]);
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)   // 2001::/32 Teredo: the client's v4 is obfuscated; refuse
            return true;
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)  // 2001:db8::/32 documentation
            return true;
        return false;
    }

    private static bool IsNat64(byte[] b) =>
        b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B
        && (b[4..12].All(x => x == 0) || (b[4] == 0 && b[5] == 1));
}
