namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// The error path over stdio, against the real server process: a platform's refusal reaches the agent with the platform's
/// own code, message and HTTP status, and the step that fits it.
/// </summary>
public sealed class StdioPublishOutcomeEndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task PublishPost_ThreadsRefusesTheImageUrl_AgentGetsThreadsOwnErrorAndUpdateThenRetry()
    {
        var created = await Server.CallOkAsync("create_post", """
            {"content": {"text": "A picture", "media": [{"url": "ftp://files.example.com/a.jpg", "type": "image", "mimeType": "image/jpeg"}]},
             "platforms": ["threads", "x"]}
            """);
        var id = created.GetProperty("id").GetString()!;

        var published = await Server.CallOkAsync("publish_post", $$"""{"postId": "{{id}}"}""");

        Assert.Equal("partial", published.GetProperty("status").GetString());
        var threads = published.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == "threads");
        Assert.Equal("failed", threads.GetProperty("status").GetString());
        Assert.Equal("CONTENT_REJECTED", threads.GetProperty("errorCode").GetString());
        var platformError = threads.GetProperty("platformError");
        Assert.Equal("100", platformError.GetProperty("code").GetString());
        Assert.Equal("(#100) Param image_url must be a public http or https URL.", platformError.GetProperty("message").GetString());
        Assert.Equal(400, platformError.GetProperty("httpStatus").GetInt32());
        Assert.Equal("update_post_then_retry", threads.GetProperty("nextStep").GetProperty("action").GetString());
        var summary = published.GetProperty("summary").GetString()!;
        Assert.Contains("1 failed (threads: CONTENT_REJECTED)", summary);
        Assert.Contains("fix threads with update_post, then retry_post", summary);

        var fetched = await Server.CallOkAsync("get_post", $$"""{"postId": "{{id}}"}""");
        var stored = fetched.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("platform").GetString() == "threads");
        Assert.Equal(platformError.GetRawText(), stored.GetProperty("platformError").GetRawText());
        Assert.Equal("update_post_then_retry", stored.GetProperty("nextStep").GetProperty("action").GetString());
        Assert.Equal(1, fetched.GetProperty("counts").GetProperty("failed").GetInt32());
    }
}
