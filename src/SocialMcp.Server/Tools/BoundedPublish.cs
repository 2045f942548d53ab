using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;

namespace SocialMcp.Server.Tools;

/// <summary>
/// Runs a publish (publish_post, retry_post) for the server's lifetime rather than the request's, and waits for it at most
/// <c>Scheduling:PublishWait</c> once the publish has started (its claim committed: until then a refusal — a wrong version, a
/// changed plan, an invalid post — is still the tool's answer). Past the bound the tool answers with the post as it is now and the publish goes on; if the
/// process stops meanwhile, start-up recovery finishes it. Progress reaches the client as MCP progress notifications until
/// the tool has answered, never after.
/// </summary>
public sealed class BoundedPublish(
    PostService posts,
    IHostApplicationLifetime lifetime,
    IOptions<SchedulingOptions> options,
    TimeProvider time,
    ILogger<BoundedPublish> logger)
{
    /// <summary>The outcome, or (<c>StillPublishing</c> true) the post as it was when the wait ran out.</summary>
    public async Task<(PostDetails Details, bool StillPublishing)> RunAsync(
        string workspaceId, string postId, RequestContext<CallToolRequestParams> request,
        Func<IProgress<PublishProgress>, CancellationToken, Task<PostDetails>> publish, CancellationToken requestAborted)
    {
        Func<ProgressNotificationValue, Task>? send = request.Params?.ProgressToken is { } token
            ? value => request.Server.NotifyProgressAsync(token, value, cancellationToken: CancellationToken.None)
            : null;
        var relay = new ProgressRelay(send);
        // Not the request's token: an agent that hangs up, or a wait that runs out, must not stop a publish half-way.
        var work = Task.Run(() => publish(relay, lifetime.ApplicationStopping), CancellationToken.None);
        // The claim is one short transaction: wait for it (or for the refusal) whatever the bound.
        if (await Task.WhenAny(work, relay.Started) == work)
        {
            await relay.StopAsync();
            return (await work, false);
        }
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        var bound = Task.Delay(options.Value.PublishWait, time, waiting.Token);
        var first = await Task.WhenAny(work, bound);
        // Every notification sent so far goes out before the answer: after it, the request's stream may be gone.
        await relay.StopAsync();
        await waiting.CancelAsync();
        if (first == work)
            return (await work, false);

        _ = work.ContinueWith(t => logger.LogError(t.Exception, "Background publish of post {PostId} failed", postId),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        requestAborted.ThrowIfCancellationRequested();
        return (await posts.GetAsync(workspaceId, postId, CancellationToken.None), true);
    }

    /// <summary>
    /// Turns publish steps into progress notifications: progress counts finished targets of the total; a target waiting on a
    /// platform's limit nudges it by a thousandth, because MCP progress must grow with every notification. Notifications are
    /// sent one after another, and <see cref="StopAsync"/> waits for those already sent before the tool answers.
    /// </summary>
    private sealed class ProgressRelay(Func<ProgressNotificationValue, Task>? send) : IProgress<PublishProgress>
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _sending = Task.CompletedTask;
        private bool _stopped;
        private double _last;
        private int? _total;

        /// <summary>Completes when the publish has claimed its post (nothing can refuse it any more).</summary>
        public Task Started => _started.Task;

        public Task StopAsync()
        {
            lock (_gate)
            {
                _stopped = true;
                return _sending;
            }
        }

        public void Report(PublishProgress value)
        {
            if (value.Started)
            {
                _started.TrySetResult();
                return;
            }
            if (send is null)
                return;
            lock (_gate)
            {
                if (_stopped)
                    return;
                _total = value.Total ?? _total;
                _last = Math.Max(value.Completed ?? 0, _last + 0.001);
                var notification = new ProgressNotificationValue { Progress = (float)_last, Total = _total, Message = value.Message };
                _sending = SendAfterAsync(_sending, notification);
            }
        }

        private async Task SendAfterAsync(Task previous, ProgressNotificationValue notification)
        {
            await previous;
            try
            {
                await send!(notification);
            }
            catch (Exception)
            {
                // The client went away; the publish goes on, only the progress is lost.
            }
        }
    }
}
