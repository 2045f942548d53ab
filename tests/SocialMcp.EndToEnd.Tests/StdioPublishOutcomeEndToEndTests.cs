namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// The error path over stdio, against the real server process: a platform's refusal (X, through its real adapter and the
/// sandbox's emulator) reaches the agent with the platform's own code, message and HTTP status, and the step that fits it.
/// </summary>
public sealed class StdioPublishOutcomeEndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task PublishPost_XRefusesADuplicate_AgentGetsXsOwnErrorAndUpdateThenRetry()
    {
        var text = $"Said once {Guid.NewGuid():N}";
        var first = await Server.CallOkAsync("create_post", $$"""{"content": {"text": "{{text}}"}, "platforms": ["x"]}""");
        await Server.CallOkAsync("publish_post", $$"""{"postId": "{{first.GetProperty("id").GetString()}}"}""");
        var created = await Server.CallOkAsync("create_post", $$"""{"content": {"text": "{{text}}"}, "platforms": ["x", "linkedin"]}""");
        var id = created.GetProperty("id").GetString()!;

        var published = await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");

        Assert.Equal("partial", published.GetProperty("status").GetString());
        var x = published.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == "x");
        Assert.Equal("failed", x.GetProperty("status").GetString());
        Assert.Equal("DUPLICATE_CONTENT", x.GetProperty("errorCode").GetString());
        var platformError = x.GetProperty("platformError");
        Assert.Equal("You are not allowed to create a Tweet with duplicate content.", platformError.GetProperty("message").GetString());
        Assert.Equal(403, platformError.GetProperty("httpStatus").GetInt32());
        Assert.False(string.IsNullOrEmpty(platformError.GetProperty("code").GetString()));
        Assert.Equal("update_post_then_retry", x.GetProperty("nextStep").GetProperty("action").GetString());
        var summary = published.GetProperty("summary").GetString()!;
        Assert.Contains("1 live (linkedin), 1 failed (x: DUPLICATE_CONTENT)", summary);
        Assert.Contains("fix x with update_post, then retry_post", summary);

        var fetched = await Server.CallOkAsync("get_post", $$"""{"postId": "{{id}}"}""");
        var stored = fetched.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == "x");
        Assert.Equal(platformError.GetRawText(), stored.GetProperty("platformError").GetRawText());
        Assert.Equal("update_post_then_retry", stored.GetProperty("nextStep").GetProperty("action").GetString());
        Assert.Equal(1, fetched.GetProperty("counts").GetProperty("failed").GetInt32());
    }
}
