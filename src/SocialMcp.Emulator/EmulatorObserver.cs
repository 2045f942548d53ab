using Microsoft.AspNetCore.Http;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator;

/// <summary>A request as it reached the emulator: its platform (null outside the platform roots), method and path under that root.</summary>
/// <param name="Path">Relative to the platform's root, without a leading slash: <c>2/tweets</c>, <c>{page-id}/feed</c>.</param>
public sealed record ObservedRequest(long Sequence, Platform? Platform, string Method, string Path, string Query, DateTimeOffset ReceivedAt);

/// <summary>
/// How the emulator finished a request. <paramref name="Handled"/>: the platform's handler ran to the end and produced
/// <paramref name="StatusCode"/> (a request dropped while held, or whose handler threw, was not). <paramref name="Aborted"/>:
/// the client had gone away by the end, so it may not have received the answer.
/// </summary>
public sealed record ObservedResponse(ObservedRequest Request, bool Handled, int StatusCode, bool Aborted, DateTimeOffset CompletedAt);

/// <summary>
/// Lets a test see what the emulator received and answered, as it happens — e.g. to kill a client right after a creating call
/// was answered — and hold a request before it is handled (<see cref="Gate"/>). Handlers run on the request's thread: they
/// must be quick and must not throw.
/// </summary>
public sealed class EmulatorObserver(TimeProvider time)
{
    private long _sequence;

    /// <summary>Raised when a request arrives, before any fault or gate.</summary>
    public event Action<ObservedRequest>? RequestReceived;

    /// <summary>Raised when a response has been written and completed, or the request was abandoned.</summary>
    public event Action<ObservedResponse>? ResponseCompleted;

    /// <summary>
    /// Awaited before a request is handled, with the request's abort token: a test holds a request by not returning. A gate
    /// that ends because the client went away drops the request unhandled, as if the platform never got it.
    /// </summary>
    public Func<ObservedRequest, CancellationToken, Task>? Gate { get; set; }

    internal async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var (platform, path) = Split(http.Request.Path.Value ?? "");
        var request = new ObservedRequest(Interlocked.Increment(ref _sequence), platform, http.Request.Method, path,
            http.Request.QueryString.Value ?? "", time.GetUtcNow());
        RequestReceived?.Invoke(request);

        if (Gate is { } gate)
        {
            try
            {
                await gate(request, http.RequestAborted);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                ResponseCompleted?.Invoke(new ObservedResponse(request, Handled: false, 0, Aborted: true, time.GetUtcNow()));
                return;
            }
        }

        var handled = false;
        try
        {
            await next(http);
            handled = true;
            // Completed here (not after this middleware) so that the event below means the answer went to the connection.
            if (!http.RequestAborted.IsCancellationRequested)
                await http.Response.CompleteAsync();
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a fault dropped the connection): there is no one to answer.
        }
        finally
        {
            ResponseCompleted?.Invoke(new ObservedResponse(request, handled, http.Response.StatusCode, http.RequestAborted.IsCancellationRequested,
                time.GetUtcNow()));
        }
    }

    private static (Platform? Platform, string Path) Split(string fullPath)
    {
        var trimmed = fullPath.TrimStart('/');
        var slash = trimmed.IndexOf('/');
        var first = slash < 0 ? trimmed : trimmed[..slash];
        return PlatformNames.TryParse(first, out var platform)
            ? (platform, slash < 0 ? "" : trimmed[(slash + 1)..])
            : (null, trimmed);
    }
}
