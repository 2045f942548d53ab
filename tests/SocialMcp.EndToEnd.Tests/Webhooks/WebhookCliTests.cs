using System.Text.Json;

namespace SocialMcp.EndToEnd.Tests.Webhooks;

/// <summary><c>socialmcp webhooks …</c>: the same service as the tools, JSON on stdout, coded errors on stderr with exit 1.</summary>
public sealed class WebhookCliTests
{
    [Fact]
    public async Task WebhooksCommands_CreateListRotateDeliveriesDelete_AndRefuseAPrivateUrl()
    {
        var db = Path.Combine(Path.GetTempPath(), "socialmcp-webhook-cli-" + Guid.NewGuid().ToString("N"), "cli.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);

        var refused = await ServerProcess.RunCliAsync("webhooks", "create", "--url", "https://10.0.0.7/hook", "--db", db);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("loopback, private", refused.Stderr, StringComparison.Ordinal);

        // An IP literal that is public: nothing resolves, nothing is sent.
        var created = await ServerProcess.RunCliAsync("webhooks", "create", "--url", "https://93.184.216.34/hook", "--events", "post.published,post.failed", "--db", db);
        Assert.True(created.ExitCode == 0, created.Stderr);
        var answer = JsonDocument.Parse(created.Stdout).RootElement;
        var id = answer.GetProperty("webhook").GetProperty("id").GetString()!;
        var secret = answer.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var listed = await ServerProcess.RunCliAsync("webhooks", "list", "--db", db);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains(id, listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Stdout, StringComparison.Ordinal);

        var rotated = await ServerProcess.RunCliAsync("webhooks", "rotate", id, "--db", db);
        Assert.Equal(0, rotated.ExitCode);
        Assert.NotEqual(secret, JsonDocument.Parse(rotated.Stdout).RootElement.GetProperty("secret").GetString());

        var deliveries = await ServerProcess.RunCliAsync("webhooks", "deliveries", "--webhook", id, "--db", db);
        Assert.Equal(0, deliveries.ExitCode);
        Assert.Empty(JsonDocument.Parse(deliveries.Stdout).RootElement.GetProperty("deliveries").EnumerateArray());

        var deleted = await ServerProcess.RunCliAsync("webhooks", "delete", id, "--db", db);
        Assert.Equal(0, deleted.ExitCode);
        var gone = await ServerProcess.RunCliAsync("webhooks", "delete", id, "--db", db);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("list_webhooks", gone.Stderr, StringComparison.Ordinal);
    }
}
