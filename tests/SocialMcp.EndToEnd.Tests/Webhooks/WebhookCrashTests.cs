using System.Diagnostics;
using SocialMcp.EndToEnd.Tests.Crash;
using SocialMcp.Tests.Webhooks;

namespace SocialMcp.EndToEnd.Tests.Webhooks;

/// <summary>
/// The outbox survives SIGKILL (issue 16): a post is created while the receiver is down, the server is killed with no
/// shutdown code, and a new server on the same database delivers the event exactly once (by webhook-id), signed. On both
/// stores.
/// </summary>
public sealed class WebhookCrashTests
{
    // Guards against a hung test, not timed assertions: the retry after the first failed attempt is due within ~6 s.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(CrashDatabase.Sqlite)]
    [InlineData(CrashDatabase.Postgres)]
    public async Task ServerKilledBetweenTheChangeAndItsDelivery_DeliversTheEventExactlyOnceAfterTheRestart(string store)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 503;
        var root = Path.Combine(Path.GetTempPath(), "socialmcp-webhook-crash-" + Guid.NewGuid().ToString("N"));
        await using var storage = CrashDatabase.For(store, root);
        // No accounts are needed: the template is an empty store that the first server migrates.
        await storage.CreateTemplateAsync((_, _) => Task.CompletedTask);
        var database = await storage.NewChainAsync(0);
        var environment = new Dictionary<string, string?>(storage.ServerEnvironment) { ["SOCIALMCP_Media__AllowedHosts__0"] = "127.0.0.1" };

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
        var eventId = await storage.ScalarAsync("SELECT id FROM webhook_events WHERE type = 'post.created';");
        Assert.NotNull(eventId);

        receiver.Status = 200;
        await using var second = await ServerProcess.StartKillableAsync(database, environment);
        var watch = Stopwatch.StartNew();
        while (await storage.ScalarAsync("SELECT status FROM webhook_deliveries;") != "succeeded")
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
}
