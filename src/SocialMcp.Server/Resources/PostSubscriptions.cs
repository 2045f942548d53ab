using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Posts;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Resources;

/// <summary>
/// Which MCP sessions (stdio, or stateful HTTP) subscribed to which post, for which workspace; sends them
/// notifications/resources/updated when <see cref="PostService"/> reports that the post changed.
/// </summary>
public sealed class PostSubscriptions : IPostChangeNotifier
{
    // uri → session key → who to tell. The McpServer a request sees is a per-request wrapper, so a session is known by its
    // id (stateful HTTP), or as the one stdio session of this process; the latest wrapper is kept to send through.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Subscriber>> _byUri = new(StringComparer.Ordinal);
    private readonly ILogger<PostSubscriptions> _logger;

    private sealed record Subscriber(McpServer Session, string WorkspaceId);

    public PostSubscriptions(IServiceProvider services, ILogger<PostSubscriptions> logger)
    {
        _logger = logger;
        // An ended HTTP session can never be told again: forget its subscriptions. (A stdio session ends with the process.)
        if (services.GetService<McpHttpSessions>() is { } sessions)
            sessions.SessionEnded += RemoveSession;
    }

    /// <summary>How many (post, session) subscriptions are held.</summary>
    public int Count => _byUri.Values.Sum(s => s.Count);

    public void Add(string uri, McpServer session, string workspaceId) =>
        _byUri.GetOrAdd(uri, _ => new ConcurrentDictionary<string, Subscriber>(StringComparer.Ordinal))[KeyOf(session)] = new Subscriber(session, workspaceId);

    public void Remove(string uri, McpServer session)
    {
        if (_byUri.TryGetValue(uri, out var subscribers))
            subscribers.TryRemove(KeyOf(session), out _);
    }

    private static string KeyOf(McpServer session) => session.SessionId ?? "stdio";

    // uri → listener id → (workspace, send): the subscriptions/listen streams open now.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, Listener>> _listeners = new(StringComparer.Ordinal);
    private long _nextListener;

    private sealed record Listener(string WorkspaceId, Func<CancellationToken, Task> Send);

    /// <summary>Reports changes of <paramref name="uri"/> to a subscriptions/listen stream until the result is disposed.</summary>
    public IDisposable AddListener(string uri, string workspaceId, Func<CancellationToken, Task> send)
    {
        var id = Interlocked.Increment(ref _nextListener);
        var listeners = _listeners.GetOrAdd(uri, _ => new ConcurrentDictionary<long, Listener>());
        listeners[id] = new Listener(workspaceId, send);
        return new Registration(() => listeners.TryRemove(id, out _));
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    public void PostChanged(string workspaceId, string postId)
    {
        var uri = PostResources.UriOf(postId);
        if (_listeners.TryGetValue(uri, out var listeners))
        {
            foreach (var listener in listeners.Values)
            {
                if (listener.WorkspaceId == workspaceId)
                    _ = SendToListenerAsync(uri, listener);
            }
        }
        if (!_byUri.TryGetValue(uri, out var subscribers))
            return;
        foreach (var subscriber in subscribers.Values)
        {
            if (subscriber.WorkspaceId == workspaceId)
                _ = NotifyAsync(uri, subscriber.Session);
        }
    }

    private async Task NotifyAsync(string uri, McpServer session)
    {
        try
        {
            await session.SendNotificationAsync(NotificationMethods.ResourceUpdatedNotification,
                new ResourceUpdatedNotificationParams { Uri = uri }, cancellationToken: CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The session is gone (or its transport broke): it cannot be told any more.
            Remove(uri, session);
            _logger.LogDebug(ex, "Could not send a resource update for {Uri}; the subscription is dropped", uri);
        }
    }

    private async Task SendToListenerAsync(string uri, Listener listener)
    {
        try
        {
            await listener.Send(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The stream broke; the listen request ends with it and removes itself.
            _logger.LogDebug(ex, "Could not send a resource update for {Uri} on a subscriptions/listen stream", uri);
        }
    }

    private void RemoveSession(string sessionId)
    {
        foreach (var subscribers in _byUri.Values)
            subscribers.TryRemove(sessionId, out _);
    }
}
