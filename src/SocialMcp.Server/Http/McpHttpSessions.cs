using System.Collections.Concurrent;

namespace SocialMcp.Server.Http;

/// <summary>
/// The live MCP sessions the SDK's transport runs, by id and by the API key that opened them: what the per-key cap
/// counts and what tells resource subscriptions that a session has ended. The SDK owns the sessions themselves (ids,
/// idle timeout, DELETE); this only watches them start and stop (see <see cref="McpHttpTransportSetup"/>).
/// </summary>
internal sealed class McpHttpSessions
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string?> _ownerById = new(StringComparer.Ordinal);
    // Open sessions plus reservations not yet turned into one, per key.
    private readonly Dictionary<string, int> _heldByKey = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_lock) return _ownerById.Count; }
    }

    /// <summary>Raised with the session id after a session has ended (DELETE, idle timeout, shutdown).</summary>
    public event Action<string>? SessionEnded;

    /// <summary>Whether <paramref name="sessionId"/> is a live session opened by <paramref name="ownerKey"/>.</summary>
    public bool IsOwnedBy(string sessionId, string? ownerKey)
    {
        lock (_lock)
            return _ownerById.TryGetValue(sessionId, out var owner) && string.Equals(owner, ownerKey, StringComparison.Ordinal);
    }

    /// <summary>
    /// Holds a place for a session of <paramref name="ownerKey"/>, or null when the key already holds
    /// <paramref name="maxPerKey"/>. Disposing the reservation gives the place back unless a session took it.
    /// </summary>
    public Reservation? TryReserve(string ownerKey, int maxPerKey)
    {
        lock (_lock)
        {
            var held = _heldByKey.GetValueOrDefault(ownerKey);
            if (held >= maxPerKey)
                return null;
            _heldByKey[ownerKey] = held + 1;
        }
        return new Reservation(this, ownerKey);
    }

    /// <summary>A session has started: it takes the reservation's place, or (without one) counts for its owner anyway.</summary>
    public void Started(string sessionId, string? ownerKey, Reservation? reservation)
    {
        lock (_lock)
        {
            if (reservation is null || !reservation.TryClaim())
            {
                if (ownerKey is not null)
                    _heldByKey[ownerKey] = _heldByKey.GetValueOrDefault(ownerKey) + 1;
            }
            _ownerById[sessionId] = ownerKey;
        }
    }

    public void Ended(string sessionId)
    {
        lock (_lock)
        {
            if (!_ownerById.Remove(sessionId, out var ownerKey))
                return;
            if (ownerKey is not null)
                Release(ownerKey);
        }
        SessionEnded?.Invoke(sessionId);
    }

    // Called under the lock.
    private void Release(string ownerKey)
    {
        if (_heldByKey.GetValueOrDefault(ownerKey) <= 1)
            _heldByKey.Remove(ownerKey);
        else
            _heldByKey[ownerKey]--;
    }

    /// <summary>A place held for one initialize request until its session starts or the request ends.</summary>
    internal sealed class Reservation(McpHttpSessions owner, string ownerKey) : IDisposable
    {
        private int _settled;

        // Called under the owner's lock.
        internal bool TryClaim() => Interlocked.Exchange(ref _settled, 1) == 0;

        public void Dispose()
        {
            lock (owner._lock)
            {
                if (TryClaim())
                    owner.Release(ownerKey);
            }
        }
    }
}
