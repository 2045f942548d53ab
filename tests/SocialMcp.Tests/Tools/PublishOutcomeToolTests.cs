using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Tools;

/// <summary>
/// Through the MCP tools: a target that did not go out carries the platform's own error and what to do next, and summaries
/// count targets by state (a withdrawn one is never "published").
/// </summary>
public sealed class PublishOutcomeToolTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static async Task<JsonElement> CallAsync(InProcessMcpServer server, string tool, string arguments) =>
        (await server.CallOkAsync(tool, arguments)).StructuredContent!.Value;

    private static async Task<string> CreateAsync(InProcessMcpServer server, string arguments) =>
        (await CallAsync(server, "create_post", arguments)).GetProperty("id").GetString()!;

    private static JsonElement Target(JsonElement post, string platform) =>
        post.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == platform);

    private static async Task SetSandboxFailureAsync(InProcessMcpServer server, Platform platform, string? publishCode)
    {
        var store = server.Services.GetRequiredService<IStore>();
        var sets = await store.ReadAsync(s => s.Accounts.ListAsync(LocalWorkspace.Id, platform, null, Ct), Ct);
        foreach (var account in sets)
        {
            var metadata = JsonSerializer.Serialize(new { sandbox = new { failPublish = publishCode } });
            await store.WriteAsync(s => s.Accounts.UpdateMetadataAsync(LocalWorkspace.Id, account.Id, metadata, server.Clock.GetUtcNow(), Ct), Ct);
        }
    }

    [Fact]
    public async Task PublishPost_XRefusesADuplicate_AnswersXsOwnErrorAndItsNextStep()
    {
        await using var server = await InProcessMcpServer.StartAsync();
        var text = $"Said once {Guid.NewGuid():N}";
        var first = await CreateAsync(server, $$"""{"content": {"text": "{{text}}"}, "platforms": ["x"]}""");
        await CallAsync(server, "publish_post", $$"""{"postId": "{{first}}"}""");
        var id = await CreateAsync(server, $$"""{"content": {"text": "{{text}}"}, "platforms": ["x", "linkedin"]}""");

        var published = await CallAsync(server, "publish_post", $$"""{"postId": "{{id}}"}""");

        Assert.Equal("partial", published.GetProperty("status").GetString());
        var x = Target(published, "x");
        Assert.Equal("failed", x.GetProperty("status").GetString());
        Assert.Equal(ErrorCodes.DuplicateContent, x.GetProperty("errorCode").GetString());
        var platformError = x.GetProperty("platformError");
        Assert.Equal("You are not allowed to create a Tweet with duplicate content.", platformError.GetProperty("message").GetString());
        Assert.Equal(403, platformError.GetProperty("httpStatus").GetInt32());
        Assert.False(string.IsNullOrEmpty(platformError.GetProperty("code").GetString()));
        Assert.Equal(NextSteps.UpdateThenRetry, x.GetProperty("nextStep").GetProperty("action").GetString());
        Assert.Contains("update_post", x.GetProperty("nextStep").GetProperty("text").GetString());
        Assert.False(Target(published, "linkedin").TryGetProperty("nextStep", out _));
        Assert.False(Target(published, "linkedin").TryGetProperty("platformError", out _));
        var summary = published.GetProperty("summary").GetString()!;
        Assert.Contains("1 live (linkedin), 1 failed (x: DUPLICATE_CONTENT)", summary);
        Assert.Contains("Next: fix x with update_post, then retry_post", summary);
        Assert.DoesNotContain("retry_post retries the failed ones", summary);

        // get_post says the same.
        var fetched = await CallAsync(server, "get_post", $$"""{"postId": "{{id}}"}""");
        Assert.Equal(platformError.GetRawText(), Target(fetched, "x").GetProperty("platformError").GetRawText());
        Assert.Equal(1, fetched.GetProperty("counts").GetProperty("failed").GetInt32());
        Assert.Equal(1, fetched.GetProperty("counts").GetProperty("live").GetInt32());
    }

    [Fact]
    public async Task GetPost_AfterOneTargetIsWithdrawn_CountsItWithdrawnNotPublished()
    {
        await using var server = await InProcessMcpServer.StartAsync();
        var id = await CreateAsync(server, """{"content": {"text": "Up and partly down"}, "platforms": ["x", "linkedin"]}""");
        await CallAsync(server, "publish_post", $$"""{"postId": "{{id}}"}""");

        await CallAsync(server, "withdraw_post", $$"""{"postId": "{{id}}", "platforms": ["x"]}""");
        var fetched = await CallAsync(server, "get_post", $$"""{"postId": "{{id}}"}""");

        var summary = fetched.GetProperty("summary").GetString()!;
        Assert.StartsWith("Published: 1 live (linkedin), 1 withdrawn (x).", summary);
        var counts = fetched.GetProperty("counts");
        Assert.Equal(1, counts.GetProperty("live").GetInt32());
        Assert.Equal(1, counts.GetProperty("withdrawn").GetInt32());
        Assert.Equal(0, counts.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task PublishPost_RateLimited_SaysWhenTheServerRetriesByItself()
    {
        await using var server = await InProcessMcpServer.StartAsync();
        await SetSandboxFailureAsync(server, Platform.LinkedIn, ErrorCodes.RateLimited);
        var id = await CreateAsync(server, """{"content": {"text": "Throttled"}, "platforms": ["x", "linkedin"]}""");

        var published = await CallAsync(server, "publish_post", $$"""{"postId": "{{id}}"}""");

        var reset = server.Clock.GetUtcNow().AddHours(1);
        Assert.Equal(reset, published.GetProperty("autoRetryAt").GetDateTimeOffset());
        var linkedin = Target(published, "linkedin");
        Assert.Equal(reset, linkedin.GetProperty("retryAt").GetDateTimeOffset());
        Assert.Equal(429, linkedin.GetProperty("platformError").GetProperty("httpStatus").GetInt32());
        Assert.Equal(NextSteps.WaitForAutoRetry, linkedin.GetProperty("nextStep").GetProperty("action").GetString());
        Assert.Contains("automatically", linkedin.GetProperty("nextStep").GetProperty("text").GetString());
        Assert.Contains("linkedin is retried automatically at", published.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task PublishPost_AuthExpired_SaysReconnectThenRetry()
    {
        await using var server = await InProcessMcpServer.StartAsync();
        await SetSandboxFailureAsync(server, Platform.X, ErrorCodes.AuthExpired);
        var id = await CreateAsync(server, """{"content": {"text": "Expired"}, "platforms": ["x"]}""");

        var published = await CallAsync(server, "publish_post", $$"""{"postId": "{{id}}"}""");

        Assert.Equal("failed", published.GetProperty("status").GetString());
        var x = Target(published, "x");
        Assert.Equal(NextSteps.ReconnectThenRetry, x.GetProperty("nextStep").GetProperty("action").GetString());
        Assert.Equal(401, x.GetProperty("platformError").GetProperty("httpStatus").GetInt32());
        Assert.Contains("reconnect the account on x, then retry_post", published.GetProperty("summary").GetString());
    }
}
