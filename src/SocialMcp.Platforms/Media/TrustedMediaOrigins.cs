using System.Collections.Concurrent;

namespace SocialMcp.Platforms.Media;

/// <summary>
/// Origins (scheme, host and port) the server itself trusts for media beside <c>Media:AllowedHosts</c>: the in-process
/// emulator behind sandbox accounts, whose test files live on loopback. Only server code adds to it, never a caller,
/// and it trusts one port, not the whole host.
/// </summary>
public sealed class TrustedMediaOrigins
{
    private readonly ConcurrentDictionary<string, bool> _origins = new(StringComparer.OrdinalIgnoreCase);

    public void Trust(Uri origin) => _origins.TryAdd(Key(origin), true);

    public bool IsTrusted(Uri url) => _origins.ContainsKey(Key(url));

    private static string Key(Uri url) => $"{url.Scheme}://{url.IdnHost}:{url.Port}";
}
