namespace SocialMcp.EndToEnd.Tests;

/// <summary>idempotencyKey on create_post through the real server process over stdio.</summary>
public sealed class IdempotencyEndToEndTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CreatePost_SameKeyTwice_ReturnsFirstPostAndOtherArgumentsAreRefused()
    {
        const string arguments = """{"content": {"text": "Once only"}, "platforms": ["x"], "idempotencyKey": "e2e-key-1"}""";

        var first = await _server.CallOkAsync("create_post", arguments);
        var second = await _server.CallOkAsync("create_post", arguments);
        await _server.CallFailingAsync("create_post",
            """{"content": {"text": "Something else"}, "platforms": ["x"], "idempotencyKey": "e2e-key-1"}""",
            "IDEMPOTENCY_KEY_REUSED", "$.idempotencyKey");

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.False(first.TryGetProperty("replayed", out _));
        Assert.True(second.GetProperty("replayed").GetBoolean());
        var list = await _server.CallOkAsync("list_posts");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ValidateThenPublish_WithPlanHash_PublishesAndStaleHashIsRefused()
    {
        var created = await _server.CallOkAsync("create_post", """{"content": {"text": "Checked"}, "platforms": ["x"]}""");
        var id = created.GetProperty("id").GetString()!;
        var validation = await _server.CallOkAsync("validate_post", $$"""{"postId": "{{id}}"}""");
        var planHash = validation.GetProperty("planHash").GetString()!;

        await _server.CallFailingAsync("publish_post", $$"""{"postId": "{{id}}", "planHash": "{{new string('0', 64)}}"}""",
            "PLAN_CHANGED", "$.planHash");
        var published = await _server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}", "planHash": "{{planHash}}"}""");

        Assert.Equal("published", published.GetProperty("status").GetString());
    }
}
