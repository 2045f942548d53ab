using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Server.OAuth;

/// <summary>
/// connect_account on the stdio server without <c>OAuth:PublicBaseUrl</c>: the server runs on the person's machine, so
/// it does what the CLI does, a <see cref="LoopbackRedirectListener"/> on 127.0.0.1 that waits in the background for the
/// one redirect until the connect's state expires. The tool reports where the connect stands through the flow's GetAsync.
/// </summary>
public sealed class LoopbackConnects(IServiceProvider services, TimeProvider time, ILogger<LoopbackConnects> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LoopbackRedirectListener> _listening = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public async Task<ConnectStarted> StartAsync(string workspaceId, Platform platform, string? platformSetId, CancellationToken cancellationToken)
    {
        var flow = services.GetRequiredService<IAccountConnectFlow>();
        var listener = await LoopbackRedirectListener.StartAsync(0, platform,
            (state, code, error, description, ct) => flow.CompleteAsync(platform, state, code, error, description, ct), cancellationToken);
        ConnectStarted started;
        try
        {
            started = await flow.StartAsync(new ConnectRequest
            {
                WorkspaceId = workspaceId,
                Platform = platform,
                PlatformSetId = platformSetId,
                RedirectUri = listener.RedirectUri,
                Channel = ConnectChannel.Tool,
            }, cancellationToken);
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }

        _listening[started.ConnectionId] = listener;
        _ = WaitThenCloseAsync(started, listener);
        return started;
    }

    private async Task WaitThenCloseAsync(ConnectStarted started, LoopbackRedirectListener listener)
    {
        try
        {
            var result = await listener.WaitAsync(started.ExpiresAt - time.GetUtcNow(), time, _stopping.Token);
            logger.LogInformation("Loopback connect {ConnectionId}: {Status}", started.ConnectionId, result?.Status.ToString() ?? "no redirect before expiry");
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Loopback connect {ConnectionId} failed: {Error}", started.ConnectionId, ex.GetType().Name);
        }
        finally
        {
            if (_listening.TryRemove(started.ConnectionId, out var mine))
                await mine.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var connectionId in _listening.Keys)
        {
            if (_listening.TryRemove(connectionId, out var listener))
                await listener.DisposeAsync();
        }
        _stopping.Dispose();
    }
}
