using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Webhooks;

namespace SocialMcp.Storage.Postgres;

/// <summary>
/// Brings the other instances' changes into this process: one dedicated connection LISTENs on the channels the triggers
/// of 0002_cluster.sql notify, and each notification pokes the local scheduler or webhook worker, or tells the local
/// <see cref="IPostChangeNotifier"/> (MCP resource subscribers). Notifications this process caused are skipped: it
/// reported those itself when it committed. A broken connection is opened again with a growing pause, then every worker
/// is poked once, because notifications sent while nobody listened are lost.
/// </summary>
public sealed class PostgresChangeListener(
    PostgresDataSource connections,
    SchedulerSignal scheduler,
    WebhookSignal webhooks,
    IServiceProvider services,
    TimeProvider time,
    ILogger<PostgresChangeListener> logger) : BackgroundService
{
    public const string DueChannel = "socialmcp_due";
    public const string PostChannel = "socialmcp_post";
    public const string WebhookChannel = "socialmcp_webhooks";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IPostChangeNotifier? _postNotifier;

    /// <summary>Completes once the first LISTEN is in place: from then on no other instance's change is missed.</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved late: the host replaces the default notifier (PostResourceSetup) after the storage is registered.
        _postNotifier = services.GetService<IPostChangeNotifier>();
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await OpenListeningConnectionAsync(stoppingToken);
                retry = FirstRetry;
                // Anything may have happened while this process was not listening.
                scheduler.Poke();
                webhooks.Poke();
                _listening.TrySetResult();
                while (true)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever broke the connection, the process keeps serving: its timers still wake the workers meanwhile.
                logger.LogWarning("Listening for other instances' changes failed ({Error}); trying again in {Retry}", ex.GetType().Name, retry);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }

    private async Task<NpgsqlConnection> OpenListeningConnectionAsync(CancellationToken cancellationToken)
    {
        // Its own connection outside the pool: a pooled one is reset (UNLISTEN) when returned, and this one never is.
        var builder = new NpgsqlConnectionStringBuilder(connections.ConnectionString) { Pooling = false, KeepAlive = 30 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            connection.Notification += (_, e) => Dispatch(e.Channel, e.Payload);
            await using var command = new NpgsqlCommand($"LISTEN {DueChannel}; LISTEN {PostChannel}; LISTEN {WebhookChannel};", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void Dispatch(string channel, string payload)
    {
        Change change;
        try
        {
            change = JsonSerializer.Deserialize<Change>(payload) ?? new Change();
        }
        catch (JsonException)
        {
            // Not ours to read: wake the workers anyway; a spare pass costs a few queries, a missed one a late post.
            change = new Change();
        }
        if (change.Origin == connections.InstanceId)
            return;
        switch (channel)
        {
            case DueChannel:
                scheduler.Poke();
                break;
            case WebhookChannel:
                webhooks.Poke();
                break;
            case PostChannel when change.Workspace is { Length: > 0 } workspace && change.Post is { Length: > 0 } post:
                _postNotifier?.PostChanged(workspace, post);
                break;
        }
    }

    private sealed record Change
    {
        [System.Text.Json.Serialization.JsonPropertyName("origin")]
        public string? Origin { get; init; }

        [System.Text.Json.Serialization.JsonPropertyName("workspace")]
        public string? Workspace { get; init; }

        [System.Text.Json.Serialization.JsonPropertyName("post")]
        public string? Post { get; init; }
    }
}
