using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SocialMcp.Tests.Webhooks;

namespace SocialMcp.EndToEnd.Tests.Webhooks;

/// <summary>
/// The outbox survives SIGKILL (issue 16): a post is created while the receiver is down, the server is killed with no
/// shutdown code, and a new server on the same database delivers the event exactly once (by webhook-id), signed.
/// </summary>
public sealed class WebhookCrashTests
{
    // Guards against a hung test, not timed assertions: the retry after the first failed attempt is due within ~6 s.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ServerKilledBetweenTheChangeAndItsDelivery_DeliversTheEventExactlyOnceAfterTheRestart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 503;
        var database = Path.Combine(Path.GetTempPath(), "socialmcp-webhook-crash-" + Guid.NewGuid().ToString("N"), "e2e.db");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var environment = new Dictionary<string, string?> { ["SOCIALMCP_Media__AllowedHosts__0"] = "127.0.0.1" };

        string secret;
        await using (var first = await ServerProcess.StartKillableAsync(database, environment))
        {
            var created = await first.CallOkAsync("create_webhook", $$"""{"url": "{{receiver.Url}}", "eventTypes": ["post.created"]}""");
            secret = created.GetProperty("secret").GetString()!;
            await first.CallOkAsync("create_post", """{"content": {"text": "Outbox under a crash"}, "platforms": ["x"]}""");
            // Killed at once: whether or not the worker reached the (down) receiver yet, nothing was delivered.
            first.Kill();
            await first.WaitForExitAsync(CancellationToken.None);
        }
        Assert.Empty(receiver.Accepted);
        var eventId = await ScalarAsync(database, "SELECT id FROM webhook_events WHERE type = 'post.created';");
        Assert.NotNull(eventId);

        receiver.Status = 200;
        await using var second = await ServerProcess.StartKillableAsync(database, environment);
        var watch = Stopwatch.StartNew();
        while (await ScalarAsync(database, "SELECT status FROM webhook_deliveries;") != "succeeded")
        {
            Assert.True(watch.Elapsed < Patience, "The event was not delivered after the restart. " + string.Join('\n', second.StandardError));
            await Task.Delay(100);
        }

        var delivered = Assert.Single(receiver.Accepted);
        Assert.Equal(eventId, delivered.Id);
        Assert.True(delivered.IsSignedWith(secret));
        Assert.Equal("post.created", delivered.Type);
        Assert.All(receiver.Received, r => Assert.Equal(eventId, r.Id));
    }

    private static async Task<string?> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync()) as string;
    }
}
